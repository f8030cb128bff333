// The client's own layers over the text protocol, against scripted peers: timeouts,
// cancellation, lost connections, replies mixed with events, the event queue's overflow
// policies, broken peers, authentication choices Tor cannot be made to offer, and the
// completion-token forms. What Tor itself does is in tests/integration/client_tor_test.cpp.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "auth/encoding.hpp"
#include "client/run_sync.hpp"
#include "client/scripted_peer.hpp"
#include "client/text_client_fixture.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/auth/safecookie.hpp"
#include "torctl/client/connection.hpp"

namespace torctl::client {
namespace {

using namespace std::chrono_literals;
using testing::peer_session;
using testing::run_sync;
using testing::scripted_peer;
using testing_text::handshake;
using testing_text::protocolinfo_null;
using testing_text::TextClient;

TEST_F(TextClient, ATimedOutCommandKeepsItsPlaceAndTheNextGetsItsOwnReply) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO slow") return;
    if (s.read_line() != "GETINFO version") return;
    // Both answers, late: the first belongs to the command that timed out.
    s.send("250-slow=1\r\n250 OK\r\n250-version=0.4.9.11\r\n250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  c.set_command_timeout(200ms);
  auto slow = run_sync(io_, c.get_info({"slow"}));
  ASSERT_FALSE(slow.has_value());
  EXPECT_TRUE(slow.error().is(errc::timeout)) << slow.error().message;
  c.set_command_timeout(10s);
  auto version = run_sync(io_, c.get_info({"version"}));
  ASSERT_TRUE(version.has_value()) << version.error().message;
  EXPECT_EQ(version->front(), (info_value{"version", "0.4.9.11"}));
}

TEST_F(TextClient, CancellingACommandFailsOnlyThatCommand) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO never") return;
    if (s.read_line() != "GETINFO version") return;
    s.send("250-never=x\r\n250 OK\r\n250-version=0.4.9.11\r\n250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  using namespace asio::experimental::awaitable_operators;
  // A named lambda: a coroutine must not outlive the lambda whose captures it uses.
  const auto race = [&]() -> asio::awaitable<bool> {
    asio::steady_timer timer(io_, 100ms);
    std::vector<std::string> keys{"never"};
    auto which = co_await (c.async_get_info(std::move(keys), asio::use_awaitable) ||
                           timer.async_wait(asio::use_awaitable));
    co_return which.index() == 1;
  };
  auto raced = run_sync(io_, race());
  EXPECT_TRUE(raced) << "the timer should have won";
  auto version = run_sync(io_, c.get_info({"version"}));
  ASSERT_TRUE(version.has_value()) << version.error().message;
  EXPECT_EQ(version->front().value, "0.4.9.11");
}

TEST_F(TextClient, ACancellationSlotCancelsAnOperation) {
  serve([](peer_session& s) {
    s.read_line();
    s.wait_for_close();
  });
  auto c = open_ok();
  asio::cancellation_signal cancel;
  std::optional<outcome<std::vector<info_value>>> got;
  c.async_get_info({"never"}, asio::bind_cancellation_slot(
                                  cancel.slot(), [&](auto r) { got.emplace(std::move(r)); }));
  const auto cancel_soon = [&]() -> asio::awaitable<int> {
    asio::steady_timer t(io_, 50ms);
    co_await t.async_wait(asio::use_awaitable);
    cancel.emit(asio::cancellation_type::terminal);
    co_return 0;
  };
  run_sync(io_, cancel_soon());
  while (!got) io_.run_one_for(50ms);
  ASSERT_FALSE(got->has_value());
  EXPECT_TRUE(got->error().is(errc::cancelled)) << got->error().message;
}

TEST_F(TextClient, ADroppedConnectionFailsEveryPendingCommandAtOnce) {
  serve([](peer_session& s) {
    for (int i = 0; i < 3; ++i) s.read_line();
    s.close();  // three commands in flight, no answer
  });
  auto c = open_ok();
  std::vector<std::optional<outcome<std::vector<info_value>>>> got(3);
  for (std::size_t i = 0; i < 3; ++i) {
    c.async_get_info({"k" + std::to_string(i)},
                     [&got, i](auto r) { got[i].emplace(std::move(r)); });
  }
  const auto deadline = std::chrono::steady_clock::now() + testing::step_bound;
  while (!(got[0] && got[1] && got[2]) && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(50ms);
  }
  for (const auto& r : got) {
    ASSERT_TRUE(r.has_value()) << "a command hung";
    ASSERT_FALSE(r->has_value());
    EXPECT_TRUE(r->error().is(errc::connection_lost)) << r->error().message;
  }
  auto after = run_sync(io_, c.get_info({"version"}));
  ASSERT_FALSE(after.has_value());
  EXPECT_TRUE(after.error().is(errc::connection_lost) || after.error().is(errc::not_connected));
  auto link_event = run_sync(io_, c.next_event(1s));
  ASSERT_TRUE(link_event.has_value()) << "the loss is in the event stream";
  EXPECT_EQ(link_event->link(), link_change::lost);
  auto end = run_sync(io_, c.next_event(1s));
  ASSERT_FALSE(end.has_value());
  EXPECT_FALSE(end.error().is(errc::timeout)) << "a closed connection does not make one wait";
}

TEST_F(TextClient, EventsBetweenAndAroundRepliesGoToTheEventQueue) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO a") return;
    s.send("650 BW 1 2\r\n250-a=1\r\n250 OK\r\n650-CONF_CHANGED\r\n650-Nickname=x\r\n650 OK\r\n");
    if (s.read_line() != "GETINFO b") return;
    s.send("650 NOTICE hello\r\n250-b=2\r\n250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  auto a = run_sync(io_, c.get_info({"a"}));
  auto b = run_sync(io_, c.get_info({"b"}));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->front().value, "1");
  EXPECT_EQ(b->front().value, "2");
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    auto e = run_sync(io_, c.next_event(5s));
    ASSERT_TRUE(e.has_value()) << e.error().message;
    ASSERT_NE(e->text(), nullptr);
    names.push_back(e->name());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"BW", "CONF_CHANGED", "NOTICE"}));
}

