// Byte-exact vectors for every TC message (spec section 3). The hex is written by hand from
// the spec's layouts, not captured from the encoder: each vector must encode to exactly its
// bytes and decode to exactly its message, whole or split anywhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;
using testing::from_hex;
using testing::to_hex;

// One vector: a whole frame as `from` sends it, and the message it carries.
struct vector_case {
  std::string_view name;
  sender from;
  std::string_view hex;  // Length, Type, Body
  message expected;
};

// ---- What the messages below view; it lives as long as the tables ----

constexpr config_entry one_option[] = {{"SocksPort", "9050"}};
constexpr config_entry key_alone[] = {{"Nickname", std::nullopt}};
constexpr config_entry repeated_key[] = {
    {"ORBindAddress", "10.0.0.1:9001"},
    {"ORBindAddress", "10.0.0.2:9001"},
    {"SocksPort", "9050"},
    {"Nickname", std::nullopt},
};
constexpr config_entry inner_blanks[] = {{"ContactInfo", "Jane Doe <jane@example.com>"}};
constexpr config_entry port_and_nickname[] = {{"SocksPort", "9050"}, {"Nickname", std::nullopt}};

constexpr std::string_view several_keys[] = {"SocksPort", "Nickname", "HiddenServiceOptions",
                                             "version"};
constexpr std::string_view version_key[] = {"version"};
constexpr std::string_view port_and_nickname_keys[] = {"SocksPort", "Nickname"};

constexpr config_entry two_values[] = {{"SocksPort", "9050"}, {"Nickname", "moria1"}};
constexpr config_entry empty_value[] = {{"ContactInfo", ""}};
constexpr config_entry unset_option[] = {{"Nickname", std::nullopt}};
constexpr config_entry verbatim_values[] = {
    {"ORBindAddress", "10.0.0.1:9001"},
    {"ORBindAddress", "10.0.0.2:9001"},
    {"ContactInfo", " two spaces"},
    {"Nickname", std::nullopt},
};
constexpr config_entry nickname_moria1[] = {{"Nickname", "moria1"}};

constexpr event_code all_event_codes[] = {
    event_code::circuit_status, event_code::stream_status, event_code::orconn_status,
    event_code::bandwidth,      event_code::log_message,
};
constexpr event_code repeated_codes[] = {event_code::log_message, event_code::circuit_status,
                                         event_code::log_message};

constexpr std::array<std::uint8_t, 32> cookie = {
    0x00, 0x0a, 0x0d, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
    0x0d, 0x0e, 0x0f, 0x10, 0x20, 0x7f, 0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xfe, 0x00, 0x0a,
};
constexpr std::string_view passphrase = "hunter2";

constexpr std::uint8_t unknown_payload[] = {0x01, 0x02, 0x00, 0xff};
constexpr std::uint8_t newline_payload[] = {0x0a};

constexpr std::string_view binary_error_text{"a\0b\n\xff", 5};

address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return address::ipv4({a, b, c, d});
}
address fe80_1() {
  return address::ipv6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
}
address doc_ipv6() {  // 2001:db8::1
  return address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
}
address host(std::string_view name) {
  return address::hostname(name);
}

// The null addresses, spelled out rather than taken from address::null_of.
address null_ipv4() {
  return ipv4(0, 0, 0, 0);
}
address null_ipv6() {
  return address::ipv6({});
}
address null_host() {
  return host(".");
}

event_message circuit(circuit_status s, std::uint32_t id, std::string_view path) {
  return {circuit_status_event{s, id, path}};
}
event_message stream(stream_status s, std::uint32_t id, std::string_view target) {
  return {stream_status_event{s, id, target}};
}
event_message orconn(orconn_status s, std::string_view router) {
  return {orconn_status_event{s, router}};
}
event_message bandwidth(std::uint32_t read, std::uint32_t written) {
  return {bandwidth_event{read, written}};
}

