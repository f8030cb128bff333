// client_bench's results: the rates and CPU each client's repetitions recorded, their
// ratios within each repetition, and the report it prints, with the verdict on the 5 %
// target. Header-only: one program uses it.
#pragma once

#include <algorithm>
#include <cstdio>
#include <vector>

#include "round_trips.hpp"

namespace torctl::bench {

// One measurement: round trips per second, and this thread's CPU per round trip.
struct sample {
  double rate;
  double cpu;
};

// One client's runs of one kind, repetition by repetition.
struct series {
  std::vector<double> rates, cpus;
  void add(sample s) {
    rates.push_back(s.rate);
    cpus.push_back(s.cpu);
  }
  double rate() const { return median(rates); }
  double cpu() const { return median(cpus); }
};

// The ratios of `a` to `b`, repetition by repetition: their median, lowest and highest.
struct paired {
  double median, low, high;
};
inline paired ratios(const series& a, const series& b) {
  std::vector<double> r;
  for (std::size_t i = 0; i < a.rates.size() && i < b.rates.size(); ++i) {
    r.push_back(a.rates[i] / b.rates[i]);
  }
  if (r.empty()) return {0, 0, 0};
  return {median(r), *std::min_element(r.begin(), r.end()), *std::max_element(r.begin(), r.end())};
}

// What the repetitions record of one client.
struct client_series {
  series sequential, pipelined, polling_sequential, polling_pipelined;
};

// The size of a run, as given on the command line.
struct run_shape {
  std::size_t count = 20000;             // sequential round trips per run (and Stem's)
  std::size_t pipelined_count = 200000;  // pipelined ones: a run of 20,000 lasts 20 ms
  std::size_t batch = 10000;             // pipelined: commands written at once
  std::size_t slices = 100;  // a repetition takes the clients in turn this often (at most)
  int repetitions = 5;
  bool sequential_only = false;  // the plain sequential runs alone, without Stem
};

// What the repetitions record of every client, and of Stem.
struct results {
  client_series raw, epoll, loop, torctl;
  std::vector<double> stem_sequential, stem_concurrent;
};

inline void print_rates(const run_shape& shape, const results& r) {
  std::printf(
      "GETINFO version round trips per second (client CPU per round trip), %zu sequential "
      "and %zu pipelined (in batches of %zu) per repetition, the clients taken in turn in "
      "%zu slices; median of %d repetitions\n",
      shape.count, shape.pipelined_count, shape.batch, shape.slices, shape.repetitions);
  std::printf("%-20s %24s %24s\n", "client", "sequential", "pipelined");
  // (Pipelined columns are left out when there were no pipelined runs.)
  const auto row = [](const char* name, const series& a, const series& b) {
    std::printf("%-20s %14.0f (%5.1f us)", name, a.rate(), a.cpu());
    if (!b.rates.empty()) std::printf(" %14.0f (%5.2f us)", b.rate(), b.cpu());
    std::printf("\n");
  };
  row("raw", r.raw.sequential, r.raw.pipelined);
  row("epoll", r.epoll.sequential, r.epoll.pipelined);
  row("event loop", r.loop.sequential, r.loop.pipelined);
  row("torctl", r.torctl.sequential, r.torctl.pipelined);
  if (shape.sequential_only) return;
  row("raw, polling", r.raw.polling_sequential, r.raw.polling_pipelined);
  row("epoll, polling", r.epoll.polling_sequential, r.epoll.polling_pipelined);
  row("event loop, polling", r.loop.polling_sequential, r.loop.polling_pipelined);
  row("torctl, polling", r.torctl.polling_sequential, r.torctl.polling_pipelined);
  std::printf("%-20s %14.0f %25.0f   (8 threads: Stem cannot pipeline)\n", "Stem",
              median(r.stem_sequential), median(r.stem_concurrent));
}

inline void print_ratio(const char* name, const paired& s, const paired& p) {
  std::printf("%-38s sequential %.3f (%.3f to %.3f)", name, s.median, s.low, s.high);
  if (p.median > 0) std::printf("  pipelined %.3f (%.3f to %.3f)", p.median, p.low, p.high);
  std::printf("\n");
}

// The ratios of the plain runs, within each repetition; then the targets: torctl within
// 5 % of the raw client (a median ratio of 0.95 or more), each mode on its own.
inline void print_ratios(const results& r) {
  const auto both = [](const char* name, const client_series& a, const client_series& b) {
    print_ratio(name, ratios(a.sequential, b.sequential), ratios(a.pipelined, b.pipelined));
  };
  std::printf("ratios within each repetition: median (range)\n");
  both("  torctl / raw", r.torctl, r.raw);
  both("  epoll / raw", r.epoll, r.raw);
  both("  event loop / raw", r.loop, r.raw);
  both("  torctl / event loop", r.torctl, r.loop);
  const auto verdict = [](const series& a, const series& b) {
    if (a.rates.empty()) return "not run";
    return ratios(a, b).median >= 0.95 ? "met" : "NOT met";
  };
  std::printf("target, torctl within 5 %% of raw: sequential %s, pipelined %s\n",
              verdict(r.torctl.sequential, r.raw.sequential),
              verdict(r.torctl.pipelined, r.raw.pipelined));
}

inline void print_polling_ratios(const results& r) {
  const auto polling = [](const char* name, const client_series& a, const client_series& b) {
    print_ratio(name, ratios(a.polling_sequential, b.polling_sequential),
                ratios(a.polling_pipelined, b.polling_pipelined));
  };
  polling("  torctl / raw, both polling", r.torctl, r.raw);
  polling("  epoll / raw, both polling", r.epoll, r.raw);
  polling("  event loop / raw, both polling", r.loop, r.raw);
  print_ratio("  torctl, polling / raw", ratios(r.torctl.polling_sequential, r.raw.sequential),
              ratios(r.torctl.polling_pipelined, r.raw.pipelined));
  std::printf("torctl / Stem: sequential %.1f  pipelined %.1f\n",
              r.torctl.sequential.rate() / median(r.stem_sequential),
              r.torctl.pipelined.rate() / median(r.stem_concurrent));
}

inline void report(const run_shape& shape, const results& r) {
  print_rates(shape, r);
  print_ratios(r);
  if (!shape.sequential_only) print_polling_ratios(r);
}

}  // namespace torctl::bench