// 100 events into a queue of 10.
class Overflow : public TextClient {
 protected:
  connection open_with(overflow_policy policy) {
    serve([](peer_session& s) {
      if (s.read_line() != "GETINFO go") return;
      std::string burst;
      for (int i = 0; i < 100; ++i) burst += "650 BW " + std::to_string(i) + " 0\r\n";
      s.send(burst + "250-go=1\r\n250 OK\r\n");
      s.wait_for_close();
    });
    connect_options o;
    o.events.capacity = 10;
    o.events.policy = policy;
    auto c = open_ok(std::move(o));
    last_ = run_sync(io_, c.get_info({"go"})).has_value();
    return c;
  }
  std::uint64_t read_of(const event& e) {
    return std::get<text::bandwidth_event>(e.text()->body).read;
  }
  bool last_ = false;
};

TEST_F(Overflow, DropOldestKeepsTheNewestAndMarksTheGap) {
  auto c = open_with(overflow_policy::drop_oldest);
  ASSERT_TRUE(last_);
  EXPECT_EQ(c.events_dropped(), 90u);
  auto first = run_sync(io_, c.next_event(1s));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(read_of(*first), 90u);
  EXPECT_EQ(first->dropped_before(), 90u);
  for (std::uint64_t i = 91; i < 100; ++i) {
    auto e = run_sync(io_, c.next_event(1s));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(read_of(*e), i);
    EXPECT_EQ(e->dropped_before(), 0u);
  }
}

TEST_F(Overflow, DropNewestKeepsTheFirst) {
  auto c = open_with(overflow_policy::drop_newest);
  ASSERT_TRUE(last_);
  EXPECT_EQ(c.events_dropped(), 90u);
  for (std::uint64_t i = 0; i < 10; ++i) {
    auto e = run_sync(io_, c.next_event(1s));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(read_of(*e), i);
  }
}

// pause_reading: the reply sent after the burst is not read while the queue is full, and
// every event arrives, in order, with no gap.
TEST_F(Overflow, PauseReadingLosesNothingAndHoldsTheRestBack) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO go") return;
    std::string burst;
    for (int i = 0; i < 100; ++i) burst += "650 BW " + std::to_string(i) + " 0\r\n";
    s.send(burst);
    std::this_thread::sleep_for(100ms);  // the client has read the burst and paused
    s.send("250-go=1\r\n250 OK\r\n");
    s.wait_for_close();
  });
  connect_options o;
  o.events.capacity = 10;
  o.events.policy = overflow_policy::pause_reading;
  auto c = open_ok(std::move(o));
  bool answered = false;
  c.async_get_info({"go"}, [&](outcome<std::vector<info_value>> r) { answered = r.has_value(); });
  const auto until = std::chrono::steady_clock::now() + 600ms;
  while (std::chrono::steady_clock::now() < until) {
    io_.restart();
    io_.run_one_for(20ms);
  }
  EXPECT_FALSE(answered) << "the reply was read while the queue was full";
  EXPECT_GE(c.events_queued(), 10u);
  for (std::uint64_t i = 0; i < 100; ++i) {
    auto e = run_sync(io_, c.next_event(5s));
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_EQ(read_of(*e), i);
    EXPECT_EQ(e->dropped_before(), 0u);
  }
  EXPECT_EQ(c.events_dropped(), 0u);
  for (int i = 0; i < 100 && !answered; ++i) {
    io_.restart();
    io_.run_one_for(20ms);
  }
  EXPECT_TRUE(answered) << "reading did not resume once the queue was taken";
}