// Canonical vectors: decode gives `expected`, and encoding `expected` gives the bytes.
// Text fields are shown in the comments; every hex octet was written from the spec.
const std::vector<vector_case>& vectors() {
  using enum sender;
  static const std::vector<vector_case> table = {
      // ERROR (3.1): code, then free text. Every defined code, and one that is not.
      {"ERROR 0x0000 unspecified, no text", server, "0002 0000 0000",
       error_message{error_code::unspecified, ""}},
      {"ERROR 0x0001 internal", server, "0006 0000 0001 6f6f7073",  // "oops"
       error_message{error_code::internal, "oops"}},
      {"ERROR 0x0002 unrecognized type", server,
       "000a 0000 0002 6261642074797065",  // "bad type"
       error_message{error_code::unrecognized_type, "bad type"}},
      {"ERROR 0x0003 syntax", server, "0008 0000 0003 73796e746178",  // "syntax"
       error_message{error_code::syntax, "syntax"}},
      {"ERROR 0x0004 unrecognized key", server, "0008 0000 0004 6e6f206b6579",  // "no key"
       error_message{error_code::unrecognized_key, "no key"}},
      {"ERROR 0x0005 invalid value", server,
       "000b 0000 0005 6261642076616c7565",  // "bad value"
       error_message{error_code::invalid_value, "bad value"}},
      {"ERROR 0x0006 unrecognized code", server,
       "000a 0000 0006 62616420636f6465",  // "bad code"
       error_message{error_code::unrecognized_code, "bad code"}},
      {"ERROR 0x0007 unauthorized", server,
       "000c 0000 0007 61757468206669727374",  // "auth first"
       error_message{error_code::unauthorized, "auth first"}},
      {"ERROR 0x0008 failed authentication", server,
       "000c 0000 0008 62616420636f6f6b6965",  // "bad cookie"
       error_message{error_code::failed_authentication, "bad cookie"}},
      {"ERROR 0x0009 resource exhausted", server, "0009 0000 0009 746f6f20626967",  // "too big"
       error_message{error_code::resource_exhausted, "too big"}},
      {"ERROR unknown code 0x1234 is kept", server, "0008 0000 1234 667574757265",  // "future"
       error_message{error_code{0x1234}, "future"}},
      {"ERROR text with NUL, NL and 0xFF", server, "0007 0000 0001 6100620aff",
       error_message{error_code::internal, binary_error_text}},

      // DONE (3.2).
      {"DONE", server, "0000 0001", done_message{}},

      // SETCONF (3.3).
      {"SETCONF one option", client,
       "000f 0002 536f636b73506f72742039303530 0a",  // "SocksPort 9050\n"
       setconf_message{setconf_lines(one_option)}},
      {"SETCONF key alone restores the default", client,
       "0009 0002 4e69636b6e616d65 0a",  // "Nickname\n"
       setconf_message{setconf_lines(key_alone)}},
      // "ORBindAddress 10.0.0.1:9001\nORBindAddress 10.0.0.2:9001\nSocksPort 9050\nNickname\n"
      {"SETCONF repeated key keeps its order", client,
       "0050 0002"
       " 4f5242696e6441646472657373 20 31302e302e302e313a39303031 0a"
       " 4f5242696e6441646472657373 20 31302e302e302e323a39303031 0a"
       " 536f636b73506f7274 20 39303530 0a"
       " 4e69636b6e616d65 0a",
       setconf_message{setconf_lines(repeated_key)}},
      {"SETCONF value with inner blanks", client,
       "0028 0002 436f6e74616374496e666f 20"                          // "ContactInfo "
       " 4a616e6520446f65203c6a616e65406578616d706c652e636f6d3e 0a",  // "Jane Doe <...>\n"
       setconf_message{setconf_lines(inner_blanks)}},
      {"SETCONF empty", client, "0000 0002", setconf_message{}},

      // GETCONF (3.4).
      {"GETCONF several keys", client,
       "0030 0003"
       " 536f636b73506f7274 0a"                        // "SocksPort\n"
       " 4e69636b6e616d65 0a"                          // "Nickname\n"
       " 48696464656e536572766963654f7074696f6e73 0a"  // "HiddenServiceOptions\n"
       " 76657273696f6e 0a",                           // "version\n"
       getconf_message{getconf_keys(several_keys)}},
      {"GETCONF one key", client, "0008 0003 76657273696f6e 0a",
       getconf_message{getconf_keys(version_key)}},

      // CONFVALUE (3.5): "Key Value\n" with the value verbatim, or "Key\n" when unset.
      {"CONFVALUE two values", server,
       "001f 0004"
       " 536f636b73506f7274 20 39303530 0a"     // "SocksPort 9050\n"
       " 4e69636b6e616d65 20 6d6f72696131 0a",  // "Nickname moria1\n"
       confvalue_message{confvalue_lines(two_values)}},
      {"CONFVALUE empty value", server,
       "000d 0004 436f6e74616374496e666f 20 0a",  // "ContactInfo \n"
       confvalue_message{confvalue_lines(empty_value)}},
      {"CONFVALUE unset option", server, "0009 0004 4e69636b6e616d65 0a",  // "Nickname\n"
       confvalue_message{confvalue_lines(unset_option)}},
      {"CONFVALUE repeated key and verbatim value", server,
       "0059 0004"
       " 4f5242696e6441646472657373 20 31302e302e302e313a39303031 0a"
       " 4f5242696e6441646472657373 20 31302e302e302e323a39303031 0a"
       " 436f6e74616374496e666f 20 2074776f20737061636573 0a"  // "ContactInfo  two spaces\n"
       " 4e69636b6e616d65 0a",
       confvalue_message{confvalue_lines(verbatim_values)}},
      {"CONFVALUE empty", server, "0000 0004", confvalue_message{}},

      // SETEVENTS (3.6).
      {"SETEVENTS empty turns events off", client, "0000 0005", setevents_message{}},
      {"SETEVENTS all five codes", client, "000a 0005 0001 0002 0003 0004 0005",
       setevents_message{event_codes(all_event_codes)}},
      {"SETEVENTS keeps order and repeats", client, "0006 0005 0005 0001 0005",
       setevents_message{event_codes(repeated_codes)}},

      // EVENT (3.7) 0x0001 circuit status: status, id, NUL-terminated path.
      {"EVENT circuit launched, empty path", server, "0008 0006 0001 00 00000001 00",
       circuit(circuit_status::launched, 1, "")},
      {"EVENT circuit built", server,
       "001a 0006 0001 01 00000102 6d6f726961312c746f7232362c64697a756d 00",
       circuit(circuit_status::built, 0x102, "moria1,tor26,dizum")},
      {"EVENT circuit extended", server, "0014 0006 0001 02 7fffffff 6d6f726961312c746f72323600",
       circuit(circuit_status::extended, 0x7fffffff, "moria1,tor26")},
      {"EVENT circuit failed", server, "000e 0006 0001 03 ffffffff 6d6f72696131 00",
       circuit(circuit_status::failed, 0xffffffff, "moria1")},
      {"EVENT circuit closed", server,
       "001a 0006 0001 04 00010000 6d6f726961312c746f7232362c64697a756d 00",
       circuit(circuit_status::closed, 0x10000, "moria1,tor26,dizum")},

      // 0x0002 stream status: status, id, NUL-terminated target.
      {"EVENT stream sent connect", server,
       "001a 0006 0002 00 00000001 7777772e6578616d706c652e636f6d3a3830 00",
       stream(stream_status::sent_connect, 1, "www.example.com:80")},
      {"EVENT stream sent resolve", server,
       "001a 0006 0002 01 00000002 746f7270726f6a6563742e6f72673a343433 00",
       stream(stream_status::sent_resolve, 2, "torproject.org:443")},
      {"EVENT stream succeeded", server,
       "0018 0006 0002 02 00000003 31382e3234342e302e3138383a343433 00",
       stream(stream_status::succeeded, 3, "18.244.0.188:443")},
      {"EVENT stream failed", server, "0010 0006 0002 03 ffffffff 5b3a3a315d3a3232 00",
       stream(stream_status::failed, 0xffffffff, "[::1]:22")},
      {"EVENT stream closed", server, "0014 0006 0002 04 01020304 666f6f2e6f6e696f6e3a3830 00",
       stream(stream_status::closed, 0x01020304, "foo.onion:80")},

      // 0x0003 OR connection status: status, NUL-terminated nickname or identity.
      {"EVENT orconn launched", server, "000a 0006 0003 00 6d6f72696131 00",
       orconn(orconn_status::launched, "moria1")},
      {"EVENT orconn connected", server, "0009 0006 0003 01 746f72323600",
       orconn(orconn_status::connected, "tor26")},
      {"EVENT orconn failed", server, "0009 0006 0003 02 64697a756d 00",
       orconn(orconn_status::failed, "dizum")},
      {"EVENT orconn closed, empty name", server, "0004 0006 0003 03 00",
       orconn(orconn_status::closed, "")},

      // 0x0004 bandwidth: read, written.
      {"EVENT bandwidth zero", server, "000a 0006 0004 00000000 00000000", bandwidth(0, 0)},
      {"EVENT bandwidth", server, "000a 0006 0004 00000400 00010000", bandwidth(1024, 65536)},
      {"EVENT bandwidth maximum", server, "000a 0006 0004 ffffffff ffffffff",
       bandwidth(0xffffffff, 0xffffffff)},
      {"EVENT bandwidth maximum read only", server, "000a 0006 0004 ffffffff 00000000",
       bandwidth(0xffffffff, 0)},

      // 0x0005 log message: NUL-terminated text.
      {"EVENT log message", server,
       "0029 0006 0005"
       " 546f722068617320737563636573736675 6c6c79206f70656e656420612063697263756974 2e 00",
       event_message{log_message_event{"Tor has successfully opened a circuit."}}},
      {"EVENT log message empty", server, "0003 0006 0005 00",
       event_message{log_message_event{""}}},

      // Codes the spec does not define: kept with their raw payload.
      {"EVENT unknown code 0x0006 kept raw", server, "0006 0006 0006 010200ff",
       event_message{unknown_event{0x0006, unknown_payload}}},
      {"EVENT unknown code 0x0000 empty payload", server, "0002 0006 0000",
       event_message{unknown_event{0x0000, {}}}},
      {"EVENT unknown code 0xABCD", server, "0003 0006 abcd 0a",
       event_message{unknown_event{0xabcd, newline_payload}}},

      // AUTHENTICATE (3.8): opaque octets.
      {"AUTHENTICATE empty", client, "0000 0007", authenticate_message{}},
      {"AUTHENTICATE 32-octet cookie", client,
       "0020 0007 000a0dff01020304 05060708090a0b0c 0d0e0f10207f8090 a0b0c0d0e0fe000a",
       authenticate_message{cookie}},
      {"AUTHENTICATE passphrase", client, "0007 0007 68756e74657232",
       authenticate_message{as_bytes(passphrase)}},

      // SAVECONF (3.9).
      {"SAVECONF", client, "0000 0008", saveconf_message{}},

      // SIGNAL (3.10), in the spec's spelling.
      {"SIGNAL reload", client, "0001 0009 01", signal_message{signal_code::reload}},
      {"SIGNAL shutdown", client, "0001 0009 02", signal_message{signal_code::shutdown}},
      {"SIGNAL dump", client, "0001 0009 10", signal_message{signal_code::dump}},
      {"SIGNAL debug", client, "0001 0009 12", signal_message{signal_code::debug}},
      {"SIGNAL halt", client, "0001 0009 15", signal_message{signal_code::halt}},

      // MAPADDRESS (3.11): type octet and address, twice.
      {"MAPADDRESS IPv4 to hostname", client,
       "0015 000a 01 7fc00a0a 03 746f7270726f6a6563742e6f7267 00",
       mapaddress_message{ipv4(127, 192, 10, 10), host("torproject.org")}},
      {"MAPADDRESS IPv6 to hostname", client,
       "0020 000a 02 fe800000000000000000000000000001 03 6578616d706c652e6f6e696f6e 00",
       mapaddress_message{fe80_1(), host("example.onion")}},
      {"MAPADDRESS hostname to hostname", client,
       "0020 000a 03 7777772e6578616d706c652e636f6d 00 03 6578616d706c652e6f6e696f6e 00",
       mapaddress_message{host("www.example.com"), host("example.onion")}},
      {"MAPADDRESS hostname to IPv4", client, "000a 000a 03 612e62 00 01 0a000001",
       mapaddress_message{host("a.b"), ipv4(10, 0, 0, 1)}},
      {"MAPADDRESS IPv4 to IPv6", client,
       "0016 000a 01 0a000001 02 20010db8000000000000000000000001",
       mapaddress_message{ipv4(10, 0, 0, 1), doc_ipv6()}},
      {"MAPADDRESS null IPv4 original", client, "000e 000a 01 00000000 03 782e6f6e696f6e 00",
       mapaddress_message{null_ipv4(), host("x.onion")}},
      {"MAPADDRESS null IPv6 original", client,
       "001a 000a 02 00000000000000000000000000000000 03 792e6f6e696f6e 00",
       mapaddress_message{null_ipv6(), host("y.onion")}},
      {"MAPADDRESS null hostname original", client, "000c 000a 03 2e 00 03 7a2e6f6e696f6e 00",
       mapaddress_message{null_host(), host("z.onion")}},

      // ADDRESSMAPPED (3.12): the same layout, from the server.
      {"ADDRESSMAPPED IPv4 to hostname", server,
       "0015 000b 01 7fc00a0a 03 746f7270726f6a6563742e6f7267 00",
       addressmapped_message{ipv4(127, 192, 10, 10), host("torproject.org")}},
      {"ADDRESSMAPPED IPv6 to IPv6", server,
       "0022 000b 02 fe800000000000000000000000000001 02 20010db8000000000000000000000001",
       addressmapped_message{fe80_1(), doc_ipv6()}},
      {"ADDRESSMAPPED hostname to IPv4", server,
       "0016 000b 03 7777772e6578616d706c652e636f6d 00 01 0a000001",
       addressmapped_message{host("www.example.com"), ipv4(10, 0, 0, 1)}},
      {"ADDRESSMAPPED null IPv4 original", server, "000e 000b 01 00000000 03 782e6f6e696f6e 00",
       addressmapped_message{null_ipv4(), host("x.onion")}},
      {"ADDRESSMAPPED null IPv6 original", server,
       "001a 000b 02 00000000000000000000000000000000 03 792e6f6e696f6e 00",
       addressmapped_message{null_ipv6(), host("y.onion")}},
      {"ADDRESSMAPPED null hostname original", server, "000c 000b 03 2e 00 03 7a2e6f6e696f6e 00",
       addressmapped_message{null_host(), host("z.onion")}},

      // GETALLMAPPINGS (3.13).
      {"GETALLMAPPINGS", client, "0000 000c", getallmappings_message{}},
  };
  return table;
}

