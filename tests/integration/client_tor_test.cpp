// The client library against Debian's real tor, started by each test on loopback
// (DisableNetwork 1 unless a listener other than the control port is needed): every
// operation of the text protocol, each authentication method, and the failure modes.
#include <gtest/gtest.h>
#include <signal.h>

#include <asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "client/run_sync.hpp"
#include "support/tor_process.hpp"
#include "torctl/auth/password.hpp"
#include "torctl/auth/secret.hpp"
#include "torctl/client/connection.hpp"

namespace torctl::client {
namespace {

using namespace std::chrono_literals;
using testing::run_sync;
using testing::tor_process;

endpoint control_of(const tor_process& tor) {
  return endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(tor.control_port()));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class ClientTor : public ::testing::Test {
 protected:
  // Cookie authentication, as Debian's tor has it.
  void SetUp() override { start({"CookieAuthentication 1"}); }

  void start(const std::vector<std::string>& lines) {
    std::string error;
    tor_ = tor_process::start(lines, error);
    ASSERT_NE(tor_, nullptr) << error;
  }
  outcome<connection> open(connect_options o = {}) {
    o.endpoints = {control_of(*tor_)};
    return run_sync(io_, connection::open(io_.get_executor(), std::move(o)));
  }
  connection open_ok(connect_options o = {}) { return testing::must(open(std::move(o))); }
  template <class T>
  T ok(outcome<T> r) {
    return testing::must(std::move(r));
  }

  std::unique_ptr<tor_process> tor_;
  asio::io_context io_;
};

TEST_F(ClientTor, ConfigurationIsReadWrittenAndResetWithEveryValueInOrder) {
  auto c = open_ok();
  ok(run_sync(io_, c.set_conf({{"SocksPolicy", "accept 127.0.0.1"},
                               {"SocksPolicy", "reject *"},
                               {"ContactInfo", "say \"hi\" \\o/"}})));
  auto got = ok(run_sync(io_, c.get_conf({"SocksPolicy", "ContactInfo"})));
  EXPECT_EQ(got, (std::vector<config_entry>{{"SocksPolicy", "accept 127.0.0.1"},
                                            {"SocksPolicy", "reject *"},
                                            {"ContactInfo", "say \"hi\" \\o/"}}));
  ok(run_sync(io_, c.reset_conf({"SocksPolicy"})));
  EXPECT_EQ(ok(run_sync(io_, c.get_conf({"SocksPolicy"}))),
            (std::vector<config_entry>{{"SocksPolicy", std::nullopt}}));

  // A bad value is refused with Tor's code, and nothing changes.
  auto bad = run_sync(io_, c.set_conf({{"ContactInfo", "changed"}, {"SocksPort", "notaport"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().is(errc::refused));
  EXPECT_EQ(bad.error().tor_status, 513);
  EXPECT_EQ(ok(run_sync(io_, c.get_conf({"ContactInfo"}))).front().value, "say \"hi\" \\o/");

  auto unknown = run_sync(io_, c.get_conf({"NoSuchOption"}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().tor_status, 552);
  EXPECT_NE(unknown.error().message.find("NoSuchOption"), std::string::npos);
}

TEST_F(ClientTor, SaveconfWritesTheSettingIntoTheTorrc) {
  auto c = open_ok();
  ok(run_sync(io_, c.set_conf({{"ContactInfo", "saved-by-the-client-test"}})));
  ok(run_sync(io_, c.save_conf()));
  EXPECT_NE(read_file(tor_->directory() + "/torrc").find("ContactInfo saved-by-the-client-test"),
            std::string::npos);
  ok(run_sync(io_, c.save_conf(true)));
}

TEST_F(ClientTor, SignalsReachTorAndComeBackAsEvents) {
  auto c = open_ok();
  ok(run_sync(io_, c.set_events({"SIGNAL"})));
  for (signal s : {signal::dump, signal::debug, signal::newnym, signal::cleardnscache,
                   signal::heartbeat, signal::reload}) {
    EXPECT_TRUE(run_sync(io_, c.send_signal(s)).has_value()) << to_string(s);
  }
  // RELOAD is announced as an event (NEWNYM is rate-limited at start and may not be).
  bool reload_seen = false;
  while (!reload_seen) {
    auto e = run_sync(io_, c.next_event(10s));
    ASSERT_TRUE(e.has_value()) << e.error().message;
    ASSERT_NE(e->text(), nullptr);
    const auto* s = std::get_if<text::signal_event>(&e->text()->body);
    ASSERT_NE(s, nullptr) << e->describe();
    reload_seen = s->name == "RELOAD";
  }
}

TEST_F(ClientTor, AddressesAreMappedWithServerChosenOnesAndListed) {
  auto c = open_ok();
  const auto v4 = ok(run_sync(io_, c.map_address(std::string(any_ipv4), "torproject.org")));
  EXPECT_EQ(v4.from.substr(0, 4), "127.") << v4.from;
  EXPECT_EQ(v4.to, "torproject.org");
  const auto v6 = ok(run_sync(io_, c.map_address("::0", "example.com")));
  EXPECT_EQ(v6.from.front(), '[') << "an all-zero IPv6 address asks Tor to choose: " << v6.from;
  const auto host = ok(run_sync(io_, c.map_address(std::string(any_hostname), "127.0.0.1")));
  EXPECT_NE(host.from.find(".virtual"), std::string::npos) << host.from;
  ok(run_sync(io_, c.map_address("1.2.3.4", "a.example")));

  auto all = ok(run_sync(io_, c.get_mappings()));
  const auto has = [&](std::string_view from) {
    return std::any_of(all.begin(), all.end(), [&](const auto& m) { return m.from == from; });
  };
  EXPECT_TRUE(has(v4.from) && has(v6.from) && has(host.from) && has("1.2.3.4"));
  for (const auto& m : all)
    EXPECT_FALSE(m.expires.has_value()) << "controller mappings never expire";

  ok(run_sync(io_, c.map_address("1.2.3.4", "1.2.3.4")));  // mapped to itself: removed
  all = ok(run_sync(io_, c.get_mappings()));
  EXPECT_FALSE(has("1.2.3.4"));
}

TEST_F(ClientTor, GetinfoAndRawCommands) {
  auto c = open_ok();
  const auto info = ok(run_sync(io_, c.get_info({"version", "config-file"})));
  ASSERT_EQ(info.size(), 2u);
  EXPECT_EQ(info[0].key, "version");
  EXPECT_EQ(info[0].value.substr(0, 4), "0.4.");
  EXPECT_EQ(info[1].value, tor_->directory() + "/torrc");
  const auto reply = ok(run_sync(io_, c.raw("GETINFO version")));
  EXPECT_TRUE(reply.ok());
  const auto unknown = ok(run_sync(io_, c.raw("NOSUCHCOMMAND")));
  EXPECT_EQ(unknown.status(), 510) << "raw() returns any reply as it came";
  EXPECT_TRUE(ok(run_sync(io_, c.raw("GETINFO version"))).ok()) << "still in step";
}

TEST_F(ClientTor, EventsAreTypedAndAnEmptyListStopsThem) {
  auto c = open_ok();
  ok(run_sync(io_, c.set_events({"CONF_CHANGED"})));
  ok(run_sync(io_, c.set_conf({{"ContactInfo", "first"}})));
  auto e = ok(run_sync(io_, c.next_event(10s)));
  ASSERT_NE(e.text(), nullptr);
  const auto* changed = std::get_if<text::conf_changed_event>(&e.text()->body);
  ASSERT_NE(changed, nullptr) << e.describe();
  EXPECT_EQ(changed->changes.front(),
            (text::config_change{"ContactInfo", std::string_view("first")}));

  ok(run_sync(io_, c.set_events({})));
  ok(run_sync(io_, c.set_conf({{"ContactInfo", "second"}})));
  auto none = run_sync(io_, c.next_event(500ms));
  ASSERT_FALSE(none.has_value()) << "an event after SETEVENTS with no names: " << none->describe();
  EXPECT_TRUE(none.error().is(errc::timeout));
  auto unknown = run_sync(io_, c.set_events({"NOSUCHEVENT"}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().tor_status, 552);
}

TEST_F(ClientTor, AWrongCookieMakesTorFailItsProofAndNothingIsSent) {
  // 32 octets, but not tor's: Tor's SAFECOOKIE hash cannot match what we compute.
  const std::string wrong = tor_->directory() + "/wrong_cookie";
  std::ofstream(wrong) << std::string(32, 'x');
  connect_options o;
  o.auth.cookie_file = wrong;
  auto c = open(std::move(o));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::server_not_authentic)) << c.error().message;
}

TEST_F(ClientTor, TorKilledMidCommandFailsEveryPendingCommandAndNoneHangs) {
  auto c = open_ok();
  // Replies of some 15 KB (every option's name): far more than the sockets' buffers hold,
  // so that most are still in Tor when it dies. (With short replies the client's early
  // writes let Tor answer all of them into the kernel's buffers before the kill.)
  constexpr std::size_t count = 5000;
  std::vector<std::optional<outcome<std::vector<info_value>>>> got(count);
  std::size_t done = 0;
  for (std::size_t i = 0; i < count; ++i) {
    c.async_get_info({"config/names"}, [&got, &done, i](auto r) {
      got[i].emplace(std::move(r));
      ++done;
    });
  }
  while (done == 0) io_.run_one_for(50ms);  // the first answer is in: kill tor now
  tor_->kill_now();
  const auto deadline = std::chrono::steady_clock::now() + testing::step_bound;
  while (done < count && std::chrono::steady_clock::now() < deadline) io_.run_one_for(50ms);
  ASSERT_EQ(done, count) << "commands still pending after the connection died";
  std::size_t lost = 0;
  for (const auto& r : got) {
    if (r->has_value()) continue;
    EXPECT_TRUE(r->error().is(errc::connection_lost)) << r->error().message;
    ++lost;
  }
  EXPECT_GT(lost, 0u);
}

TEST(ClientTorRestart, ReconnectRestoresTheSubscriptionsAndSaysSo) {
  const int port = testing::free_port();
  std::string error;
  auto tor = tor_process::start_on_port(port, {"CookieAuthentication 1"}, error);
  ASSERT_NE(tor, nullptr) << error;
  asio::io_context io;
  connect_options o;
  o.endpoints = {endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(port))};
  o.reconnect.enabled = true;
  o.reconnect.initial_delay = 100ms;
  o.reconnect.max_delay = 500ms;
  auto opened = run_sync(io, connection::open(io.get_executor(), std::move(o)));
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  connection c = std::move(*opened);
  ASSERT_TRUE(run_sync(io, c.set_events({"SIGNAL"})).has_value());

  tor->kill_now();
  auto lost = run_sync(io, c.next_event(30s));
  ASSERT_TRUE(lost.has_value()) << lost.error().message;
  EXPECT_EQ(lost->link(), link_change::lost);
  auto meanwhile = run_sync(io, c.get_info({"version"}));
  ASSERT_FALSE(meanwhile.has_value());
  EXPECT_TRUE(meanwhile.error().is(errc::not_connected)) << meanwhile.error().message;

  auto again = tor_process::start_on_port(port, {"CookieAuthentication 1"}, error);
  ASSERT_NE(again, nullptr) << error;
  auto restored = run_sync(io, c.next_event(30s));
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  EXPECT_EQ(restored->link(), link_change::restored);
  // The SIGNAL subscription came back with the new connection, to the new tor.
  ASSERT_TRUE(run_sync(io, c.send_signal(signal::reload)).has_value());
  auto e = run_sync(io, c.next_event(10s));
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->name(), "SIGNAL");
}

class ClientTorAuth : public ClientTor {
 protected:
  void SetUp() override {}
};

TEST_F(ClientTorAuth, APasswordIsAcceptedAndAWrongOneRefused) {
  auto hashed = auth::hash_password("correct horse");
  ASSERT_TRUE(hashed.has_value());
  start({"HashedControlPassword " + *hashed});
  connect_options right;
  right.auth.password = auth::secret(std::string_view("correct horse"));
  auto c = open(std::move(right));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(run_sync(io_, c->get_info({"version"})).has_value());

  connect_options wrong;
  wrong.auth.password = auth::secret(std::string_view("wrong horse"));
  auto refused = open(std::move(wrong));
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(refused.error().is(errc::authentication_failed)) << refused.error().message;
  EXPECT_EQ(refused.error().tor_status, 515);

  auto none = open();
  ASSERT_FALSE(none.has_value());
  EXPECT_TRUE(none.error().is(errc::authentication_unavailable));
  EXPECT_NE(none.error().message.find("password"), std::string::npos) << none.error().message;
}

TEST_F(ClientTorAuth, NoAuthenticationConfiguredMeansNull) {
  start({});
  auto c = open();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(run_sync(io_, c->get_info({"version"})).has_value());
}

// Tor's SOCKS and HTTP tunnel ports, given by mistake: the SOCKS port answers a text line
// with an HTTP error of its own; the tunnel port waits for more. They only open with the network
// enabled; the only directory authority named is on loopback, where nothing answers, so
// this tor reaches nothing beyond 127.0.0.1.
TEST_F(ClientTorAuth, SocksAndHttpTunnelPortsAreNamedForWhatTheyAre) {
  start({"CookieAuthentication 1", "DisableNetwork 0", "SocksPort 127.0.0.1:auto",
         "HTTPTunnelPort 127.0.0.1:auto", "UseDefaultFallbackDirs 0",
         "DirAuthority nowhere orport=1 no-v2 v3ident=" + std::string(40, 'A') + " 127.0.0.1:1 " +
             std::string(40, 'B')});
  auto c = open_ok();
  const auto listeners =
      ok(run_sync(io_, c.get_info({"net/listeners/socks", "net/listeners/httptunnel"})));
  ASSERT_EQ(listeners.size(), 2u);
  for (const auto& [listener, expected] : {std::pair{listeners[0].value, "is a Tor SOCKS port"},
                                           std::pair{listeners[1].value, "not a control port"}}) {
    // "127.0.0.1:PORT", quoted
    std::string text = listener;
    text.erase(std::remove(text.begin(), text.end(), '"'), text.end());
    auto where = parse_endpoint(text);
    ASSERT_TRUE(where.has_value()) << listener;
    connect_options o;
    o.endpoints = {*where};
    o.command_timeout = 2s;  // Tor's HTTP tunnel port waits for a whole request, silently
    auto wrong = run_sync(io_, connection::open(io_.get_executor(), std::move(o)));
    ASSERT_FALSE(wrong.has_value());
    EXPECT_TRUE(wrong.error().is(errc::wrong_service)) << wrong.error().message;
    EXPECT_NE(wrong.error().message.find(expected), std::string::npos) << wrong.error().message;
  }
}

}  // namespace
}  // namespace torctl::client
