// The client over TC, against a scripted TC server built on the TC codec: every operation
// and how each server ERROR code reaches the caller. (End-to-end over torctld comes with
// torctld.)
#include <gtest/gtest.h>

#include <stdlib.h>

#include <asio/io_context.hpp>
#include <filesystem>
#include <map>
#include <mutex>

#include "client/run_sync.hpp"
#include "client/scripted_peer.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/client/connection.hpp"
#include "torctl/tc/message_type.hpp"

namespace torctl::client {
namespace {

using testing::peer_session;
using testing::run_sync;
using testing::scripted_peer;

tc::message decode_client(const tc_frame& f) {
  auto m = tc::decode(tc::frame{f.type, f.body}, tc::sender::client);
  EXPECT_TRUE(m.has_value()) << "the client sent a frame that does not decode";
  return m ? *m : tc::message{tc::done_message{}};
}

// A small TC server: a configuration of single values, address mappings, and an answer
// that can be forced (an ERROR code, say) for the next request.
struct tc_server_state {
  std::mutex mutex;
  std::map<std::string, std::string> config{{"SocksPort", "9050"}, {"Nickname", "Unnamed"}};
  std::vector<std::pair<std::string, std::string>> mappings;
  std::optional<tc::error_code> fail_next;
  std::string credential_seen;
  std::vector<std::uint16_t> event_codes_seen;
  std::vector<std::uint8_t> signal_seen;
  std::vector<tc::event_payload> events_after_setevents;
};

void answer(peer_session& s, tc_server_state& st, const tc::message& m) {
  std::lock_guard lock(st.mutex);
  if (st.fail_next) {
    s.send(tc::error_message{*std::exchange(st.fail_next, std::nullopt), "scripted failure"});
    return;
  }
  if (const auto* g = std::get_if<tc::getconf_message>(&m)) {
    std::vector<std::string> keys;
    for (std::string_view k : g->keys) keys.emplace_back(k);
    std::vector<tc::config_entry> lines;
    for (const std::string& k : keys) {
      const auto it = st.config.find(k);
      if (it == st.config.end()) {
        s.send(tc::error_message{tc::error_code::unrecognized_key, "Unknown key " + k});
        return;
      }
      lines.push_back({it->first, it->second});
    }
    s.send(tc::confvalue_message{lines});
  } else if (const auto* set = std::get_if<tc::setconf_message>(&m)) {
    for (const tc::config_entry& e : set->lines) {
      if (e.value && *e.value == "bad") {
        s.send(tc::error_message{tc::error_code::invalid_value, "bad value"});
        return;
      }
    }
    for (const tc::config_entry& e : set->lines) {
      if (e.value) st.config[std::string(e.key)] = std::string(*e.value);
      if (!e.value) st.config[std::string(e.key)] = "default";
    }
    s.send(tc::done_message{});
  } else if (const auto* ev = std::get_if<tc::setevents_message>(&m)) {
    st.event_codes_seen.clear();
    for (tc::event_code c : ev->codes) st.event_codes_seen.push_back(static_cast<std::uint16_t>(c));
    s.send(tc::done_message{});
    for (const tc::event_payload& p : st.events_after_setevents) s.send(tc::event_message{p});
  } else if (const auto* sig = std::get_if<tc::signal_message>(&m)) {
    st.signal_seen.push_back(static_cast<std::uint8_t>(sig->signal));
    s.send(tc::done_message{});
  } else if (const auto* map = std::get_if<tc::mapaddress_message>(&m)) {
    tc::address original = map->original;
    if (original.is_null()) original = tc::address::ipv4({127, 192, 0, 1});
    st.mappings.emplace_back(original.to_string(), map->replacement.to_string());
    s.send(tc::addressmapped_message{original, map->replacement});
  } else if (std::holds_alternative<tc::getallmappings_message>(m)) {
    for (const auto& [from, to] : st.mappings) {
      s.send(tc::addressmapped_message{tc::address::hostname(from), tc::address::hostname(to)});
    }
    s.send(tc::done_message{});
  } else {
    s.send(tc::done_message{});  // SAVECONF
  }
}

// Authenticates any credential, remembering it, then answers every request.
void serve(peer_session& s, tc_server_state& st) {
  auto first = s.read_frame();
  if (!first) return;
  const auto auth = decode_client(*first);
  if (const auto* a = std::get_if<tc::authenticate_message>(&auth)) {
    std::lock_guard lock(st.mutex);
    st.credential_seen = std::string(tc::as_text(a->credential));
  }
  s.send(tc::done_message{});
  while (auto f = s.read_frame()) answer(s, st, decode_client(*f));
}

class TcClient : public ::testing::Test {
 protected:
  outcome<connection> open(connect_options o = {}) {
    o.protocol = protocol::tc;
    o.endpoints = {endpoint::tcp("127.0.0.1", peer_.port())};
    return run_sync(io_, connection::open(io_.get_executor(), std::move(o)));
  }
  connection open_ok() { return testing::must(open()); }