// ---- Checks shared by the tests ----

// The frame in `wire`. Checks first that the hand-written length field matches the body.
std::optional<frame> frame_of(const bytes& wire) {
  if (wire.size() < frame_header_size) {
    ADD_FAILURE() << "vector is shorter than a frame header";
    return std::nullopt;
  }
  const std::size_t length = std::size_t{wire[0]} << 8 | std::size_t{wire[1]};
  if (length != wire.size() - frame_header_size) {
    ADD_FAILURE() << "vector's length field says " << length << " but its body has "
                  << wire.size() - frame_header_size << " octets";
    return std::nullopt;
  }
  const auto type = static_cast<std::uint16_t>(wire[2] << 8 | wire[3]);
  return frame{type, bytes_view(wire).subspan(frame_header_size)};
}

std::string show(const config_entry& e) {
  return quoted(e.key) + (e.value ? "=" + quoted(*e.value) : " (no value)");
}
std::string show(std::string_view key) {
  return quoted(key);
}
std::string show(event_code code) {
  return std::to_string(static_cast<unsigned>(code));
}

// Iterates a list, and checks that size() agrees with the iteration.
template <class Grammar>
std::vector<std::string> elements(const wire_list<Grammar>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(show(e));
  EXPECT_EQ(list.size(), out.size());
  EXPECT_EQ(list.empty(), out.empty());
  return out;
}

