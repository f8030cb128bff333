// The client's writes over the text protocol, against scripted peers: a long pipelined
// batch leaving while it is still being issued, in writes that start small, and a batch
// larger than the sockets' buffers waiting for room.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "client/text_client_fixture.hpp"

namespace torctl::client {
namespace {

using namespace std::chrono_literals;
using testing_text::TextClient;
using torctl::testing::peer_session;

// Steps `io` until `done()` or the bound; false if the bound passed.
template <class Done>
bool step_until(asio::io_context& io, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + testing::step_bound;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(50ms);
  }
  return done();
}

// The peer's side of a batch: reads `n` GETINFO lines, counting them as they come, and
// answers each with its own key's number once all have come.
void answer_batch(peer_session& s, int n, std::atomic<int>& arrived) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) {
    auto line = s.read_line();
    if (!line || line->rfind("GETINFO ", 0) != 0) return;
    keys.push_back(line->substr(8));
    arrived.fetch_add(1);
  }
  for (const std::string& k : keys) s.send("250-" + k + "=" + k.substr(0, 6) + "\r\n250 OK\r\n");
  s.wait_for_close();
}

// A batch far longer than one write leaves in pieces while the caller is still issuing
// it, before the caller returns to the event loop; the last piece waits for the end of
// that turn. Every command still gets its own reply.
TEST_F(TextClient, ALongBatchStartsLeavingBeforeTheCallerReturnsToTheLoop) {
  constexpr int n = 3000;  // about 60 KB of commands
  std::atomic<int> arrived{0};
  serve([&](peer_session& s) { answer_batch(s, n, arrived); });
  auto c = open_ok();
  std::vector<std::string> got(n);
  int done = 0;
  for (int i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    c.async_get_info({key}, [&got, &done, i](auto r) {
      if (r && r->size() == 1) got[static_cast<std::size_t>(i)] = (*r)[0].value;
      ++done;
    });
  }
  // The event loop has not run since the first command: what arrived left from the calls.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (arrived.load() < 800 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(arrived.load(), 800) << "a long batch waited for the event loop";
  std::this_thread::sleep_for(100ms);
  EXPECT_LT(arrived.load(), n) << "the batch's last piece should wait for the end of the turn";
  ASSERT_TRUE(step_until(io_, [&] { return done == n; }));
  for (int i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    ASSERT_EQ(got[static_cast<std::size_t>(i)], std::string(key).substr(0, 6)) << i;
  }
}

// A batch's first gathered write is small (1 KiB), so that the server starts on a batch at
// once rather than once 16 KiB of it have been issued: of 100 commands of 16 octets, the
// first leaves alone and the next 64 together, all before the caller returns to the event
// loop; the other 35 wait for the end of that turn.
TEST_F(TextClient, ABatchsFirstWritesAreSmallSoTheServerStartsAtOnce) {
  constexpr int n = 100;
  constexpr int first_pieces = 1 + 1024 / 16;
  std::atomic<int> arrived{0};
  serve([&](peer_session& s) { answer_batch(s, n, arrived); });
  auto c = open_ok();
  int done = 0;
  for (int i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);  // "GETINFO k00042\r\n": 16 octets
    c.async_get_info({key}, [&done](auto r) {
      if (r && r->size() == 1) ++done;
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (arrived.load() < first_pieces && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(arrived.load(), first_pieces) << "a batch's first write should leave at 1 KiB";
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(arrived.load(), first_pieces) << "the rest should wait for the end of the turn";
  ASSERT_TRUE(step_until(io_, [&] { return done == n; }));
  EXPECT_EQ(arrived.load(), n);
}

// A batch larger than the sockets' buffers, to a peer that reads nothing at first: the
// client waits for room (nothing blocks, nothing is lost) and every command arrives
// whole and in order.
TEST_F(TextClient, ABatchLargerThanTheSocketBuffersWaitsForRoomAndArrivesWhole) {
  constexpr int n = 20000;  // keys of about 1,000 octets: some 20 MB
  std::atomic<int> arrived{0};
  serve([&](peer_session& s) {
    std::this_thread::sleep_for(300ms);
    answer_batch(s, n, arrived);
  });
  auto c = open_ok();
  const std::string padding(1000, 'p');
  std::vector<std::string> got(n);
  int done = 0;
  for (int i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    c.async_get_info({key + padding}, [&got, &done, i](auto r) {
      if (r && r->size() == 1) got[static_cast<std::size_t>(i)] = (*r)[0].value;
      ++done;
    });
  }
  EXPECT_LT(arrived.load(), n);
  ASSERT_TRUE(step_until(io_, [&] { return done == n; }));
  EXPECT_EQ(arrived.load(), n);
  for (int i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    ASSERT_EQ(got[static_cast<std::size_t>(i)], std::string(key).substr(0, 6)) << i;
  }
}

}  // namespace
}  // namespace torctl::client
