// torctld's mapping of Tor's text events to TC EVENT payloads (event_map.hpp): each
// status TC has, the ones it lacks, ids, saturation, severities, and every event of the
// captured network fixture surviving an encode and decode unchanged.
#include "event_map.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/fixture_support.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::daemon {
namespace {

using text::testing::one_reply;

// The TC payload for one event line (CRLF added), or nullopt. `keep` holds the reply
// the payload's views point into.
std::optional<tc::event_payload> map_line(const std::string& line, text::reply& keep) {
  keep = one_reply(line + "\r\n");
  auto parsed = text::parse_event(keep);
  EXPECT_TRUE(parsed.has_value()) << line;
  if (!parsed) return std::nullopt;
  return to_tc_event(*parsed);
}

template <class Payload>
Payload map_as(const std::string& line, text::reply& keep) {
  const auto p = map_line(line, keep);
  EXPECT_TRUE(p.has_value()) << line;
  const Payload* typed = p ? std::get_if<Payload>(&*p) : nullptr;
  EXPECT_NE(typed, nullptr) << line;
  return typed != nullptr ? *typed : Payload{};
}

constexpr const char* path3 =
    "$46E050836F88FFBE21F8EB3F0839CD7808AD461B~auth0,"
    "$D30AAE161749502EB274F2B3EA66B69713B70401~relay0";

TEST(EventMap, CircuitStatusesTcHasBecomeItsOctets) {
  const std::vector<std::pair<std::string, tc::circuit_status>> cases = {
      {"LAUNCHED", tc::circuit_status::launched},
      {"BUILT", tc::circuit_status::built},
      {"EXTENDED", tc::circuit_status::extended},
      {"FAILED", tc::circuit_status::failed},
      {"CLOSED", tc::circuit_status::closed}};
  for (const auto& [status, octet] : cases) {
    text::reply keep;
    const auto e = map_as<tc::circuit_status_event>(
        "650 CIRC 4000000000 " + status + " " + path3 + " PURPOSE=GENERAL REASON=FINISHED", keep);
    EXPECT_EQ(e.status, octet) << status;
    EXPECT_EQ(e.circuit_id, 4'000'000'000U);
    EXPECT_EQ(e.path, path3);
  }
}

TEST(EventMap, LaunchedCircuitHasAnEmptyPath) {
  text::reply keep;
  const auto e = map_as<tc::circuit_status_event>(
      "650 CIRC 20 LAUNCHED BUILD_FLAGS=NEED_CAPACITY PURPOSE=GENERAL", keep);
  EXPECT_EQ(e.circuit_id, 20U);
  EXPECT_EQ(e.path, "");
}

TEST(EventMap, WhatTcCannotSayIsDropped) {
  for (const std::string line :
       {"650 CIRC 7 GUARD_WAIT $46E050836F88FFBE21F8EB3F0839CD7808AD461B",
        "650 CIRC 4294967296 BUILT $46E050836F88FFBE21F8EB3F0839CD7808AD461B",  // 33 bits
        "650 STREAM 19 NEW 0 127.0.0.1:18080 PURPOSE=USER",
        "650 STREAM 79 NEWRESOLVE 0 127.0.0.1:0",
        "650 STREAM 19 REMAP 2 example.com:80 SOURCE=EXIT",
        "650 STREAM 25 DETACHED 2 127.0.0.1:1 REASON=END",
        "650 STREAM 5000000000 SUCCEEDED 2 example.com:80", "650 ORCONN 127.0.0.1:5000 NEW ID=3",
        "650 INFO circuit_n_chan_done(): something", "650 DEBUG connection_add(): something",
        "650 ADDRMAP example.com 127.0.0.1 NEVER", "650 SIGNAL RELOAD",
        "650 STATUS_CLIENT NOTICE CIRCUIT_ESTABLISHED", "650 HS_DESC REQUESTED abc NO_AUTH"}) {
    text::reply keep;
    EXPECT_FALSE(map_line(line, keep).has_value()) << line;
  }
}

TEST(EventMap, StreamStatusesAndTarget) {
  const std::vector<std::pair<std::string, tc::stream_status>> cases = {
      {"SENTCONNECT", tc::stream_status::sent_connect},
      {"SENTRESOLVE", tc::stream_status::sent_resolve},
      {"SUCCEEDED", tc::stream_status::succeeded},
      {"FAILED", tc::stream_status::failed},
      {"CLOSED", tc::stream_status::closed}};
  for (const auto& [status, octet] : cases) {
    text::reply keep;
    const auto e = map_as<tc::stream_status_event>(
        "650 STREAM 19 " + status + " 2 127.0.0.1.$BBC4.exit:18080 CLIENT_PROTOCOL=SOCKS5", keep);
    EXPECT_EQ(e.status, octet) << status;
    EXPECT_EQ(e.stream_id, 19U);
    EXPECT_EQ(e.target, "127.0.0.1.$BBC4.exit:18080");
  }
}

TEST(EventMap, OrConnectionStatusesAndRelay) {
  const std::vector<std::pair<std::string, tc::orconn_status>> cases = {
      {"LAUNCHED", tc::orconn_status::launched},
      {"CONNECTED", tc::orconn_status::connected},
      {"FAILED", tc::orconn_status::failed},
      {"CLOSED", tc::orconn_status::closed}};
  for (const auto& [status, octet] : cases) {
    text::reply keep;
    const auto e = map_as<tc::orconn_status_event>(
        "650 ORCONN $D30AAE161749502EB274F2B3EA66B69713B70401~relay0 " + status + " ID=11", keep);
    EXPECT_EQ(e.status, octet) << status;
    EXPECT_EQ(e.router, "$D30AAE161749502EB274F2B3EA66B69713B70401~relay0");
  }
}

TEST(EventMap, BandwidthSaturatesInsteadOfWrapping) {
  text::reply keep;
  auto e = map_as<tc::bandwidth_event>("650 BW 14848 10312", keep);
  EXPECT_EQ(e.bytes_read, 14848U);
  EXPECT_EQ(e.bytes_written, 10312U);
  e = map_as<tc::bandwidth_event>("650 BW 4294967296 18446744073709551615", keep);
  EXPECT_EQ(e.bytes_read, 0xFFFF'FFFFU);
  EXPECT_EQ(e.bytes_written, 0xFFFF'FFFFU);
  e = map_as<tc::bandwidth_event>("650 BW 4294967295 0", keep);
  EXPECT_EQ(e.bytes_read, 0xFFFF'FFFFU);
}

TEST(EventMap, NoticeWarnAndErrBecomeLogMessages) {
  for (const std::string level : {"NOTICE", "WARN", "ERR"}) {
    text::reply keep;
    const auto e = map_as<tc::log_message_event>("650 " + level + " Bootstrapped 5% (conn)", keep);
    EXPECT_EQ(e.message, "Bootstrapped 5% (conn)") << level;
  }
}

TEST(EventMap, LogMessageInADataBlockKeepsItsLines) {
  text::reply keep = one_reply("650+WARN\r\nfirst line\r\nsecond line\r\n.\r\n650 OK\r\n");
  auto parsed = text::parse_event(keep);
  ASSERT_TRUE(parsed.has_value());
  const auto p = to_tc_event(*parsed);
  ASSERT_TRUE(p.has_value());
  const auto* e = std::get_if<tc::log_message_event>(&*p);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("first line"), std::string_view::npos);
  EXPECT_NE(e->message.find("second line"), std::string_view::npos);
}

TEST(EventMap, TorNamesForEachMask) {
  using tc::event_code;
  EXPECT_TRUE(tor_event_names(0).empty());
  EXPECT_EQ(tor_event_names(bit_of(event_code::circuit_status)), std::vector<std::string>{"CIRC"});
  EXPECT_EQ(tor_event_names(bit_of(event_code::log_message)),
            (std::vector<std::string>{"NOTICE", "WARN", "ERR"}));
  EXPECT_EQ(tor_event_names(0x1F),
            (std::vector<std::string>{"CIRC", "STREAM", "ORCONN", "BW", "NOTICE", "WARN", "ERR"}));
  const std::vector<event_code> codes = {event_code::bandwidth, event_code::stream_status,
                                         event_code::bandwidth};
  EXPECT_EQ(mask_of(codes), bit_of(event_code::bandwidth) | bit_of(event_code::stream_status));
  EXPECT_EQ(tor_event_names(mask_of(codes)), (std::vector<std::string>{"STREAM", "BW"}));
}

// Every event Tor sent on the private network that TC can carry survives encoding into
// an EVENT frame and decoding back, field for field.
TEST(EventMap, NetworkFixtureEventsRoundTripThroughFrames) {
  const auto replies = text::testing::read_all(text::testing::fixture("events_network"), 4096);
  ASSERT_FALSE(replies.empty());
  int mapped = 0;
  for (const text::reply& r : replies) {
    auto parsed = text::parse_event(r);
    ASSERT_TRUE(parsed.has_value()) << r.lines.front().text;
    const auto payload = to_tc_event(*parsed);
    if (!payload) continue;
    ++mapped;
    std::vector<std::uint8_t> wire;
    const tc::message m{tc::event_message{*payload}};
    ASSERT_TRUE(tc::encode_append(m, wire).has_value()) << r.lines.front().text;
    tc::message_reader reader(tc::sender::server);
    const auto step = reader.read(tc::bytes_view(wire));
    ASSERT_EQ(step.status, tc::decode_status::complete) << r.lines.front().text;
    EXPECT_EQ(step.message, m) << r.lines.front().text;
  }
  EXPECT_GT(mapped, 20);
}

}  // namespace
}  // namespace torctl::daemon
