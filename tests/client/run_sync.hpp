// Test helper: runs one coroutine on an io_context until it finishes, with a bound, and
// returns its result. The io_context keeps other work (a connection's reader) pending,
// so it is stepped rather than run to exhaustion.
#pragma once

#include <gtest/gtest.h>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <optional>

namespace torctl::testing {

// A bound for any single step of a test; far above what a working step takes.
inline constexpr std::chrono::seconds step_bound{60};

template <class T>
T run_sync(asio::io_context& io, asio::awaitable<T> work,
           std::chrono::steady_clock::duration bound = step_bound) {
  std::optional<T> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(work)); },
      asio::detached);
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!out && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  if (!out) {
    ADD_FAILURE() << "a step did not finish within the bound";
    std::abort();  // the coroutine still references `out`: nothing safe is left to do
  }
  return std::move(*out);
}

// The value of a result that must hold one. Otherwise the test fails with the result's
// message, and stops: what follows depends on the value.
template <class R>
auto must(R r) {
  if (!r) {
    ADD_FAILURE() << r.error().message;
    std::abort();
  }
  return std::move(*r);
}

}  // namespace torctl::testing