// The elements of a list message, one string each; empty for other messages.
std::vector<std::string> list_elements(const message& m) {
  if (const auto* s = std::get_if<setconf_message>(&m)) return elements(s->lines);
  if (const auto* g = std::get_if<getconf_message>(&m)) return elements(g->keys);
  if (const auto* c = std::get_if<confvalue_message>(&m)) return elements(c->lines);
  if (const auto* e = std::get_if<setevents_message>(&m)) return elements(e->codes);
  return {};
}

// Decodes `wire` with decode() and checks the result against `expected`, element by
// element for lists, while the bytes are still alive.
void expect_decodes_to(const bytes& wire, sender from, const message& expected) {
  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, from);
  ASSERT_TRUE(decoded.has_value()) << "decode failed: " << decoded.error().reason;
  EXPECT_EQ(f->type, static_cast<std::uint16_t>(decoded->index()));
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(list_elements(*decoded), list_elements(expected));
}

// Feeds `input` to one reader, cut at each offset of `cuts` (ascending), and compares each
// message, while it is still valid, with the next of `expected`.
void expect_stream(bytes_view input, sender from, const std::vector<std::size_t>& cuts,
                   const std::vector<const message*>& expected) {
  message_reader reader(from);
  std::size_t seen = 0;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (const std::size_t end : ends) {
    bytes_view piece = input.subspan(start, end - start);
    start = end;
    while (!piece.empty()) {
      const message_reader::step step = reader.read(piece);
      if (step.consumed == 0 || step.consumed > piece.size()) {
        ADD_FAILURE() << "read() consumed " << step.consumed << " of " << piece.size();
        return;
      }
      piece = piece.subspan(step.consumed);
      if (step.status == decode_status::need_more) {
        EXPECT_TRUE(piece.empty()) << "need_more left input unconsumed";
        continue;
      }
      if (step.status == decode_status::malformed) {
        ADD_FAILURE() << "message " << seen << " is malformed: " << step.error.reason;
      } else if (seen >= expected.size()) {
        ADD_FAILURE() << "unexpected extra message: " << to_string(step.message);
      } else {
        EXPECT_EQ(step.message, *expected[seen]) << "message " << seen;
        EXPECT_EQ(step.type, static_cast<std::uint16_t>(expected[seen]->index()));
        EXPECT_EQ(list_elements(step.message), list_elements(*expected[seen]));
      }
      ++seen;
    }
  }
  EXPECT_EQ(seen, expected.size());
  EXPECT_EQ(reader.buffered(), 0u);
}

