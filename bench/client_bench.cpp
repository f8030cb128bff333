// GETINFO round trips per second against one real tor, in one run, five ways:
//   raw:        a minimal client on a blocking socket (TCP_NODELAY, and TCP_QUICKACK while
//               replies are due): it writes the commands and counts "250 OK" lines,
//               nothing more. The floor any client builds on.
//   epoll:      the raw client's work on a non-blocking socket that waits in epoll_wait
//               when it has nothing to read: what waiting for readiness costs by itself,
//               with no Asio and no library (every event loop on Linux waits this way).
//   event loop: the same work in an Asio coroutine on the event loop torctl uses, doing
//               its I/O as torctl's connection does (loop_client below): what an Asio
//               event loop costs by itself, with no library on top.
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
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
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

// Counts replies ended by "250 OK\r\n" across reads that may split that line.
class ok_counter {
 public:
  // The replies that `chunk` completes.
  std::size_t feed(std::string_view chunk) {
    static constexpr std::string_view end = "250 OK\r\n";
    tail_.append(chunk);
    std::size_t seen = 0, at = 0;
    while ((at = tail_.find(end, at)) != std::string::npos) {
      ++seen;
      at += end.size();
    }
    const std::size_t keep = std::min(tail_.size(), end.size() - 1);
    tail_.erase(0, tail_.size() - keep);
    return seen;
  }

 private:
  std::string tail_;
};

// As torctl does while replies are due (src/client/link.cpp says why): without it every
// client stalls on delayed ACKs, and the comparison would measure that instead.
void ask_quick_ack(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

// ---- the raw socket client ----

// How the raw client waits for a reply: in recv on a blocking socket, or in epoll_wait
// with the socket non-blocking (recv until it would block, then wait, then recv again).
enum class waiting : bool { blocking, epoll };

class raw_client {
 public:
  raw_client(int port, const std::string& cookie_file, waiting how = waiting::blocking) {
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
    if (how == waiting::epoll) wait_in_epoll();
  }
  ~raw_client() {
    ::close(fd_);
    if (epoll_ >= 0) ::close(epoll_);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

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
    std::size_t seen = 0;
    while (seen < n) {
      char buffer[65536];
      const ssize_t got = receive(buffer, sizeof buffer);
      if (got <= 0) die("raw: recv");
      if (seen + 1 < n) ask_quick_ack(fd_);
      seen += ok_.feed({buffer, static_cast<std::size_t>(got)});
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
    if (epoll_ < 0) return ::recv(fd_, buffer, size, 0);
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, size, 0);
      if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return got;
      epoll_event ready{};
      if (::epoll_wait(epoll_, &ready, 1, -1) < 0 && errno != EINTR) return -1;
    }
  }

  // The socket made non-blocking and registered edge-triggered for input, as Asio does.
  void wait_in_epoll() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event interest{};
    interest.events = EPOLLIN | EPOLLET;
    if (epoll_ < 0 || ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK) != 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd_, &interest) != 0) {
      die("epoll client: cannot set up epoll");
    }
  }

  int fd_ = -1;
  int epoll_ = -1;
  ok_counter ok_;
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

// ---- the minimal event-loop client ----

// What an event loop costs by itself: the raw client's work done the way torctl's
// connection does its I/O, in a coroutine on this process's Asio event loop. A command is
// written at once from the non-blocking socket (the rest, if any, waits for room), and
// replies are awaited with async_read_some, which tries the socket and then waits for it
// in epoll. Nothing of a library is on top: no parsing into values, no queue of pending
// commands, no completions.
class loop_client {
 public:
  loop_client(asio::io_context& io, int port, const std::string& cookie_file) : socket_(io) {
    socket_.connect({asio::ip::address_v4::loopback(), static_cast<std::uint16_t>(port)});
    socket_.set_option(asio::ip::tcp::no_delay(true));
    auto cookie = torctl::auth::read_cookie_file(cookie_file);
    if (!cookie) die(cookie.error().message);
    const std::string authenticate =
        "AUTHENTICATE " + torctl::auth::encoding::to_hex(cookie->view()) + "\r\n";
    asio::write(socket_, asio::buffer(authenticate));
    std::size_t seen = 0;
    while (seen == 0) {
      const std::size_t got = socket_.read_some(asio::buffer(buffer_));
      seen = ok_.feed({buffer_.data(), got});
    }
    socket_.non_blocking(true);
  }

  asio::awaitable<double> sequential(std::size_t n) {
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) {
      co_await send(one_command);
      co_await count_ok(1);
    }
    co_return per_second(n, start);
  }

  // `n` round trips in batches of `batch` (the last one smaller).
  asio::awaitable<double> pipelined(std::size_t n, std::size_t batch) {
    std::string commands;
    for (std::size_t i = 0; i < batch; ++i) commands += one_command;
    const auto start = clock_type::now();
    for (std::size_t done = 0; done < n;) {
      const std::size_t now = std::min(batch, n - done);
      co_await send(std::string_view(commands).substr(0, now * one_command.size()));
      co_await count_ok(now);
      done += now;
    }
    co_return per_second(n, start);
  }

 private:
  static constexpr std::string_view one_command = "GETINFO version\r\n";

  asio::awaitable<void> send(std::string_view s) {
    std::error_code ec;
    const std::size_t sent = socket_.write_some(asio::buffer(s), ec);
    if (ec && ec != asio::error::would_block) die("event loop client: send: " + ec.message());
    if (sent < s.size()) {
      co_await asio::async_write(socket_, asio::buffer(s.substr(sent)), asio::use_awaitable);
    }
  }

  asio::awaitable<void> count_ok(std::size_t n) {
    std::size_t seen = 0;
    while (seen < n) {
      const std::size_t got =
          co_await socket_.async_read_some(asio::buffer(buffer_), asio::use_awaitable);
      if (seen + 1 < n) ask_quick_ack(socket_.native_handle());
      seen += ok_.feed({buffer_.data(), got});
    }
  }

  asio::ip::tcp::socket socket_;
  std::array<char, 65536> buffer_;
  ok_counter ok_;
};

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

void print_rates(const run_shape& shape, const results& r) {
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

void print_ratio(const char* name, const paired& s, const paired& p) {
  std::printf("%-38s sequential %.3f (%.3f to %.3f)", name, s.median, s.low, s.high);
  if (p.median > 0) std::printf("  pipelined %.3f (%.3f to %.3f)", p.median, p.low, p.high);
  std::printf("\n");
}

// The ratios of the plain runs, within each repetition; then the targets: torctl within
// 5 % of the raw client (a median ratio of 0.95 or more), each mode on its own.
void print_ratios(const results& r) {
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

void print_polling_ratios(const results& r) {
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

void report(const run_shape& shape, const results& r) {
  print_rates(shape, r);
  print_ratios(r);
  if (!shape.sequential_only) print_polling_ratios(r);
}

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
    raw.set_polling(window);
    epoll.set_polling(window);
    if (base == "raw-sequential") return measure(n, [&] { return raw_sequential(raw, n); });
    if (base == "raw-pipelined") {
      return measure(n, [&] { return raw_pipelined(raw, n, batch); });
    }
    if (base == "epoll-sequential") return measure(n, [&] { return raw_sequential(epoll, n); });
    if (base == "epoll-pipelined") {
      return measure(n, [&] { return raw_pipelined(epoll, n, batch); });
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
