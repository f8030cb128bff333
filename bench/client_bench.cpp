// GETINFO round trips per second against one real tor, in one run, five ways:
//   raw:        a minimal client on a blocking socket (TCP_NODELAY, and TCP_QUICKACK while
//               replies are due): it writes the commands and counts "250 OK" lines,
//               nothing more. The floor any client builds on.
//   epoll:      the raw client's work on a non-blocking socket that waits in epoll_wait
//               when it has nothing to read: what waiting for readiness costs by itself,
//               with no Asio and no library (every event loop on Linux waits this way).
//   event loop: the same work in an Asio coroutine on the event loop torctl uses, doing
//               its I/O as torctl's connection does: what an Asio event loop costs by
//               itself, with no library on top.
// (The first three are in minimal_clients.hpp.)
//   torctl:     this library's coroutine API (text protocol), each reply parsed into typed
//               values.
//   Stem:       Debian's python3-stem (bench/stem_getinfo.py), caching off.
// Each both sequential (one command, wait for its reply, the next) and pipelined (batches
// of `--batch` commands, each written at once, then its replies read, then the next
// batch); Stem cannot pipeline and runs 8 threads on one connection instead. A
// repetition takes raw, epoll, event loop and torctl in turn, slice by slice (`--slices`,
// 100: a sequential slice lasts some 15 ms, a pipelined one holds at least a batch), so
// that all four meet the same conditions of a shared machine, whose speed drifts over tens of
// milliseconds; their ratios are taken within each repetition. The median rates and the
// median of those ratios (with their range) are printed, with the CPU time this process
// spends per round trip (kernel time included).
//
// Usage: client_bench [--quick] [--count N] [--pipelined-count N] [--batch B]
//                     [--polling US] [--repetitions R] [--slices S] [--sequential-only]
//                     [--only MODE]
// MODE: raw-, epoll-, loop- or torctl-, then sequential or pipelined, and optionally "-polling"
// (the event loop busy polls for --polling µs, default 50, before sleeping; the raw
// client's reads poll as long). --sequential-only runs the plain sequential runs alone.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <utility>

#include "client_report.hpp"
#include "minimal_clients.hpp"
#include "round_trips.hpp"
#include "torctl/client/launch.hpp"

namespace client = torctl::client;
using namespace torctl::bench;

namespace {

// CPU time this thread has used, in microseconds: all of it, or in user mode only.
double cpu_us(bool user_only = false) {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  const timeval& t = u.ru_utime;
  const double user = static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
  if (user_only) return user;
  return user + static_cast<double>(u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_stime.tv_usec);
}

// One run: its rate, and this thread's CPU (kernel time included) per round trip.
template <class Run>
sample measure(std::size_t count, Run run_once) {
  const double before = cpu_us();
  const double rate = run_once();
  return {rate, (cpu_us() - before) / static_cast<double>(count)};
}

// Stem's rates: sequential, and 8 threads sharing one connection.

std::pair<double, double> stem(int port, std::size_t n) {
  const std::string command = "/usr/bin/python3 " TORCTL_BENCH_DIR "/stem_getinfo.py " +
                              std::to_string(port) + " " + std::to_string(n);
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) die("cannot run stem_getinfo.py");
  double sequential = 0, concurrent = 0;
  char line[256];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::sscanf(line, "stem_sequential_per_second %lf", &sequential);
    std::sscanf(line, "stem_concurrent_per_second %lf", &concurrent);
  }
  if (::pclose(p) != 0 || sequential == 0 || concurrent == 0) die("stem_getinfo.py failed");
  return {sequential, concurrent};
}

}  // namespace

