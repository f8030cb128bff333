// Malformed TC frames, one row per fault: each must fail to decode with the ERROR code a
// server would answer with (spec 3.1), and must leave a stream of frames in sync.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;
using testing::from_hex;

// One malformed frame as `from` sends it: Length, Type, Body in hex.
struct malformed_case {
  std::string_view description;
  sender from;
  std::string_view hex;
  error_code expected;
};

constexpr error_code bad_type = error_code::unrecognized_type;  // 0x0002
constexpr error_code syntax = error_code::syntax;               // 0x0003
constexpr error_code bad_code = error_code::unrecognized_code;  // 0x0006

// The rows; text in bodies is shown in comments.
const std::vector<malformed_case>& malformed() {
  using enum sender;
  static const std::vector<malformed_case> table = {
      // Types the spec does not define (section 2).
      {"type 0x000D from a client", client, "0000 000d", bad_type},
      {"type 0x00FF from a client, with a body", client, "0002 00ff 0102", bad_type},
      {"type 0xFFFF from a client", client, "0000 ffff", bad_type},
      {"type 0x000D from a server, with a body", server, "0001 000d 00", bad_type},
      {"type 0x00FF from a server", server, "0000 00ff", bad_type},
      {"type 0xFFFF from a server", server, "0000 ffff", bad_type},

      // Server-only types from a client, each with a body that would otherwise be valid.
      {"ERROR from a client", client, "0002 0000 0003", bad_type},
      {"DONE from a client", client, "0000 0001", bad_type},
      {"CONFVALUE from a client", client, "0009 0004 4e69636b6e616d65 0a", bad_type},
      {"EVENT from a client", client, "000a 0006 0004 00000001 00000002", bad_type},
      {"ADDRESSMAPPED from a client", client, "000a 000b 01 7f000001 01 0a000001", bad_type},

      // Client-only types from a server.
      {"SETCONF from a server", server, "0009 0002 4e69636b6e616d65 0a", bad_type},
      {"GETCONF from a server", server, "0008 0003 76657273696f6e 0a", bad_type},
      {"SETEVENTS from a server", server, "0002 0005 0001", bad_type},
      {"AUTHENTICATE from a server", server, "0000 0007", bad_type},
      {"SAVECONF from a server", server, "0000 0008", bad_type},
      {"SIGNAL from a server", server, "0001 0009 01", bad_type},
      {"MAPADDRESS from a server", server, "000a 000a 01 7f000001 01 0a000001", bad_type},
      {"GETALLMAPPINGS from a server", server, "0000 000c", bad_type},

      // ERROR (3.1) needs its 2-octet code.
      {"ERROR with an empty body", server, "0000 0000", syntax},
      {"ERROR with a 1-octet body", server, "0001 0000 00", syntax},

      // DONE, SAVECONF and GETALLMAPPINGS have empty bodies.
      {"DONE with a body", server, "0001 0001 00", syntax},
      {"SAVECONF with a body", client, "0001 0008 0a", syntax},
      {"GETALLMAPPINGS with a body", client, "0002 000c 0000", syntax},

      // SETEVENTS (3.6): 2-octet codes, only the five defined ones.
      {"SETEVENTS of 1 octet", client, "0001 0005 01", syntax},
      {"SETEVENTS of 3 octets", client, "0003 0005 0001 00", syntax},
      {"SETEVENTS with code 0x0000", client, "0002 0005 0000", bad_code},
      {"SETEVENTS with code 0x0006 after a valid one", client, "0004 0005 0001 0006", bad_code},
      {"SETEVENTS with code 0xFFFF", client, "0002 0005 ffff", bad_code},

      // SIGNAL (3.10): exactly one octet, one of the defined codes.
      {"SIGNAL with an empty body", client, "0000 0009", syntax},
      {"SIGNAL of 2 octets", client, "0002 0009 0101", syntax},
      {"SIGNAL 0x00", client, "0001 0009 00", bad_code},
      {"SIGNAL 0x03", client, "0001 0009 03", bad_code},
      {"SIGNAL 0x11", client, "0001 0009 11", bad_code},
      {"SIGNAL 0xFF", client, "0001 0009 ff", bad_code},

      // MAPADDRESS (3.11): two addresses, each a type octet and its value, nothing after.
      {"MAPADDRESS with an empty body", client, "0000 000a", syntax},
      {"MAPADDRESS address type 0x00", client, "000a 000a 00 7f000001 01 0a000001", syntax},
      {"MAPADDRESS address type 0x04", client, "000a 000a 04 7f000001 01 0a000001", syntax},
      {"MAPADDRESS address type 0xFF", client, "000a 000a ff 7f000001 01 0a000001", syntax},
      {"MAPADDRESS truncated IPv4", client, "0004 000a 01 7f0000", syntax},
      {"MAPADDRESS truncated IPv6", client, "0010 000a 02 fe80 0000 0000 0000 0000 0000 0000 00",
       syntax},
      {"MAPADDRESS hostname without NUL", client, "0004 000a 03 616263", syntax},  // "abc"
      {"MAPADDRESS empty hostname", client, "0005 000a 03 00 03 61 00", syntax},
      {"MAPADDRESS hostname with a space", client, "000a 000a 03 612062 00 01 0a000001",
       syntax},  // "a b"
      {"MAPADDRESS hostname with a control octet", client, "000a 000a 03 610162 00 01 0a000001",
       syntax},
      {"MAPADDRESS hostname with DEL", client, "0009 000a 03 617f 00 01 0a000001", syntax},
      {"MAPADDRESS missing replacement", client, "0005 000a 01 7f000001", syntax},
      {"MAPADDRESS octet after the replacement", client, "000b 000a 01 7f000001 01 0a000001 00",
       syntax},
      {"MAPADDRESS replacement type 0x05", client, "0006 000a 01 7f000001 05", syntax},
      {"MAPADDRESS truncated IPv4 replacement", client, "0008 000a 01 7f000001 01 0a00", syntax},
      {"MAPADDRESS replacement hostname without NUL", client, "0008 000a 01 7f000001 03 6162",
       syntax},

      // ADDRESSMAPPED (3.12): the same layout, from the server.
      {"ADDRESSMAPPED with an empty body", server, "0000 000b", syntax},
      {"ADDRESSMAPPED address type 0x00", server, "000a 000b 00 7f000001 01 0a000001", syntax},
      {"ADDRESSMAPPED address type 0x04", server, "000a 000b 04 7f000001 01 0a000001", syntax},
      {"ADDRESSMAPPED address type 0xFF", server, "000a 000b ff 7f000001 01 0a000001", syntax},
      {"ADDRESSMAPPED truncated IPv4", server, "0004 000b 01 7f0000", syntax},
      {"ADDRESSMAPPED truncated IPv6", server, "0010 000b 02 fe80 0000 0000 0000 0000 0000 0000 00",
       syntax},
      {"ADDRESSMAPPED hostname without NUL", server, "0004 000b 03 616263", syntax},
      {"ADDRESSMAPPED empty hostname", server, "0005 000b 03 00 03 61 00", syntax},
      {"ADDRESSMAPPED hostname with a space", server, "000a 000b 03 612062 00 01 0a000001", syntax},
      {"ADDRESSMAPPED hostname with a control octet", server, "000a 000b 03 610162 00 01 0a000001",
       syntax},
      {"ADDRESSMAPPED missing replacement", server, "0005 000b 01 7f000001", syntax},
      {"ADDRESSMAPPED octet after the replacement", server, "000b 000b 01 7f000001 01 0a000001 00",
       syntax},
      {"ADDRESSMAPPED truncated IPv6 replacement", server,
       "0015 000b 01 7f000001 02 2001 0db8 0000 0000 0000 0000 0000 00", syntax},

      // EVENT (3.7): a 2-octet code, then a payload of the code's layout.
      {"EVENT with an empty body", server, "0000 0006", syntax},
      {"EVENT with a 1-octet body", server, "0001 0006 00", syntax},
      {"circuit event of 4 payload octets", server, "0006 0006 0001 00 000000", syntax},
      {"circuit event without a path", server, "0007 0006 0001 01 00000001", syntax},
      {"circuit path without NUL", server, "000a 0006 0001 01 00000001 616263", syntax},
      {"circuit event with octets after the NUL", server, "000a 0006 0001 01 00000001 61 00 62",
       syntax},
      {"stream event of 3 payload octets", server, "0005 0006 0002 02 0000", syntax},
      {"stream target without NUL", server, "000b 0006 0002 02 00000003 613a3830", syntax},
      {"stream event with octets after the NUL", server, "000a 0006 0002 02 00000003 61 00 00",
       syntax},
      {"orconn event with no payload", server, "0002 0006 0003", syntax},
      {"orconn name without NUL", server, "0006 0006 0003 01 616263", syntax},
      {"orconn event with octets after the NUL", server, "0006 0006 0003 01 61 00 62", syntax},
      {"bandwidth event of 0 octets", server, "0002 0006 0004", syntax},
      {"bandwidth event of 7 octets", server, "0009 0006 0004 00000001 000002", syntax},
      {"bandwidth event of 9 octets", server, "000b 0006 0004 00000001 00000002 00", syntax},
      {"log message without NUL", server, "0005 0006 0005 616263", syntax},
      {"log message with no payload", server, "0002 0006 0005", syntax},
      {"log message with octets after the NUL", server, "0006 0006 0005 61 00 6263", syntax},

      // SETCONF (3.3): printable keys; values without NUL or a CR other than a CRLF's.
      {"SETCONF value with a NUL", client,
       "0010 0002 536f636b73506f7274 20 3930 00 3530 0a",  // "SocksPort 90<NUL>50\n"
       syntax},
      {"SETCONF key with a control octet", client,
       "0010 0002 536f636b73 01 506f7274 20 39303530 0a",  // "Socks<0x01>Port 9050\n"
       syntax},
      {"SETCONF key with a non-ASCII octet", client, "0008 0002 436166 c3a9 20 31 0a",
       syntax},  // "Caf\xc3\xa9 1\n"
      {"SETCONF key with a NUL", client, "000a 0002 4e69636b 00 6e616d65 0a", syntax},
      {"SETCONF key with DEL", client, "0008 0002 4e69636b 7f 20 78 0a", syntax},
      {"SETCONF bare CR inside a value", client,
       "0010 0002 4e69636b6e616d65 20 6d6f 0d 726961 0a",  // "Nickname mo\rria\n"
       syntax},
      {"SETCONF value ending in CR CR NL", client,
       "0012 0002 4e69636b6e616d65 20 6d6f72696131 0d0d0a", syntax},
      {"SETCONF bad line after a good one", client,
       "0015 0002 536f636b73506f7274 20 39303530 0a 4e69636b 01 0a", syntax},

      // GETCONF (3.4): one key per line, no blanks inside it.
      {"GETCONF key with a space between words", client, "000b 0003 536f636b73 20 506f7274 0a",
       syntax},  // "Socks Port\n"
      {"GETCONF key with a tab between words", client, "000b 0003 536f636b73 09 506f7274 0a",
       syntax},
      {"GETCONF key with a NUL", client, "000a 0003 4e69636b 00 6e616d65 0a", syntax},
      {"GETCONF key with a non-ASCII octet", client, "0006 0003 436166 c3a9 0a", syntax},
      {"GETCONF bad key after a good one", client,
       "0013 0003 76657273696f6e 0a 536f636b73 20 506f7274 0a", syntax},

      // CONFVALUE (3.5): "Key Value\n" or "Key\n" with a non-empty printable key.
      {"CONFVALUE line starting with a space", server, "0006 0004 20 39303530 0a", syntax},
      {"CONFVALUE empty line", server, "0001 0004 0a", syntax},
      // A value may hold anything but NL (a CR or NUL there is data), but a key may not.
      {"CONFVALUE key alone with a CRLF ending", server, "000a 0004 4e69636b6e616d65 0d0a", syntax},
      {"CONFVALUE key with a DEL octet", server, "0008 0004 4e69 7f 636b 20 78 0a", syntax},
      {"CONFVALUE key with a non-ASCII octet", server, "0008 0004 436166 c3a9 20 31 0a", syntax},
      {"CONFVALUE key with a control octet", server, "000c 0004 4e69636b 01 6e616d65 20 78 0a",
       syntax},
      {"CONFVALUE key with a tab", server, "000c 0004 4e69636b 09 6e616d65 20 78 0a", syntax},
      {"CONFVALUE empty key after a good line", server,
       "001b 0004 4e69636b6e616d65 20 6d6f72696131 0a 20 536f636b73506f7274 0a", syntax},
  };
  return table;
}

