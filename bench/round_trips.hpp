// Shared by the benchmarks that time round trips against a live tor or torctld
// (client_bench, torctld_bench): timing, medians, running a coroutine to its end, and
// one query repeated sequentially or pipelined through the client library.
#pragma once

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "torctl/client/connection.hpp"
#include "torctl/client/run.hpp"

namespace torctl::bench {

using clock_type = std::chrono::steady_clock;

// Failures throw, so that what a benchmark started (a tor, a directory) is cleaned up.
[[noreturn]] inline void die(const std::string& why) {
  throw std::runtime_error(why);
}

inline double per_second(std::size_t n, clock_type::time_point start) {
  return static_cast<double>(n) / std::chrono::duration<double>(clock_type::now() - start).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Runs `a` to its end on `io`, busy polling for `polling` between handlers
// (torctl/client/run.hpp; zero: run_one). What `a` throws is thrown here.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> a, std::chrono::microseconds polling = {}) {
  std::optional<T> out;
  std::exception_ptr failure;
  bool ended = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(a)); },
      [&](std::exception_ptr e) {
        failure = e;
        ended = true;
      });
  while (!client::run_polling_until(io, polling, [&] { return ended; })) {
    io.restart();  // out of work between runs: start again
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

// The query a benchmark repeats.
enum class query : bool { getinfo_version, getconf_socksport };

// One query after another, each after the reply to the last; round trips per second.
inline asio::awaitable<double> sequential(client::connection& c, std::size_t n, query q) {
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (q == query::getinfo_version) {
      std::vector<std::string> keys{"version"};
      if (auto r = co_await c.get_info(std::move(keys)); !r) die(r.error().message);
    } else {
      std::vector<std::string> keys{"SocksPort"};
      if (auto r = co_await c.get_conf(std::move(keys)); !r) die(r.error().message);
    }
  }
  co_return per_second(n, start);
}

// `n` queries issued at once, then their replies; round trips per second.
inline double pipelined(asio::io_context& io, client::connection& c, std::size_t n, query q,
                        std::chrono::microseconds polling = {}) {
  std::size_t done = 0;
  const auto count = [&done](const auto& r) {
    if (!r) die(r.error().message);
    ++done;
  };
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (q == query::getinfo_version) {
      c.async_get_info({"version"}, count);
    } else {
      c.async_get_conf({"SocksPort"}, count);
    }
  }
  client::run_polling_until(io, polling, [&] { return done == n; });
  return per_second(n, start);
}

}  // namespace torctl::bench