std::vector<std::size_t> every_offset(std::size_t from, std::size_t to) {
  std::vector<std::size_t> out;
  for (std::size_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

// ---- The table itself ----

TEST(VectorsTable, IsWellFormedAndCoversTheSpec) {
  std::set<std::string> names;
  std::set<std::size_t> types;
  std::set<std::uint16_t> error_codes;
  std::set<int> signals;
  std::set<std::uint8_t> circuits, streams, orconns;
  std::set<std::size_t> event_kinds;
  for (const vector_case& v : vectors()) {
    SCOPED_TRACE(v.name);
    EXPECT_TRUE(names.insert(testing::gtest_name(v.name)).second) << "duplicate name";
    const bytes wire = from_hex(v.hex);
    const auto f = frame_of(wire);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->type, v.expected.index());
    EXPECT_EQ(sent_by(f->type), v.from);
    types.insert(v.expected.index());
    if (const auto* e = std::get_if<error_message>(&v.expected)) {
      error_codes.insert(static_cast<std::uint16_t>(e->code));
    } else if (const auto* s = std::get_if<signal_message>(&v.expected)) {
      signals.insert(static_cast<int>(s->signal));
    } else if (const auto* ev = std::get_if<event_message>(&v.expected)) {
      event_kinds.insert(ev->payload.index());
      if (const auto* c = std::get_if<circuit_status_event>(&ev->payload)) {
        circuits.insert(static_cast<std::uint8_t>(c->status));
      } else if (const auto* st = std::get_if<stream_status_event>(&ev->payload)) {
        streams.insert(static_cast<std::uint8_t>(st->status));
      } else if (const auto* o = std::get_if<orconn_status_event>(&ev->payload)) {
        orconns.insert(static_cast<std::uint8_t>(o->status));
      }
    }
  }
  EXPECT_EQ(types.size(), message_type_count);
  for (std::uint16_t code = 0; code <= 9; ++code) EXPECT_TRUE(error_codes.contains(code)) << code;
  EXPECT_TRUE(error_codes.contains(0x1234));
  EXPECT_EQ(signals, (std::set<int>{0x01, 0x02, 0x10, 0x12, 0x15}));
  EXPECT_EQ(circuits.size(), 5u);
  EXPECT_EQ(streams.size(), 5u);
  EXPECT_EQ(orconns.size(), 4u);
  EXPECT_EQ(event_kinds.size(), std::variant_size_v<event_payload>);
}

// ---- Each vector, both ways ----

class VectorsEach : public ::testing::TestWithParam<std::size_t> {
 protected:
  const vector_case& vector() const { return vectors()[GetParam()]; }
};

TEST_P(VectorsEach, EncodesToExactlyItsBytes) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);

  const auto size = encoded_size(v.expected);
  ASSERT_TRUE(size.has_value()) << size.error().reason;
  EXPECT_EQ(*size, wire.size());

  bytes appended = {0xee};  // encode_append keeps what was there
  const auto written = encode_append(v.expected, appended);
  ASSERT_TRUE(written.has_value()) << written.error().reason;
  EXPECT_EQ(*written, wire.size());
  EXPECT_EQ(to_hex(bytes_view(appended).subspan(1)), to_hex(wire));
  EXPECT_EQ(appended[0], 0xee);

  bytes exact(wire.size());
  const auto into_exact = encode(v.expected, exact);
  ASSERT_TRUE(into_exact.has_value()) << into_exact.error().reason;
  EXPECT_EQ(*into_exact, wire.size());
  EXPECT_EQ(to_hex(exact), to_hex(wire));

  bytes short_by_one(wire.size() - 1);
  const auto too_small = encode(v.expected, short_by_one);
  ASSERT_FALSE(too_small.has_value());
  EXPECT_EQ(too_small.error().kind, encode_errc::buffer_too_small);
}