// A valid frame that follows each malformed one: SAVECONF from a client, DONE from a server.
bytes follower(sender from) {
  return from_hex(from == sender::client ? "0000 0008" : "0000 0001");
}
message follower_message(sender from) {
  if (from == sender::client) return saveconf_message{};
  return done_message{};
}

std::string hex_code(error_code c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%04x", static_cast<unsigned>(c));
  return buffer;
}

// What a reader reported for one step that ended a frame.
std::string describe_step(const message_reader::step& s) {
  if (s.status == decode_status::malformed) {
    EXPECT_FALSE(s.error.reason.empty()) << "malformed step without a reason";
    return "malformed " + hex_code(s.error.code);
  }
  return to_string(s.message);
}

// Feeds `input` to a reader in chunks of at most `chunk` octets; returns what each frame
// gave, in order.
std::vector<std::string> read_steps(bytes_view input, sender from, std::size_t chunk,
                                    std::size_t body_limit = max_body_size) {
  message_reader reader(from, body_limit);
  std::vector<std::string> out;
  for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
    bytes_view piece = input.subspan(offset, std::min(chunk, input.size() - offset));
    while (!piece.empty()) {
      const message_reader::step s = reader.read(piece);
      if (s.consumed == 0 || s.consumed > piece.size()) {
        ADD_FAILURE() << "read() consumed " << s.consumed << " of " << piece.size();
        return out;
      }
      piece = piece.subspan(s.consumed);
      if (s.status != decode_status::need_more) out.push_back(describe_step(s));
    }
  }
  EXPECT_EQ(reader.buffered(), 0u) << "input ended inside a frame";
  return out;
}