int run_bench(int argc, char** argv) {
  run_shape shape;
  int polling_window_us = 50;  // the "-polling" modes' window (as torctld's)
  std::string only;            // for profiling: run just one mode
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      shape.count = 200;
      shape.pipelined_count = 1000;
      shape.batch = 100;
      shape.repetitions = 1;
    } else if (a == "--count" && i + 1 < argc) {
      shape.count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--pipelined-count" && i + 1 < argc) {
      shape.pipelined_count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--polling" && i + 1 < argc) {
      polling_window_us = std::atoi(argv[++i]);
    } else if (a == "--batch" && i + 1 < argc) {
      shape.batch = std::max<std::size_t>(1, std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--repetitions" && i + 1 < argc) {
      shape.repetitions = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--slices" && i + 1 < argc) {
      shape.slices = std::max<std::size_t>(1, std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--sequential-only") {
      shape.sequential_only = true;
    } else {
      die("usage: client_bench [--quick] [--count N] [--pipelined-count N] [--batch B] "
          "[--polling US] [--repetitions R] [--slices S] [--sequential-only] [--only MODE]");
    }
  }
  const std::size_t count = shape.count, pipelined_count = shape.pipelined_count;
  const std::size_t batch = shape.batch, slices = shape.slices;
  const int repetitions = shape.repetitions;

  asio::io_context io;
  client::launch_options options;
  options.torrc_lines = {"DisableNetwork 1", "SocksPort 0"};
  options.wait_for_bootstrap = false;
  if (const char* tor = std::getenv("TORCTL_TOR")) options.tor_program = tor;
  auto tor = run(io, client::launched_tor::launch(io.get_executor(), std::move(options)));
  if (!tor) die(tor.error().message);
  const int port = tor->control().remote().port;
  const std::string cookie = tor->data_directory() + "/tor/control_auth_cookie";
  client::connect_options o;
  o.endpoints = {tor->control().remote()};
  auto c = run(io, client::connection::open(io.get_executor(), std::move(o)));
  if (!c) die(c.error().message);
  raw_client raw(port, cookie);
  raw_client epoll(port, cookie, waiting::epoll);
  loop_client loop(io, port, cookie);

  // One run of `n` round trips of a mode.
  const auto mode = [&](const std::string& name, std::size_t n) -> sample {
    // "-polling": the event loop run by client::run_polling_until
    // (torctl/client/run.hpp), the raw client's reads polling as long.
    const bool polls = name.ends_with("-polling");
    const std::chrono::microseconds window(polls ? polling_window_us : 0);
    const std::string base = polls ? name.substr(0, name.size() - 8) : name;
    // raw and epoll are one client, waiting two ways.
    raw_client* plain = base.starts_with("raw-")     ? &raw
                        : base.starts_with("epoll-") ? &epoll
                                                     : nullptr;
    if (plain != nullptr) {
      plain->set_polling(window);
      if (base.ends_with("-sequential")) {
        return measure(n, [&] { return raw_sequential(*plain, n); });
      }
      if (base.ends_with("-pipelined")) {
        return measure(n, [&] { return raw_pipelined(*plain, n, batch); });
      }
    }
    if (base == "loop-sequential") {
      return measure(n, [&] { return run(io, loop.sequential(n), window); });
    }
    if (base == "loop-pipelined") {
      return measure(n, [&] { return run(io, loop.pipelined(n, batch), window); });
    }
    if (base == "torctl-sequential") {
      return measure(n, [&] { return run(io, sequential(*c, n, query::getinfo_version), window); });
    }
    if (base == "torctl-pipelined") {
      return measure(n, [&] {
        const auto start = clock_type::now();
        for (std::size_t done = 0; done < n; done += batch) {
          pipelined(io, *c, std::min(batch, n - done), query::getinfo_version, window);
        }
        return per_second(n, start);
      });
    }
    die("unknown mode " + name);
  };
  if (!only.empty()) {
    const bool pipelined_mode = only.find("pipelined") != std::string::npos;
    for (int r = 0; r < repetitions; ++r) {
      const std::size_t n = pipelined_mode ? pipelined_count : count;
      const double user_before = cpu_us(true);
      const sample s = mode(only, n);
      const double user = (cpu_us(true) - user_before) / static_cast<double>(n);
      std::printf("%s %.0f per second, %.2f us CPU each (%.2f in user mode)\n", only.c_str(),
                  s.rate, s.cpu, user);
    }
    return 0;
  }

  // The four clients, and what the repetitions record of each.
  static constexpr std::array<const char*, 4> clients = {"raw", "epoll", "loop", "torctl"};
  results all;
  const std::array<client_series*, clients.size()> of = {&all.raw, &all.epoll, &all.loop,
                                                         &all.torctl};
  // One repetition of a kind of run ("sequential", "pipelined-polling"...) for every
  // client: `n` round trips of each, in `slices` slices taken in turn, so that all meet
  // the same conditions of this shared machine; their rates over the whole, and CPU per
  // round trip.
  // A pipelined slice holds at least one batch.
  const auto alternate = [&](const std::string& kind, std::size_t n, series client_series::*into) {
    const std::size_t least = kind.starts_with("pipelined") ? batch : 1;
    const std::size_t slice = std::max(least, n / slices);
    std::array<double, clients.size()> seconds{}, cpu{};
    for (std::size_t done = 0; done < n; done += slice) {
      const std::size_t now = std::min(slice, n - done);
      for (std::size_t k = 0; k < clients.size(); ++k) {
        const sample s = mode(std::string(clients[k]) + "-" + kind, now);
        seconds[k] += static_cast<double>(now) / s.rate;
        cpu[k] += s.cpu * static_cast<double>(now);
      }
    }
    for (std::size_t k = 0; k < clients.size(); ++k) {
      (of[k]->*into).add({static_cast<double>(n) / seconds[k], cpu[k] / static_cast<double>(n)});
    }
  };

  for (int r = 0; r < repetitions; ++r) {
    alternate("sequential", count, &client_series::sequential);
    if (shape.sequential_only) continue;
    alternate("sequential-polling", count, &client_series::polling_sequential);
    alternate("pipelined", pipelined_count, &client_series::pipelined);
    alternate("pipelined-polling", pipelined_count, &client_series::polling_pipelined);
    const auto [seq, conc] = stem(port, count);
    all.stem_sequential.push_back(seq);
    all.stem_concurrent.push_back(conc);
  }
  report(shape, all);
  return 0;
}

int main(int argc, char** argv) {
  // Failures throw, so that the launched tor is stopped and its directory removed.
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "client_bench: %s\n", e.what());
    return 1;
  }
}