TEST_P(VectorsEach, DecodesToExactlyItsMessage) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  expect_decodes_to(wire, v.from, v.expected);
}

TEST_P(VectorsEach, DecodesTheSameSplitAtEveryOffset) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const std::vector<const message*> expected = {&v.expected};
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_stream(wire, v.from, {cut}, expected);
  }
}

TEST_P(VectorsEach, DecodesTheSameOneOctetAtATime) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  expect_stream(wire, v.from, every_offset(1, wire.size()), {&v.expected});
}

TEST_P(VectorsEach, ReencodesItsDecodedForm) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, v.from);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(to_hex(testing::encode_or_fail(*decoded)), to_hex(wire));
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsEach, ::testing::Range(std::size_t{0}, vectors().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return testing::gtest_name(vectors()[param.param].name);
                         });

// ---- All vectors from one side, back to back ----

// One side of a connection, as a test parameter.
struct side {
  sender from;
  std::string_view name;
};
void PrintTo(const side& s, std::ostream* os) {
  *os << s.name;
}

class VectorsStream : public ::testing::TestWithParam<side> {
 protected:
  void SetUp() override {
    for (const vector_case& v : vectors()) {
      if (v.from != GetParam().from) continue;
      const bytes wire = from_hex(v.hex);
      input_.insert(input_.end(), wire.begin(), wire.end());
      expected_.push_back(&v.expected);
    }
  }
  bytes input_;
  std::vector<const message*> expected_;
};