  tc_server_state state_;
  scripted_peer peer_{[this](peer_session& s) { serve(s, state_); }};
  asio::io_context io_;
};

TEST_F(TcClient, EmptyCredentialPassphraseAndCookieAreSentAsTheyAre) {
  { auto c = open_ok(); }
  EXPECT_EQ(state_.credential_seen, "");
  connect_options with_password;
  with_password.auth.password = auth::secret(std::string_view("a passphrase"));
  {
    auto c = open(std::move(with_password));
    ASSERT_TRUE(c.has_value());
  }
  EXPECT_EQ(state_.credential_seen, "a passphrase");

  std::string dir = (std::filesystem::temp_directory_path() / "torctl-tc-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/control_auth_cookie";
  auto cookie = auth::create_cookie_file(path);
  ASSERT_TRUE(cookie.has_value());
  connect_options with_cookie;
  with_cookie.auth.cookie_file = path;
  {
    auto c = open(std::move(with_cookie));
    EXPECT_TRUE(c.has_value());
  }
  EXPECT_EQ(state_.credential_seen, std::string(tc::as_text(cookie->view())));
  std::filesystem::remove_all(dir);
}

TEST_F(TcClient, ConfigurationRoundTripsAndErrorsKeepTheirCodes) {
  auto c = open_ok();
  auto got = run_sync(io_, c.get_conf({"SocksPort", "Nickname"}));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, (std::vector<config_entry>{{"SocksPort", "9050"}, {"Nickname", "Unnamed"}}));

  ASSERT_TRUE(run_sync(io_, c.set_conf({{"SocksPort", "9999"}, {"Nickname", std::nullopt}})));
  got = run_sync(io_, c.get_conf({"SocksPort", "Nickname"}));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, (std::vector<config_entry>{{"SocksPort", "9999"}, {"Nickname", "default"}}));