TEST(MalformedTable, IsLargeWellFramedAndUnique) {
  EXPECT_GE(malformed().size(), 45u);
  std::set<std::string> names;
  for (const malformed_case& row : malformed()) {
    SCOPED_TRACE(row.description);
    EXPECT_TRUE(names.insert(testing::gtest_name(row.description)).second)
        << "duplicate description";
    const bytes wire = from_hex(row.hex);
    ASSERT_GE(wire.size(), frame_header_size);
    const std::size_t length = std::size_t{wire[0]} << 8 | std::size_t{wire[1]};
    EXPECT_EQ(length, wire.size() - frame_header_size) << "length field does not match the body";
  }
}

class MalformedEach : public ::testing::TestWithParam<std::size_t> {
 protected:
  const malformed_case& row() const { return malformed()[GetParam()]; }
};

TEST_P(MalformedEach, DecodeFailsWithTheCode) {
  const malformed_case& r = row();
  const bytes wire = from_hex(r.hex);
  ASSERT_GE(wire.size(), frame_header_size);
  const frame f{static_cast<std::uint16_t>(wire[2] << 8 | wire[3]),
                bytes_view(wire).subspan(frame_header_size)};
  const auto decoded = decode(f, r.from);
  ASSERT_FALSE(decoded.has_value()) << "decoded as " << to_string(*decoded);
  EXPECT_EQ(hex_code(decoded.error().code), hex_code(r.expected));
  EXPECT_FALSE(decoded.error().reason.empty());
}

