// The busy-polling runners (torctl/client/run.hpp): they run what plain run() runs, end
// as it does (stopped, or out of work), and stop at the condition they were given.
#include "torctl/client/run.hpp"

#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>

namespace torctl::client {
namespace {

using namespace std::chrono_literals;

TEST(RunPolling, RunsEveryHandlerAndReturnsWhenOutOfWork) {
  for (const auto window : {0us, 50us}) {
    asio::io_context io;
    int ran = 0;
    for (int i = 0; i < 100; ++i) asio::post(io, [&] { ++ran; });
    asio::steady_timer later(io, 20ms);  // work that needs a sleep in between
    bool fired = false;
    later.async_wait([&](std::error_code) { fired = true; });
    run_polling(io, window);
    EXPECT_EQ(ran, 100);
    EXPECT_TRUE(fired);
  }
}

TEST(RunPolling, ReturnsOnceStopped) {
  asio::io_context io;
  asio::steady_timer forever(io, 1h);
  forever.async_wait([](std::error_code) {});
  asio::steady_timer stop(io, 10ms);
  stop.async_wait([&](std::error_code) { io.stop(); });
  const auto start = std::chrono::steady_clock::now();
  run_polling(io, 50us);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_TRUE(io.stopped());
}

TEST(RunPolling, UntilStopsAtTheConditionAndLeavesTheRest) {
  asio::io_context io;
  int ran = 0;
  for (int i = 0; i < 10; ++i) {
    asio::post(io, [&] {
      ++ran;
      if (ran == 3) asio::post(io, [] {});  // more work queued, not yet run
    });
  }
  asio::steady_timer forever(io, 1h);
  forever.async_wait([](std::error_code) {});
  EXPECT_TRUE(run_polling_until(io, 50us, [&] { return ran >= 3; }));
  EXPECT_GE(ran, 3);
  EXPECT_FALSE(io.stopped()) << "it returned at the condition, with work left";
}

TEST(RunPolling, UntilWaitsThroughASleepForTheCondition) {
  for (const auto window : {0us, 50us}) {
    asio::io_context io;
    bool done = false;
    asio::steady_timer later(io, 20ms);
    later.async_wait([&](std::error_code) { done = true; });
    asio::steady_timer forever(io, 1h);
    forever.async_wait([](std::error_code) {});
    EXPECT_TRUE(run_polling_until(io, window, [&] { return done; }));
  }
}

TEST(RunPolling, UntilIsFalseWhenWorkRunsOutFirst) {
  asio::io_context io;
  asio::post(io, [] {});
  EXPECT_FALSE(run_polling_until(io, 50us, [] { return false; }));
  asio::io_context stopped;
  asio::steady_timer forever(stopped, 1h);
  forever.async_wait([](std::error_code) {});
  stopped.stop();
  EXPECT_FALSE(run_polling_until(stopped, 50us, [] { return false; }));
}

}  // namespace
}  // namespace torctl::client