  auto unknown = run_sync(io_, c.get_conf({"NoSuchKey"}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_TRUE(unknown.error().is(errc::refused));
  EXPECT_EQ(unknown.error().tc_code, 0x0004);
  EXPECT_NE(unknown.error().message.find("Unknown key NoSuchKey"), std::string::npos);

  auto bad = run_sync(io_, c.set_conf({{"SocksPort", "bad"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().tc_code, 0x0005);

  // A value TC cannot carry is refused before anything is sent.
  auto newline = run_sync(io_, c.set_conf({{"Nickname", "two\nlines"}}));
  ASSERT_FALSE(newline.has_value());
  EXPECT_TRUE(newline.error().is(errc::invalid_argument));
  EXPECT_TRUE(run_sync(io_, c.save_conf()).has_value());
}

TEST_F(TcClient, EveryErrorCodeReachesTheCallerAsRefusedWithItsCode) {
  auto c = open_ok();
  for (std::uint16_t code = 0; code <= 0x0009; ++code) {
    {
      std::lock_guard lock(state_.mutex);
      state_.fail_next = static_cast<tc::error_code>(code);
    }
    auto r = run_sync(io_, c.save_conf());
    ASSERT_FALSE(r.has_value()) << "code " << code;
    EXPECT_TRUE(r.error().is(errc::refused));
    EXPECT_EQ(r.error().tc_code, code);
    EXPECT_NE(r.error().message.find("scripted failure"), std::string::npos);
  }
  EXPECT_TRUE(run_sync(io_, c.save_conf()).has_value()) << "still in step after the errors";
}

TEST_F(TcClient, SignalsOfTcAndTheTextProtocolsOthers) {
  auto c = open_ok();
  for (signal s : {signal::reload, signal::shutdown, signal::dump, signal::debug, signal::halt}) {
    EXPECT_TRUE(run_sync(io_, c.send_signal(s)).has_value()) << to_string(s);
  }
  EXPECT_EQ(state_.signal_seen, (std::vector<std::uint8_t>{0x01, 0x02, 0x10, 0x12, 0x15}));
  auto newnym = run_sync(io_, c.send_signal(signal::newnym));
  ASSERT_FALSE(newnym.has_value());
  EXPECT_TRUE(newnym.error().is(errc::not_supported));
  auto info = run_sync(io_, c.get_info({"version"}));
  ASSERT_FALSE(info.has_value());
  EXPECT_TRUE(info.error().is(errc::not_supported));
  auto raw = run_sync(io_, c.raw("GETINFO version"));
  EXPECT_TRUE(!raw.has_value() && raw.error().is(errc::not_supported));
}

TEST_F(TcClient, MappingsWithServerChosenAddressesAndTheFullList) {
  auto c = open_ok();
  auto chosen = run_sync(io_, c.map_address(std::string(any_ipv4), "example.com"));
  ASSERT_TRUE(chosen.has_value()) << chosen.error().message;
  EXPECT_EQ(*chosen, (address_mapping{"127.192.0.1", "example.com", std::nullopt}));
  auto plain = run_sync(io_, c.map_address("a.example", "b.example"));
  ASSERT_TRUE(plain.has_value());
  auto all = run_sync(io_, c.get_mappings());
  ASSERT_TRUE(all.has_value()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1], (address_mapping{"a.example", "b.example", std::nullopt}));
  auto blank = run_sync(io_, c.map_address("a b", "c"));
  EXPECT_TRUE(!blank.has_value() && blank.error().is(errc::invalid_argument));
}

TEST_F(TcClient, EventNamesMapToTcCodesAndEventsArriveTyped) {
  state_.events_after_setevents = {
      tc::circuit_status_event{tc::circuit_status::built, 7, "$AB~relay0,$CD~exit0"},
      tc::bandwidth_event{100, 200}, tc::log_message_event{"Bootstrapped 100%"}};
  auto c = open_ok();
  ASSERT_TRUE(run_sync(io_, c.set_events({"CIRC", "BW", "NOTICE", "WARN"})).has_value());
  EXPECT_EQ(state_.event_codes_seen, (std::vector<std::uint16_t>{0x0001, 0x0004, 0x0005}));
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    auto e = run_sync(io_, c.next_event(std::chrono::seconds(10)));
    ASSERT_TRUE(e.has_value()) << e.error().message;
    ASSERT_NE(e->tc(), nullptr);
    names.push_back(e->name());
    if (const auto* circ = std::get_if<tc::circuit_status_event>(e->tc())) {
      EXPECT_EQ(circ->circuit_id, 7u);
      EXPECT_EQ(circ->path, "$AB~relay0,$CD~exit0");
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"CIRC", "BW", "LOG"}));
  auto unknown = run_sync(io_, c.set_events({"ADDRMAP"}));
  EXPECT_TRUE(!unknown.has_value() && unknown.error().is(errc::not_supported));
}

TEST_F(TcClient, PipelinedRequestsGetTheirOwnRepliesInOrder) {
  auto c = open_ok();
  constexpr int count = 1000;
  std::vector<std::optional<outcome<std::vector<config_entry>>>> replies(count);
  for (int i = 0; i < count; ++i) {
    c.async_get_conf({i % 2 == 0 ? "SocksPort" : "Nickname"},
                     [&replies, i](outcome<std::vector<config_entry>> r) {
                       replies[static_cast<std::size_t>(i)].emplace(std::move(r));
                     });
  }
  const auto deadline = std::chrono::steady_clock::now() + testing::step_bound;
  while (!replies.back() && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(std::chrono::milliseconds(50));
  }
  for (int i = 0; i < count; ++i) {
    const auto& r = replies[static_cast<std::size_t>(i)];
    ASSERT_TRUE(r && r->has_value()) << "request " << i;
    EXPECT_EQ((*r)->front().key, i % 2 == 0 ? "SocksPort" : "Nickname");
  }
}

TEST_F(TcClient, RawFramesComeBackAsSent) {
  auto c = open_ok();
  auto r = run_sync(io_, c.raw_tc(0x0008, {}));  // SAVECONF
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().type, 0x0001);  // DONE
  auto text = run_sync(io_, c.raw_tc(0x0003, {'N', 'o', 'S', 'u', 'c', 'h', '\n'}));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->front().type, 0x0000);  // ERROR, as it came
}

// Opening a TC connection to a peer that is not a working TC server (it fails).
outcome<connection> open_tc(std::uint16_t port) {
  asio::io_context io;
  connect_options o;
  o.protocol = protocol::tc;
  o.endpoints = {endpoint::tcp("127.0.0.1", port)};
  return run_sync(io, connection::open(io.get_executor(), std::move(o)));
}

// Tor's own control port answers TC with this ERROR (seen with Debian's tor 0.4.9).
TEST(TcClientDiagnosis, TorsOwnControlPortIsNamed) {
  scripted_peer tor([](peer_session& s) {
    if (!s.read_frame()) return;
    s.send(tc::error_message{tc::error_code::internal,
                             "The v0 control protocol is not supported by Tor 0.1.2.17 and later; "
                             "upgrade your controller."});
    s.wait_for_close();
  });
  auto c = open_tc(tor.port());
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::wrong_service));
  EXPECT_NE(c.error().message.find("speaks only the text protocol"), std::string::npos)
      << c.error().message;
}

TEST(TcClientDiagnosis, ATextServerIsNamed) {
  scripted_peer text([](peer_session& s) {
    s.read_frame();
    s.send("514 Authentication required.\r\n");
  });
  auto c = open_tc(text.port());
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::wrong_service)) << c.error().message;
  EXPECT_NE(c.error().message.find("text control protocol, not TC"), std::string::npos)
      << c.error().message;
}

TEST(TcClientDiagnosis, FailedAuthenticationKeepsTheCode) {
  scripted_peer server([](peer_session& s) {
    if (!s.read_frame()) return;
    s.send(tc::error_message{tc::error_code::failed_authentication, "wrong cookie"});
  });
  auto c = open_tc(server.port());
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::authentication_failed));
  EXPECT_EQ(c.error().tc_code, 0x0008);
}

}  // namespace
}  // namespace torctl::client
