// GETINFO round trips per second against one real tor, in one run, three ways:
//   raw:    a minimal client on a blocking socket (TCP_NODELAY, and TCP_QUICKACK while
//           replies are due): it writes the commands and counts "250 OK" lines, nothing
//           more. The floor any library builds on.
//   torctl: this library's coroutine API (text protocol), each reply parsed into typed
//           values.
//   Stem:   Debian's python3-stem (bench/stem_getinfo.py), caching off.
// Each both sequential (one command, wait for its reply, the next) and pipelined (batches
// of `--batch` commands, each written at once, then its replies read, then the next
// batch); Stem cannot pipeline and runs 8 threads on one connection instead. A
// repetition alternates raw and torctl in ten slices of its round trips, so that the two
// meet the same conditions of a shared machine and their ratio is taken in one
// repetition; the median rates and the median of those ratios (with their range) are
// printed, with the CPU time this process spends per round trip (kernel time included).
//
// Usage: client_bench [--quick] [--count N] [--pipelined-count N] [--batch B]
//                     [--polling US] [--repetitions R] [--only MODE]
// MODE: raw-sequential, raw-pipelined, torctl-sequential, torctl-pipelined, and the last two
// with "-polling" (the event loop busy polls for --polling µs, default 50, before sleeping)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../src/auth/encoding.hpp"
#include "round_trips.hpp"
#include "torctl/auth/cookie.hpp"
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

// ---- the raw socket client ----

class raw_client {
 public:
  raw_client(int port, const std::string& cookie_file) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("raw: connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto cookie = torctl::auth::read_cookie_file(cookie_file);
    if (!cookie) die(cookie.error().message);
    send("AUTHENTICATE " + torctl::auth::encoding::to_hex(cookie->view()) + "\r\n");
    if (count_ok(1) != 1) die("raw: authentication failed");
  }
  ~raw_client() { ::close(fd_); }

  void send(std::string_view s) {
    std::size_t sent = 0;
    while (sent < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + sent, s.size() - sent, 0);
      if (n <= 0) die("raw: send");
      sent += static_cast<std::size_t>(n);
    }
  }
  // With a window, each read first polls (non-blocking reads, yielding between them) for
  // that long before it blocks: the same trade client::run_polling_until makes.
  void set_polling(std::chrono::microseconds window) { polling_ = window; }

  // Reads until `n` replies ended by "250 OK\r\n" have come.
  std::size_t count_ok(std::size_t n) {
    static constexpr std::string_view end = "250 OK\r\n";
    std::size_t seen = 0;
    while (seen < n) {
      char buffer[65536];
      const ssize_t got = receive(buffer, sizeof buffer);
      if (got <= 0) die("raw: recv");
      // As torctl does while replies are due (src/client/link.cpp says why): without it
      // both stall on delayed ACKs, and the comparison would measure that instead.
      if (seen + 1 < n) {
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      }
      tail_.append(buffer, static_cast<std::size_t>(got));
      std::size_t at = 0;
      while ((at = tail_.find(end, at)) != std::string::npos) {
        ++seen;
        at += end.size();
      }
      const std::size_t keep = std::min(tail_.size(), end.size() - 1);
      tail_.erase(0, tail_.size() - keep);
    }
    return seen;
  }

 private:
  ssize_t receive(char* buffer, std::size_t size) {
    if (polling_.count() > 0) {
      const auto until = std::chrono::steady_clock::now() + polling_;
      do {
        const ssize_t got = ::recv(fd_, buffer, size, MSG_DONTWAIT);
        if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return got;
        std::this_thread::yield();
      } while (std::chrono::steady_clock::now() < until);
    }
    return ::recv(fd_, buffer, size, 0);
  }

  int fd_ = -1;
  std::string tail_;
  std::chrono::microseconds polling_{0};
};

double raw_sequential(raw_client& c, std::size_t n) {
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    c.send("GETINFO version\r\n");
    c.count_ok(1);
  }
  return per_second(n, start);
}

// `n` round trips in batches of `batch` (the last one smaller).
double raw_pipelined(raw_client& c, std::size_t n, std::size_t batch) {
  std::string commands;
  for (std::size_t i = 0; i < batch; ++i) commands += "GETINFO version\r\n";
  const std::string_view one = "GETINFO version\r\n";
  const auto start = clock_type::now();
  for (std::size_t done = 0; done < n;) {
    const std::size_t now = std::min(batch, n - done);
    c.send(std::string_view(commands).substr(0, now * one.size()));
    c.count_ok(now);
    done += now;
  }
  return per_second(n, start);
}

// ---- torctl ----

// ---- Stem ----

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

// One measurement: round trips per second, and this thread's CPU per round trip.
struct sample {
  double rate;
  double cpu;
};

template <class Run>
sample measure(std::size_t count, Run run_once) {
  const double before = cpu_us();
  const double rate = run_once();
  return {rate, (cpu_us() - before) / static_cast<double>(count)};
}

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
paired ratios(const series& a, const series& b) {
  std::vector<double> r;
  for (std::size_t i = 0; i < a.rates.size() && i < b.rates.size(); ++i) {
    r.push_back(a.rates[i] / b.rates[i]);
  }
  if (r.empty()) return {0, 0, 0};
  return {median(r), *std::min_element(r.begin(), r.end()), *std::max_element(r.begin(), r.end())};
}

