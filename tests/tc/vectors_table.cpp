// The table of vectors_table.hpp.
#include "tc/vectors_table.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace torctl::tc::testing {
namespace {

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

}  // namespace

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

}  // namespace torctl::tc::testing