TEST_F(Overflow, CloseConnectionFailsItWithTheReason) {
  auto c = open_with(overflow_policy::close_connection);
  EXPECT_FALSE(last_) << "the command pending at the overflow fails";
  EXPECT_FALSE(c.is_open());
  std::size_t read = 0;
  for (;;) {
    auto e = run_sync(io_, c.next_event(1s));
    if (!e) {
      EXPECT_TRUE(e.error().is(errc::event_queue_overflow)) << e.error().message;
      break;
    }
    ++read;
  }
  EXPECT_EQ(read, 10u) << "what was queued before the overflow is still delivered";
}

TEST_F(TextClient, ABrokenReplyClosesTheConnectionWithAProtocolError) {
  serve([](peer_session& s) {
    s.read_line();
    s.send("25x nonsense\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  auto r = run_sync(io_, c.get_info({"version"}));
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().is(errc::protocol_error)) << r.error().message;
  EXPECT_FALSE(c.is_open());
}

TEST_F(TextClient, AReplyToNoCommandIsAProtocolError) {
  serve([](peer_session& s) {
    s.send("250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  auto e = run_sync(io_, c.next_event(5s));
  ASSERT_FALSE(e.has_value() && !e->link());  // only the loss can come
  const auto r = run_sync(io_, c.get_info({"version"}));
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().is(errc::protocol_error)) << r.error().message;
}

TEST_F(TextClient, QueueFullFailsAtOnce) {
  serve([](peer_session& s) { s.wait_for_close(); });
  connect_options o;
  o.max_pending = 4;
  auto c = open_ok(std::move(o));
  for (int i = 0; i < 4; ++i) c.async_get_info({"k"}, [](auto) {});
  auto fifth = run_sync(io_, c.get_info({"k"}));
  ASSERT_FALSE(fifth.has_value());
  EXPECT_TRUE(fifth.error().is(errc::queue_full)) << fifth.error().message;
}

TEST_F(TextClient, ArgumentsThatCannotBeSentAreRefusedBeforeSending) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO version") return;  // the refused ones never arrive
    s.send("250-version=1\r\n250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open_ok();
  for (const std::string key : {"two words", "k=v", "", "line\r\nQUIT"}) {
    auto r = run_sync(io_, c.get_info({key}));
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().is(errc::invalid_argument)) << r.error().message;
  }
  auto raw = run_sync(io_, c.raw("GETINFO a\r\nSIGNAL HALT"));
  EXPECT_TRUE(!raw.has_value() && raw.error().is(errc::invalid_argument));
  auto ok = run_sync(io_, c.get_info({"version"}));
  EXPECT_TRUE(ok.has_value()) << "still in step";
}

TEST_F(TextClient, CompletionTokensCallbacksAndFutures) {
  serve([](peer_session& s) {
    while (auto line = s.read_line()) {
      s.send("250-" + line->substr(8) + "=v\r\n250 OK\r\n");
    }
  });
  auto c = open_ok();
  std::optional<outcome<std::vector<info_value>>> by_callback;
  c.async_get_info({"cb"}, [&](auto r) { by_callback.emplace(std::move(r)); });
  std::future<outcome<std::vector<info_value>>> by_future =
      c.async_get_info({"fut"}, asio::use_future);
  while (!by_callback || by_future.wait_for(0s) != std::future_status::ready) io_.run_one_for(50ms);
  ASSERT_TRUE(by_callback->has_value());
  EXPECT_EQ((*by_callback)->front().key, "cb");
  auto f = by_future.get();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->front().key, "fut");
}

// ---- authentication choices ----

class TextAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / "torctl-auth-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
    cookie_path_ = dir_ + "/control_auth_cookie";
    auto c = auth::create_cookie_file(cookie_path_);
    ASSERT_TRUE(c.has_value());
    cookie_ = std::move(*c);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string protocolinfo(std::string_view methods) const {
    return "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=" + std::string(methods) + " COOKIEFILE=\"" +
           cookie_path_ + "\"\r\n250 OK\r\n";
  }
  outcome<connection> open(scripted_peer& peer, connect_options o = {}) {
    o.endpoints = {endpoint::tcp("127.0.0.1", peer.port())};
    return run_sync(io_, connection::open(io_.get_executor(), std::move(o)));
  }

  asio::io_context io_;
  std::string dir_, cookie_path_;
  auth::secret cookie_;
};

TEST_F(TextAuth, PlainCookieOnlyWhenSafecookieIsNotOffered) {
  std::string sent;
  scripted_peer peer([&](peer_session& s) {
    s.read_line();
    s.send(protocolinfo("COOKIE"));
    sent = s.read_line().value_or("");
    s.send("250 OK\r\n");
    s.wait_for_close();
  });
  auto c = open(peer);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  c->close();
  EXPECT_EQ(sent, "AUTHENTICATE " + auth::encoding::to_hex(cookie_.view()));
}

TEST_F(TextAuth, ASafecookieServerThatCannotProveItselfGetsNothing) {
  std::vector<std::string> lines;
  scripted_peer peer([&](peer_session& s) {
    s.read_line();
    s.send(protocolinfo("COOKIE,SAFECOOKIE"));
    lines.push_back(s.read_line().value_or(""));
    s.send("250 AUTHCHALLENGE SERVERHASH=" + std::string(64, '0') +
           " SERVERNONCE=" + std::string(64, '1') + "\r\n");
    if (auto next = s.read_line()) lines.push_back(*next);
  });
  auto c = open(peer);
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::server_not_authentic)) << c.error().message;
  ASSERT_EQ(lines.size(), 1u) << "no AUTHENTICATE may follow a bad server hash";
  EXPECT_EQ(lines[0].substr(0, 25), "AUTHCHALLENGE SAFECOOKIE ");
}