TEST_P(MalformedEach, ReaderReportsTheCodeOneOctetAtATime) {
  const malformed_case& r = row();
  const bytes wire = from_hex(r.hex);
  message_reader reader(r.from);
  std::vector<message_reader::step> ends;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    const message_reader::step s = reader.read(bytes_view(wire).subspan(i, 1));
    EXPECT_EQ(s.consumed, 1u);
    if (s.status != decode_status::need_more) ends.push_back(s);
  }
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].status, decode_status::malformed);
  EXPECT_EQ(hex_code(ends[0].error.code), hex_code(r.expected));
  EXPECT_FALSE(ends[0].error.reason.empty());
  EXPECT_EQ(ends[0].type, static_cast<std::uint16_t>(wire[2] << 8 | wire[3]));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST_P(MalformedEach, StreamStaysInSync) {
  const malformed_case& r = row();
  bytes input = from_hex(r.hex);
  const bytes next = follower(r.from);
  input.insert(input.end(), next.begin(), next.end());
  input.insert(input.end(), next.begin(), next.end());
  const std::string ok = to_string(follower_message(r.from));
  const std::vector<std::string> expected = {"malformed " + hex_code(r.expected), ok, ok};
  EXPECT_EQ(read_steps(input, r.from, input.size()), expected) << "in one chunk";
  EXPECT_EQ(read_steps(input, r.from, 1), expected) << "one octet at a time";
  EXPECT_EQ(read_steps(input, r.from, 3), expected) << "three octets at a time";
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedEach,
                         ::testing::Range(std::size_t{0}, malformed().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return testing::gtest_name(malformed()[param.param].description);
                         });

