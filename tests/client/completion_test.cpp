// How a command's completion reaches its handler: on the handler's own executor when it
// has one that is not the connection's, and to the right command of a long queue when
// one of them is cancelled.
#include <gtest/gtest.h>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "client/text_client_fixture.hpp"

namespace torctl::client::testing_text {
namespace {

using namespace std::chrono_literals;
using info_outcome = outcome<std::vector<info_value>>;

TEST_F(TextClient, AHandlerBoundToAnotherExecutorIsCalledThereNotInTheConnectionsLoop) {
  serve([](peer_session& s) {
    if (s.read_line() != "GETINFO version") return;
    s.send("250-version=0.4.9.11\r\n250 OK\r\n");
    s.wait_for_close();
  });
  connection c = open_ok();
  asio::io_context other;
  std::optional<info_outcome> got;
  c.async_get_info({"version"},
                   asio::bind_executor(other, [&](info_outcome r) { got.emplace(std::move(r)); }));
  const auto deadline = std::chrono::steady_clock::now() + torctl::testing::step_bound;
  while (!got && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_one_for(10ms);
    ASSERT_FALSE(got) << "the handler ran inside the connection's event loop";
    other.restart();
    other.poll();
  }
  ASSERT_TRUE(got);
  ASSERT_TRUE(got->has_value()) << got->error().message;
  EXPECT_EQ((*got)->front().value, "0.4.9.11");
}

// Twenty commands (the queue grows from 8 slots to 32 on the way), the fifteenth
// cancelled before any reply: it alone fails, and every other gets its own reply.
TEST_F(TextClient, CancellingOneOfALongQueueFailsThatOneAndNoOther) {
  constexpr int commands = 20, cancelled = 14;
  serve([](peer_session& s) {
    std::vector<std::string> keys;
    for (int i = 0; i < commands; ++i) {
      auto line = s.read_line();
      if (!line || line->rfind("GETINFO ", 0) != 0) return;
      keys.push_back(line->substr(8));
    }
    for (const std::string& k : keys) s.send("250-" + k + "=" + k + "\r\n250 OK\r\n");
    s.wait_for_close();
  });
  connection c = open_ok();
  asio::cancellation_signal cancel;
  std::vector<std::optional<info_outcome>> got(commands);
  for (int i = 0; i < commands; ++i) {
    auto keep = [&got, i](info_outcome r) {
      got[static_cast<std::size_t>(i)].emplace(std::move(r));
    };
    std::vector<std::string> keys{"k" + std::to_string(i)};
    if (i == cancelled) {
      c.async_get_info(std::move(keys), asio::bind_cancellation_slot(cancel.slot(), keep));
    } else {
      c.async_get_info(std::move(keys), keep);
    }
  }
  cancel.emit(asio::cancellation_type::terminal);
  const auto all_in = [&] {
    for (const auto& g : got) {
      if (!g) return false;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + torctl::testing::step_bound;
  while (!all_in() && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_one_for(50ms);
  }
  ASSERT_TRUE(all_in());
  for (int i = 0; i < commands; ++i) {
    const info_outcome& r = *got[static_cast<std::size_t>(i)];
    if (i == cancelled) {
      ASSERT_FALSE(r.has_value());
      EXPECT_TRUE(r.error().is(errc::cancelled)) << r.error().message;
      continue;
    }
    ASSERT_TRUE(r.has_value()) << i << ": " << r.error().message;
    EXPECT_EQ(r->front().value, "k" + std::to_string(i));
  }
}

}  // namespace
}  // namespace torctl::client::testing_text