TEST_F(TextAuth, AMissingCookieAndNoPasswordSayWhatIsWrong) {
  scripted_peer peer([&](peer_session& s) {
    s.read_line();
    s.send(protocolinfo("SAFECOOKIE,HASHEDPASSWORD"));
    s.wait_for_close();
  });
  connect_options o;
  o.auth.cookie_file = dir_ + "/nonexistent";
  auto c = open(peer, std::move(o));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::authentication_unavailable));
  EXPECT_NE(c.error().message.find(dir_ + "/nonexistent"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("password"), std::string::npos) << c.error().message;
}

TEST_F(TextAuth, AWrongSizedCookieIsRefusedNamingIt) {
  const std::string short_cookie = dir_ + "/short";
  FILE* f = std::fopen(short_cookie.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("0123456789", f);
  std::fclose(f);
  scripted_peer peer([&](peer_session& s) {
    s.read_line();
    s.send(protocolinfo("COOKIE,SAFECOOKIE"));
    s.wait_for_close();
  });
  connect_options o;
  o.auth.cookie_file = short_cookie;
  auto c = open(peer, std::move(o));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::authentication_unavailable));
  EXPECT_NE(c.error().message.find("not 32 octets"), std::string::npos) << c.error().message;
}

// ---- peers that are not control ports ----

TEST(TextDiagnosis, AnHttpServerAndATorSocksPortAreNamed) {
  for (const auto& [answer, expected] :
       {std::pair<std::string, std::string>{"HTTP/1.1 400 Bad Request\r\n\r\n", "HTTP server"},
        {"HTTP/1.0 501 Tor is not an HTTP Proxy\r\nContent-Type: text/html\r\n\r\n<html>",
         "SOCKS port"}}) {
    scripted_peer peer([&answer](peer_session& s) {
      s.read_line();
      s.send(answer);
    });
    asio::io_context io;
    connect_options o;
    o.endpoints = {endpoint::tcp("127.0.0.1", peer.port())};
    auto c = run_sync(io, connection::open(io.get_executor(), std::move(o)));
    ASSERT_FALSE(c.has_value());
    EXPECT_TRUE(c.error().is(errc::wrong_service)) << c.error().message;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << c.error().message;
  }
}

TEST(TextDiagnosis, NothingListeningNamesEveryEndpointTried) {
  std::uint16_t port = 0;
  {
    scripted_peer gone([](peer_session&) {});  // a port that was just closed again
    port = gone.port();
  }
  asio::io_context io;
  connect_options o;
  o.endpoints = {endpoint::tcp("127.0.0.1", port), endpoint::unix_socket("/nonexistent/socket")};
  auto c = run_sync(io, connection::open(io.get_executor(), std::move(o)));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::connection_failed));
  EXPECT_NE(c.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_NE(c.error().message.find("unix:/nonexistent/socket"), std::string::npos)
      << c.error().message;
}

}  // namespace
}  // namespace torctl::client