TEST(MalformedStream, EveryRowBackToBackStaysInSync) {
  for (const sender from : {sender::client, sender::server}) {
    bytes input;
    std::vector<std::string> expected;
    const bytes next = follower(from);
    for (const malformed_case& row : malformed()) {
      if (row.from != from) continue;
      const bytes wire = from_hex(row.hex);
      input.insert(input.end(), wire.begin(), wire.end());
      input.insert(input.end(), next.begin(), next.end());
      expected.push_back("malformed " + hex_code(row.expected));
      expected.push_back(to_string(follower_message(from)));
    }
    EXPECT_EQ(read_steps(input, from, input.size()), expected);
    EXPECT_EQ(read_steps(input, from, 1), expected);
  }
}

// ---- Frames longer than the reader accepts (frame.hpp: ERROR 0x0009, then skipped) ----

TEST(MalformedOversized, BodyOverTheLimitIsResourceExhaustedAndSkipped) {
  // A SETCONF body of 17 octets, "SocksPort 905000\n", against a limit of 16.
  bytes input = from_hex("0011 0002 536f636b73506f7274 20 393035303030 0a 0000 0008");
  const std::vector<std::string> expected = {"malformed 0x0009", "SAVECONF"};
  for (const std::size_t chunk : {input.size(), std::size_t{1}, std::size_t{2}, std::size_t{5}}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    EXPECT_EQ(read_steps(input, sender::client, chunk, 16), expected);
  }
}

TEST(MalformedOversized, BodyAtTheLimitDecodes) {
  // "SocksPort 90500\n" is exactly 16 octets.
  const bytes input = from_hex("0010 0002 536f636b73506f7274 20 3930353030 0a 0000 0008");
  const std::vector<std::string> expected = {"SETCONF SocksPort=\"90500\"", "SAVECONF"};
  EXPECT_EQ(read_steps(input, sender::client, input.size(), 16), expected);
  EXPECT_EQ(read_steps(input, sender::client, 1, 16), expected);
}

TEST(MalformedOversized, LargestFrameIsSkippedInPieces) {
  // Length 0xFFFF: the reader must skip the whole body without buffering it.
  bytes input = from_hex("ffff 0007");
  input.resize(input.size() + 0xffff, 0x41);
  const bytes next = from_hex("0001 0009 01 0000 0008");
  input.insert(input.end(), next.begin(), next.end());
  const std::vector<std::string> expected = {"malformed 0x0009", "SIGNAL reload", "SAVECONF"};
  for (const std::size_t chunk : {input.size(), std::size_t{1}, std::size_t{4096}}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    EXPECT_EQ(read_steps(input, sender::client, chunk, 16), expected);
  }

  message_reader reader(sender::client, 16);
  bytes_view rest(input);
  while (!rest.empty()) {
    const message_reader::step s = reader.read(rest.first(std::min<std::size_t>(7, rest.size())));
    ASSERT_GT(s.consumed, 0u);
    EXPECT_LE(reader.buffered(), frame_header_size + 16);
    rest = rest.subspan(s.consumed);
  }
}

TEST(MalformedOversized, StepCarriesTheTypeAndAReason) {
  // A CONFVALUE of 17 octets against a limit of 16, whole and one octet at a time.
  const bytes input = from_hex("0011 0004 4e69636b6e616d65 20 6d6f72696131 6d 0a");
  {
    message_reader reader(sender::server, 16);
    const message_reader::step s = reader.read(input);
    EXPECT_EQ(s.status, decode_status::malformed);
    EXPECT_EQ(s.consumed, frame_header_size);
    EXPECT_EQ(s.type, 0x0004);
    EXPECT_EQ(hex_code(s.error.code), "0x0009");
    EXPECT_FALSE(s.error.reason.empty());
  }
  message_reader reader(sender::server, 16);
  std::vector<message_reader::step> ends;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const message_reader::step s = reader.read(bytes_view(input).subspan(i, 1));
    EXPECT_EQ(s.consumed, 1u);
    if (s.status != decode_status::need_more) ends.push_back(s);
  }
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].status, decode_status::malformed);
  EXPECT_EQ(ends[0].type, 0x0004);
  EXPECT_EQ(hex_code(ends[0].error.code), "0x0009");
  EXPECT_FALSE(ends[0].error.reason.empty());
  EXPECT_EQ(reader.buffered(), 0u);
}

}  // namespace
}  // namespace torctl::tc