TEST_P(VectorsStream, AllInOneChunk) {
  ASSERT_GT(expected_.size(), 10u);
  expect_stream(input_, GetParam().from, {}, expected_);
}

TEST_P(VectorsStream, AllOneOctetAtATime) {
  expect_stream(input_, GetParam().from, every_offset(1, input_.size()), expected_);
}

TEST_P(VectorsStream, AllInChunksOfOddSizes) {
  for (const std::size_t chunk : {2u, 3u, 5u, 7u, 64u}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    std::vector<std::size_t> cuts;
    for (std::size_t at = chunk; at < input_.size(); at += chunk) cuts.push_back(at);
    expect_stream(input_, GetParam().from, cuts, expected_);
  }
}

TEST_P(VectorsStream, ReadAllAgreesWithTheMessages) {
  std::vector<std::string> expected;
  for (const message* m : expected_) expected.push_back(to_string(*m));
  EXPECT_EQ(testing::read_all(input_, GetParam().from, input_.size()), expected);
  EXPECT_EQ(testing::read_all(input_, GetParam().from, 1), expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsStream,
                         ::testing::Values(side{sender::client, "client"},
                                           side{sender::server, "server"}),
                         [](const ::testing::TestParamInfo<side>& param) {
                           return std::string(param.param.name);
                         });

// ---- Null addresses (3.11) ----

TEST(VectorsAddress, NullOriginalsDecodeAsNull) {
  std::set<std::pair<std::size_t, int>> nulls_seen;  // (message type, address type)
  for (const vector_case& v : vectors()) {
    const address* original = nullptr;
    const address* replacement = nullptr;
    if (const auto* m = std::get_if<mapaddress_message>(&v.expected)) {
      original = &m->original;
      replacement = &m->replacement;
    } else if (const auto* a = std::get_if<addressmapped_message>(&v.expected)) {
      original = &a->original;
      replacement = &a->replacement;
    } else {
      continue;
    }
    SCOPED_TRACE(v.name);
    const bytes wire = from_hex(v.hex);
    const auto f = frame_of(wire);
    ASSERT_TRUE(f.has_value());
    const auto decoded = decode(*f, v.from);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
    const address& decoded_original = std::holds_alternative<mapaddress_message>(*decoded)
                                          ? std::get<mapaddress_message>(*decoded).original
                                          : std::get<addressmapped_message>(*decoded).original;
    const bool named_null = v.name.find("null") != std::string_view::npos;
    EXPECT_EQ(decoded_original.is_null(), named_null);
    EXPECT_EQ(original->is_null(), named_null);
    EXPECT_FALSE(replacement->is_null());
    if (named_null) {
      EXPECT_EQ(decoded_original, address::null_of(decoded_original.type()));
      nulls_seen.insert({v.expected.index(), static_cast<int>(decoded_original.type())});
    }
  }
  EXPECT_EQ(nulls_seen.size(), 6u) << "each null address, in MAPADDRESS and ADDRESSMAPPED";
}

TEST(VectorsAddress, NullAddressesAreExactlyTheThree) {
  EXPECT_TRUE(null_ipv4().is_null());
  EXPECT_TRUE(null_ipv6().is_null());
  EXPECT_TRUE(null_host().is_null());
  EXPECT_TRUE(address{}.is_null());
  EXPECT_FALSE(ipv4(0, 0, 0, 1).is_null());
  EXPECT_FALSE(address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).is_null());
  EXPECT_FALSE(host("..").is_null());
  EXPECT_FALSE(host("x.").is_null());
  EXPECT_EQ(null_ipv4().to_string(), "0.0.0.0");
  EXPECT_EQ(null_ipv6().to_string(), "::");
  EXPECT_EQ(null_host().to_string(), ".");
}

// ---- Vectors that decode but are not what the encoder writes ----

struct noncanonical_case {
  std::string_view name;
  sender from;
  std::string_view hex;
  message expected;
  std::string_view canonical_hex;
};