int run_bench(int argc, char** argv) {
  std::size_t count = 20000;             // sequential round trips per run (and Stem's)
  std::size_t pipelined_count = 200000;  // pipelined ones: a run of 20,000 lasts 20 ms
  std::size_t batch = 10000;             // pipelined: commands written at once
  int polling_window_us = 50;            // the "-polling" modes' window (as torctld's)
  std::size_t slices = 10;               // a repetition alternates raw and torctl this often
  int repetitions = 5;
  std::string only;  // for profiling: run just one of raw-/torctl- sequential/pipelined
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      count = 200;
      pipelined_count = 1000;
      batch = 100;
      repetitions = 1;
    } else if (a == "--count" && i + 1 < argc) {
      count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--pipelined-count" && i + 1 < argc) {
      pipelined_count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--polling" && i + 1 < argc) {
      polling_window_us = std::atoi(argv[++i]);
    } else if (a == "--batch" && i + 1 < argc) {
      batch = std::max<std::size_t>(1, std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--repetitions" && i + 1 < argc) {
      repetitions = std::atoi(argv[++i]);
    } else {
      die("usage: client_bench [--quick] [--count N] [--pipelined-count N] [--batch B] "
          "[--polling US] [--repetitions R] [--only MODE]");
    }
  }

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

  // One run of `n` round trips of a mode.
  const auto mode = [&](const std::string& name, std::size_t n) -> sample {
    // "-polling": torctl's event loop run by client::run_polling_until
    // (torctl/client/run.hpp), the raw client's reads polling as long.
    const bool polls = name.ends_with("-polling");
    const std::chrono::microseconds window(polls ? polling_window_us : 0);
    const std::string base = polls ? name.substr(0, name.size() - 8) : name;
    raw.set_polling(window);
    if (base == "raw-sequential") return measure(n, [&] { return raw_sequential(raw, n); });
    if (base == "raw-pipelined") {
      return measure(n, [&] { return raw_pipelined(raw, n, batch); });
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
  // One repetition of two modes: `n` round trips of each, in `slices` alternating
  // slices, so that both meet the same conditions of this shared machine; their rates
  // over the whole, and CPU per round trip.
  const auto alternate = [&](const std::string& a, const std::string& b, std::size_t n,
                             series& into_a, series& into_b) {
    const std::size_t slice = std::max<std::size_t>(1, n / slices);
    double seconds[2] = {0, 0}, cpu[2] = {0, 0};
    std::size_t done = 0;
    for (; done < n; done += slice) {
      const std::size_t now = std::min(slice, n - done);
      for (int k = 0; k < 2; ++k) {
        const sample s = mode(k == 0 ? a : b, now);
        seconds[k] += static_cast<double>(now) / s.rate;
        cpu[k] += s.cpu * static_cast<double>(now);
      }
    }
    into_a.add({static_cast<double>(n) / seconds[0], cpu[0] / static_cast<double>(n)});
    into_b.add({static_cast<double>(n) / seconds[1], cpu[1] / static_cast<double>(n)});
  };

  series raw_seq, raw_pipe, torctl_seq, torctl_pipe;
  series raw_polling_seq, raw_polling_pipe, polling_seq, polling_pipe;
  std::vector<double> stem_seq, stem_conc;
  for (int r = 0; r < repetitions; ++r) {
    alternate("raw-sequential", "torctl-sequential", count, raw_seq, torctl_seq);
    alternate("raw-sequential-polling", "torctl-sequential-polling", count, raw_polling_seq,
              polling_seq);
    alternate("raw-pipelined", "torctl-pipelined", pipelined_count, raw_pipe, torctl_pipe);
    alternate("raw-pipelined-polling", "torctl-pipelined-polling", pipelined_count,
              raw_polling_pipe, polling_pipe);
    const auto [seq, conc] = stem(port, count);
    stem_seq.push_back(seq);
    stem_conc.push_back(conc);
  }
  std::printf(
      "GETINFO version round trips per second (client CPU per round trip), "
      "%zu sequential and %zu pipelined (in batches of %zu) per repetition, raw and torctl "
      "alternating in %zu slices; median of %d repetitions\n",
      count, pipelined_count, batch, slices, repetitions);
  std::printf("%-16s %24s %24s\n", "client", "sequential", "pipelined");
  const auto row = [](const char* name, const series& a, const series& b) {
    std::printf("%-16s %14.0f (%5.1f us) %14.0f (%5.2f us)\n", name, a.rate(), a.cpu(), b.rate(),
                b.cpu());
  };
  row("raw", raw_seq, raw_pipe);
  row("torctl", torctl_seq, torctl_pipe);
  row("raw, polling", raw_polling_seq, raw_polling_pipe);
  row("torctl, polling", polling_seq, polling_pipe);
  std::printf("%-16s %14.0f %25.0f   (8 threads: Stem cannot pipeline)\n", "Stem", median(stem_seq),
              median(stem_conc));
  const auto ratio_row = [](const char* name, const paired& s, const paired& p) {
    std::printf("%-34s sequential %.3f (%.3f to %.3f)  pipelined %.3f (%.3f to %.3f)\n", name,
                s.median, s.low, s.high, p.median, p.low, p.high);
  };
  std::printf("ratios within each repetition: median (range)\n");
  ratio_row("  torctl / raw", ratios(torctl_seq, raw_seq), ratios(torctl_pipe, raw_pipe));
  ratio_row("  torctl, polling / raw, polling", ratios(polling_seq, raw_polling_seq),
            ratios(polling_pipe, raw_polling_pipe));
  ratio_row("  torctl, polling / raw", ratios(polling_seq, raw_seq),
            ratios(polling_pipe, raw_pipe));
  std::printf("torctl / Stem: sequential %.1f  pipelined %.1f\n",
              torctl_seq.rate() / median(stem_seq), torctl_pipe.rate() / median(stem_conc));
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
