// Typed events: every event Tor sent in the fixtures parses, the fields come out as
// Tor wrote them, unknown events and values are kept, and broken known events fail.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fixture_support.hpp"
#include "torctl/text/arguments.hpp"
#include "torctl/text/event.hpp"

namespace torctl::text {
namespace {

using testing::fixture;
using testing::one_reply;
using testing::read_all;

// Parses an event reply and returns the typed body, failing the test otherwise. The body
// views into `r`.
template <class Body>
Body parse_as(const reply& r) {
  auto parsed = parse_event(r);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error());
  if (!parsed) return {};
  const Body* body = std::get_if<Body>(&parsed->body);
  EXPECT_NE(body, nullptr) << r.lines.front().text;
  return body != nullptr ? *body : Body{};
}

// The first event in the network fixture whose line starts with `prefix`. A reference:
// parsed events view into the reply, so it must outlive them.
const reply& network_event(std::string_view prefix) {
  static const std::vector<reply> events = read_all(fixture("events_network"), 4096);
  for (const reply& r : events) {
    if (r.lines.front().text.rfind(prefix, 0) == 0) return r;
  }
  ADD_FAILURE() << "no event starts with " << prefix;
  static const reply none;
  return none;
}

TEST(Event, EveryCapturedEventParsesToItsType) {
  std::map<std::string, std::size_t> seen;
  for (const char* name : {"events", "events_network"}) {
    for (const reply& r : read_all(fixture(name), 4096)) {
      if (!r.is_event()) continue;
      auto parsed = parse_event(r);
      ASSERT_TRUE(parsed.has_value()) << r.lines.front().text << ": " << parsed.error();
      EXPECT_FALSE(std::holds_alternative<unknown_event>(parsed->body)) << parsed->keyword;
      ++seen[std::string(parsed->keyword)];
    }
  }
  const std::map<std::string, std::size_t> expected = {
      {"ADDRMAP", 8}, {"BW", 8},     {"CIRC", 10},         {"CONF_CHANGED", 3}, {"NOTICE", 7},
      {"ORCONN", 6},  {"SIGNAL", 3}, {"STATUS_CLIENT", 5}, {"STREAM", 12},      {"WARN", 3}};
  EXPECT_EQ(seen, expected);
}

TEST(Event, CircuitBuiltWithThreeHops) {
  const auto circ = parse_as<circuit_event>(network_event("CIRC 20 BUILT"));
  EXPECT_EQ(circ.id, "20");
  EXPECT_EQ(circ.status, circuit_status::built);
  EXPECT_EQ(circ.build_flags, "NEED_CAPACITY");
  EXPECT_EQ(circ.purpose, "GENERAL");
  EXPECT_EQ(circ.time_created, "2026-12-03T19:11:30.092174");
  std::vector<std::string> hops;
  for_each_hop(circ.path, [&](long_name hop) {
    hops.push_back(std::string(hop.fingerprint.substr(0, 4)) + "~" + std::string(hop.nickname));
  });
  EXPECT_EQ(hops, (std::vector<std::string>{"46E0~auth0", "D30A~relay0", "BBC4~exit0"}));
}

TEST(Event, CircuitWithoutPathAndWithReasons) {
  const auto launched = parse_as<circuit_event>(network_event("CIRC 1 LAUNCHED"));
  EXPECT_EQ(launched.path, "");
  EXPECT_EQ(launched.build_flags, "ONEHOP_TUNNEL,IS_INTERNAL,NEED_CAPACITY");
  const auto failed = parse_as<circuit_event>(network_event("CIRC 53 FAILED"));
  EXPECT_EQ(failed.status, circuit_status::failed);
  EXPECT_EQ(failed.path, "");
  EXPECT_EQ(failed.purpose, "CONFLUX_UNLINKED");
  EXPECT_EQ(failed.reason, "NOPATH");
  EXPECT_EQ(failed.remote_reason, "");
  const auto extended = parse_as<circuit_event>(network_event("CIRC 1 EXTENDED"));
  const long_name first = parse_long_name(extended.path);
  EXPECT_EQ(first.fingerprint, "46E050836F88FFBE21F8EB3F0839CD7808AD461B");
  EXPECT_EQ(first.nickname, "");  // the first ORCONN to the authority knows no name yet
}

TEST(Event, StreamTargetsAndKeywords) {
  const auto fresh = parse_as<stream_event>(network_event("STREAM 19 NEW"));
  EXPECT_EQ(fresh.status, stream_status::new_connect);
  EXPECT_EQ(fresh.circuit_id, "0");
  EXPECT_EQ(fresh.target_host, "127.0.0.1");
  EXPECT_EQ(fresh.target_port, 18080);
  EXPECT_EQ(fresh.source_addr, "127.0.0.1:45260");
  EXPECT_EQ(fresh.purpose, "USER");
  EXPECT_EQ(fresh.client_protocol, "SOCKS5");
  EXPECT_EQ(fresh.session_group, "-4");
  const auto closed = parse_as<stream_event>(network_event("STREAM 20 CLOSED"));
  EXPECT_EQ(closed.reason, "END");
  EXPECT_EQ(closed.remote_reason, "DONE");
  EXPECT_EQ(closed.target_host, "127.0.0.1.BBC4537D32709A4432862BC3FAD91491DFE576C4.exit");
  const auto remap = parse_as<stream_event>(network_event("STREAM 81 REMAP"));
  EXPECT_EQ(remap.status, stream_status::remap);
  EXPECT_EQ(remap.source, "CACHE");
  EXPECT_EQ(remap.target_port, 0);
}

TEST(Event, OrconnCountsAndReasons) {
  const auto failed = parse_as<orconn_event>(
      network_event("ORCONN $D30AAE161749502EB274F2B3EA66B69713B70401~relay0 FAILED"));
  EXPECT_EQ(failed.status, orconn_status::failed);
  EXPECT_EQ(failed.reason, "CONNECTREFUSED");
  EXPECT_EQ(failed.circuit_count, 2u);
  EXPECT_EQ(failed.id, "448");
  EXPECT_EQ(parse_long_name(failed.target).nickname, "relay0");
  const auto launched = parse_as<orconn_event>(network_event("ORCONN $46E0"));
  EXPECT_EQ(launched.status, orconn_status::launched);
  EXPECT_FALSE(launched.circuit_count.has_value());
}

TEST(Event, BandwidthLogSignalAndStatus) {
  const auto bw = parse_as<bandwidth_event>(network_event("BW 14848"));
  EXPECT_EQ(bw.read, 14848u);
  EXPECT_EQ(bw.written, 10312u);
  const auto notice = parse_as<log_event>(network_event("NOTICE Bootstrapped"));
  EXPECT_EQ(notice.level, severity::notice);
  EXPECT_EQ(notice.message, "Bootstrapped 5% (conn): Connecting to a relay");
  EXPECT_EQ(parse_as<log_event>(network_event("WARN No")).level, severity::warn);
  EXPECT_EQ(parse_as<signal_event>(network_event("SIGNAL NEWNYM")).name, "NEWNYM");
  const auto status = parse_as<status_event>(network_event("STATUS_CLIENT NOTICE BOOTSTRAP"));
  EXPECT_EQ(status.kind, status_kind::client);
  EXPECT_EQ(status.level, severity::notice);
  EXPECT_EQ(status.action, "BOOTSTRAP");
  std::map<std::string, std::string> args;
  argument_reader reader(status.arguments);
  for (argument arg; reader.next(arg);) args[std::string(arg.key)] = arg.decoded();
  EXPECT_EQ(args, (std::map<std::string, std::string>{
                      {"PROGRESS", "5"}, {"TAG", "conn"}, {"SUMMARY", "Connecting to a relay"}}));
  const auto bare = parse_as<status_event>(network_event("STATUS_CLIENT NOTICE ENOUGH_DIR_INFO"));
  EXPECT_EQ(bare.arguments, "");
}

TEST(Event, AddressMaps) {
  const auto virt = parse_as<addrmap_event>(network_event("ADDRMAP 127.227.127.254"));
  EXPECT_EQ(virt.to, "torproject.org");
  EXPECT_TRUE(virt.never_expires);
  EXPECT_EQ(virt.cached, true);
  const auto empty = parse_as<addrmap_event>(network_event("ADDRMAP 1.2.3.4 "));
  EXPECT_EQ(empty.from, "1.2.3.4");
  EXPECT_EQ(empty.to, "");
  EXPECT_TRUE(empty.never_expires);
  const auto resolved = parse_as<addrmap_event>(network_event("ADDRMAP 127.0.0.1 127.0.0.1"));
  EXPECT_FALSE(resolved.never_expires);
  EXPECT_EQ(resolved.expiry_local, "2026-12-03 19:14:54");
  EXPECT_EQ(resolved.expires_utc, "2026-12-03 19:14:54");
  EXPECT_EQ(resolved.cached, false);
  EXPECT_EQ(resolved.stream_id, "79");
  const auto error = parse_as<addrmap_event>(network_event("ADDRMAP localhost <error>"));
  EXPECT_TRUE(error.failed);
  EXPECT_EQ(error.error_code, "yes");
}

TEST(Event, ConfChangedListsEveryChange) {
  const auto changes = parse_as<conf_changed_event>(network_event("CONF_CHANGED")).changes;
  EXPECT_EQ(changes,
            (std::vector<config_change>{{"Nickname", std::nullopt}, {"SocksPort", "9999"}}));
  const auto replies = read_all(fixture("events"), 4096);
  std::vector<std::vector<config_change>> all;
  for (const reply& r : replies) {
    if (r.is_event() && r.lines.front().text == "CONF_CHANGED") {
      all.push_back(parse_as<conf_changed_event>(r).changes);
    }
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (std::vector<config_change>{{"ContactInfo", "fixture contact"},
                                                {"Nickname", "capture"}}));
  EXPECT_EQ(all[1].size(), 3u);
}

TEST(Event, DataLogEventsCarryTheirBlock) {
  const reply r = one_reply("650+WARN\r\nfirst\r\n..second\r\n.\r\n650 OK\r\n");
  const auto log = parse_as<log_event>(r);
  EXPECT_EQ(log.level, severity::warn);
  EXPECT_EQ(log.message, "first\n.second");
}

TEST(Event, UnknownEventsAndValuesAreKept) {
  const reply hs = one_reply("650 HS_DESC REQUESTED abc NO_AUTH $AAAA~x DESC_ID\r\n");
  auto parsed = parse_event(hs);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(std::holds_alternative<unknown_event>(parsed->body));
  EXPECT_EQ(parsed->keyword, "HS_DESC");
  EXPECT_EQ(parsed->line, "REQUESTED abc NO_AUTH $AAAA~x DESC_ID");

  const reply odd = one_reply("650 CIRC 7 TELEPORTED $AB~x NEW_THING=\"a b\" PURPOSE=FUTURE\r\n");
  const auto circ = parse_as<circuit_event>(odd);
  EXPECT_EQ(circ.status, circuit_status::unknown);
  EXPECT_EQ(circ.status_text, "TELEPORTED");
  EXPECT_EQ(circ.purpose, "FUTURE");
  auto again = parse_event(odd);
  ASSERT_TRUE(again.has_value());
  argument_reader args(again->line);
  std::string new_thing;
  for (argument arg; args.next(arg);) {
    if (arg.key == "NEW_THING") new_thing = arg.decoded();
  }
  EXPECT_EQ(new_thing, "a b");
}

TEST(Event, ExtendedEventsToleratesExtraArgumentsAndLines) {
  // control-spec 4.1: clients must accept more arguments and more lines than expected.
  const reply r = one_reply(
      "650-CIRC 1000 EXTENDED moria1,moria2 0xBEEF\r\n650-EXTRAMAGIC=99\r\n650 ANONYMITY=high\r\n");
  const auto circ = parse_as<circuit_event>(r);
  EXPECT_EQ(circ.id, "1000");
  EXPECT_EQ(circ.path, "moria1,moria2");
  EXPECT_EQ(parse_long_name("moria1").nickname, "moria1");
}

TEST(Event, BrokenKnownEventsFailWithAReason) {
  const std::vector<std::string> broken = {
      "650 CIRC\r\n",
      "650 CIRC 1\r\n",
      "650 CIRC 1 BUILT PURPOSE=\"unterminated\r\n",
      "650 STREAM 1 NEW 0\r\n",
      "650 ORCONN $AB\r\n",
      "650 ORCONN $AB CLOSED NCIRCS=many\r\n",
      "650 BW 1\r\n",
      "650 BW x 1\r\n",
      "650 BW -1 2\r\n",
      "650 BW 1 18446744073709551616\r\n",
      "650 ADDRMAP a.example\r\n",
      "650 SIGNAL\r\n",
      "650 STATUS_CLIENT NOTICE\r\n",
      "650-CONF_CHANGED\r\n650-=x\r\n650 OK\r\n",
      "650  CIRC 1 BUILT\r\n",
      "250 OK\r\n",
  };
  for (const std::string& text : broken) {
    auto parsed = parse_event(one_reply(text));
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_FALSE(parsed.error().empty()) << text;
  }
}

TEST(Event, ViewsSurviveMovingTheReply) {
  reply r = one_reply("650 SIGNAL RELOAD\r\n");
  auto parsed = parse_event(r);
  ASSERT_TRUE(parsed.has_value());
  const reply moved = std::move(r);
  EXPECT_EQ(std::get<signal_event>(parsed->body).name, "RELOAD");
  EXPECT_EQ(parsed->line.data(), moved.lines.front().text.data() + 7);
}

TEST(Event, NamesRoundTrip) {
  EXPECT_EQ(to_string(circuit_status::guard_wait), "GUARD_WAIT");
  EXPECT_EQ(to_string(stream_status::new_resolve), "NEWRESOLVE");
  EXPECT_EQ(to_string(orconn_status::new_incoming), "NEW");
  EXPECT_EQ(to_string(severity::err), "ERR");
  EXPECT_EQ(to_string(severity::unknown), "UNKNOWN");
}

}  // namespace
}  // namespace torctl::text