const std::vector<noncanonical_case>& noncanonical_vectors() {
  using enum sender;
  static const std::vector<noncanonical_case> table = {
      // Signal numbers that controllers sent for the spec's 0x10, 0x12 and 0x15.
      {"SIGNAL 0x0A is dump", client, "0001 0009 0a", signal_message{signal_code::dump},
       "0001 0009 10"},
      {"SIGNAL 0x0C is debug", client, "0001 0009 0c", signal_message{signal_code::debug},
       "0001 0009 12"},
      {"SIGNAL 0x0F is halt", client, "0001 0009 0f", signal_message{signal_code::halt},
       "0001 0009 15"},
      // "  SocksPort   9050  \r\n\nNickname" (torrc-style blanks, CRLF, blank line, no
      // final NL) -> "SocksPort 9050\nNickname\n".
      {"SETCONF blanks CRLF and a blank line", client,
       "001f 0002 2020 536f636b73506f7274 202020 39303530 2020 0d0a 0a 4e69636b6e616d65",
       setconf_message{setconf_lines(port_and_nickname)},
       "0018 0002 536f636b73506f7274 20 39303530 0a 4e69636b6e616d65 0a"},
      // "SocksPort\t9050\nNickname \t\n": a tab separates; blanks after a key mean no value.
      {"SETCONF tab separator and blanks after a key", client,
       "001a 0002 536f636b73506f7274 09 39303530 0a 4e69636b6e616d65 2009 0a",
       setconf_message{setconf_lines(port_and_nickname)},
       "0018 0002 536f636b73506f7274 20 39303530 0a 4e69636b6e616d65 0a"},
      // " SocksPort \r\n\r\n\nNickname" -> "SocksPort\nNickname\n".
      {"GETCONF blanks CRLF blank lines and no final NL", client,
       "0018 0003 20 536f636b73506f7274 20 0d0a 0d0a 0a 4e69636b6e616d65",
       getconf_message{getconf_keys(port_and_nickname_keys)},
       "0013 0003 536f636b73506f7274 0a 4e69636b6e616d65 0a"},
      // "Nickname moria1" -> "Nickname moria1\n".
      {"CONFVALUE last line without NL", server, "000f 0004 4e69636b6e616d65 20 6d6f72696131",
       confvalue_message{confvalue_lines(nickname_moria1)},
       "0010 0004 4e69636b6e616d65 20 6d6f72696131 0a"},
      // "SocksPort 9050\nNickname" -> "SocksPort 9050\nNickname\n".
      {"CONFVALUE unset last line without NL", server,
       "0017 0004 536f636b73506f7274 20 39303530 0a 4e69636b6e616d65",
       confvalue_message{confvalue_lines(port_and_nickname)},
       "0018 0004 536f636b73506f7274 20 39303530 0a 4e69636b6e616d65 0a"},
  };
  return table;
}

class VectorsNoncanonical : public ::testing::TestWithParam<std::size_t> {
 protected:
  const noncanonical_case& vector() const { return noncanonical_vectors()[GetParam()]; }
};

TEST_P(VectorsNoncanonical, DecodesAsItsCanonicalForm) {
  const noncanonical_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const bytes canonical = from_hex(v.canonical_hex);
  expect_decodes_to(wire, v.from, v.expected);
  expect_decodes_to(canonical, v.from, v.expected);

  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, v.from);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(to_hex(testing::encode_or_fail(*decoded)), to_hex(canonical));
  EXPECT_EQ(to_hex(testing::encode_or_fail(v.expected)), to_hex(canonical));
}

TEST_P(VectorsNoncanonical, DecodesTheSameSplitAnywhere) {
  const noncanonical_case& v = vector();
  const bytes wire = from_hex(v.hex);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_stream(wire, v.from, {cut}, {&v.expected});
  }
  expect_stream(wire, v.from, every_offset(1, wire.size()), {&v.expected});
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsNoncanonical,
                         ::testing::Range(std::size_t{0}, noncanonical_vectors().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return testing::gtest_name(noncanonical_vectors()[param.param].name);
                         });

TEST(VectorsSignal, BothSpellingsMapToTheSameSignal) {
  EXPECT_EQ(signal_from_octet(0x0a), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x0c), signal_code::debug);
  EXPECT_EQ(signal_from_octet(0x0f), signal_code::halt);
  EXPECT_EQ(signal_from_octet(0x10), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x12), signal_code::debug);
  EXPECT_EQ(signal_from_octet(0x15), signal_code::halt);
}

}  // namespace
}  // namespace torctl::tc
