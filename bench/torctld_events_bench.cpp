// torctld's event fan-out, in one run. A fake Tor (fake_tor.hpp) sends NOTICE events to
// a torctld attached to it; N TC controllers (1, 10, 100 and 1,000 by default) subscribe
// to log messages and receive every event as an EVENT frame. Measured:
//
// - throughput: the fake sends M events as fast as torctld takes them; the figure is
//   the frames received over the time from the fake's first line to the last frame read
//   by the last controller (N * M of them when none is lost);
// - latency: 100 controllers, events paced (1,000 a second for 5 s), each stamped with
//   CLOCK_MONOTONIC just before the fake writes it; for every (controller, event) pair,
//   the time until the kernel queued the frame to the controller's socket (when it left
//   torctld: delay_samples) and until this program's read returned it;
// - the same two straight from a fake Tor to one text-protocol reader, no torctld, so
//   that the delay torctld adds is through minus direct.
//
// One thread reads every controller's socket (epoll, large reads) and checks every
// frame: EVENT, log-message code, NUL-terminated, the fake's exact text, numbers in
// order, nothing extra. A malformed, repeated or reordered frame ends the run at once;
// missing frames are counted, reported, and make the program exit 1 at its end. That is
// what the ctest smoke run (--quick) checks; it asserts no timings.
//
// Usage: torctld_events_bench TORCTLD [--quick] [--json] [--subscribers 1,10,100,1000]
//          [--frames F] [--rate EVENTS_PER_S] [--seconds S] [--unix] [--verbose]
//          [--send-threads N]
// --unix: the controllers reach torctld over a Unix socket instead of loopback TCP.
// --send-threads: passed to torctld (its helper threads for event writes; default its own).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "fake_tor.hpp"
#include "fanout.hpp"
#include "local_files.hpp"
#include "torctld_child.hpp"

namespace fs = std::filesystem;
using namespace torctl::bench;

namespace {

void on_signal(int) {
  interrupted = 1;
}

// `n` TC controllers of torctld, each having sent AUTHENTICATE (empty) and SETEVENTS
// [log message], with their DONEs read.
void add_tc_subscribers(fanout& f, torctld_process& d, std::size_t n) {
  // AUTHENTICATE, empty body; SETEVENTS, one code: 0x0005.
  static constexpr char hello[] = {0, 0, 0, 7, 0, 2, 0, 5, 0, 5};
  for (std::size_t i = 0; i < n; ++i) {
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
      fd = d.connect();
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd < 0) fail_run("cannot connect to torctld: " + std::string(std::strerror(errno)));
    send_all(fd, std::string_view(hello, sizeof hello));
    f.add(fd, true);
  }
  f.wait_ready(&d);
}

// One text connection to the fake Tor, authenticated and subscribed to NOTICE.
void add_text_subscriber(fanout& f, std::uint16_t port) {
  const int fd = connect_loopback(port);
  if (fd < 0) fail_run("cannot connect to the fake Tor");
  send_all(fd, "PROTOCOLINFO 1\r\nAUTHENTICATE\r\nSETEVENTS NOTICE\r\n");
  std::string in;
  int finals = 0;  // one final "250 " line per command
  while (finals < 3) {
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) fail_run("the fake Tor closed the direct connection");
    in.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end; finals < 3 && (end = in.find("\r\n")) != std::string::npos;) {
      if (in.compare(0, 3, "250") != 0) fail_run("the fake Tor answered " + in.substr(0, end));
      if (in[3] == ' ') ++finals;
      in.erase(0, end + 2);
    }
  }
  f.add(fd, false);
}

struct throughput_row {
  std::string label;
  std::size_t subscribers = 0;
  std::uint64_t events = 0;
  double seconds = 0;
  // From the fake's first write to its last: the events entered torctld (or its socket's
  // buffer, which holds a burst of some 10,000) at events / written_seconds a second.
  double written_seconds = 0;
  double torctld_cpu = 0;  // of one core, over `seconds`
  double reader_cpu = 0;
  long torctld_rss_kib = 0;
  std::uint64_t lost = 0;  // frames that never came, summed over the subscribers
  std::uint64_t frames() const { return events * subscribers - lost; }
  double frames_per_second() const { return static_cast<double>(frames()) / seconds; }
};

struct percentiles {
  double p50_us = 0, p99_us = 0, max_us = 0;
};

struct latency_row {
  std::string label;
  std::size_t subscribers = 0;
  std::size_t samples = 0;
  percentiles arrival, read;  // see delay_samples
  std::uint64_t lost = 0;
  double first_us = 0, last_us = 0;  // arrival_spread
  double torctld_cpu = 0;            // of one core, over the run
  double preempted_per_event = 0;    // its event loop thread's involuntary switches
};

// Runs that lost events, said at the end: the program then fails.
std::vector<std::string> losses;

void note_loss(const std::string& path, std::size_t subscribers, std::uint64_t lost,
               std::uint64_t frames, const fanout& f) {
  losses.push_back(path + ", " + std::to_string(subscribers) +
                   " subscribers: " + std::to_string(lost) + " of " + std::to_string(frames) +
                   " frames never arrived (first: " + f.first_gap() + ")");
}

// Nearest-rank percentiles, in microseconds.
percentiles summarize(std::vector<std::int64_t> d) {
  if (d.empty()) return {};
  std::sort(d.begin(), d.end());
  const auto at = [&](double q) {
    const std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(d.size())));
    return static_cast<double>(d[std::min(d.size() - 1, i == 0 ? 0 : i - 1)]) / 1e3;
  };
  return {at(0.50), at(0.99), at(1.0)};
}

throughput_row finish_throughput(fanout& f, fake_tor& source, torctld_process* d, std::string label,
                                 std::uint64_t events) {
  const double cpu_before = d != nullptr ? process_cpu_seconds(d->pid()) : 0;
  const double reader_before = thread_cpu_seconds();
  source.start(events, 0);
  const std::int64_t last_frame = f.wait_complete(d);
  const fake_tor::emission sent = source.wait();
  if (!sent.failure.empty()) fail_run("the fake Tor: " + sent.failure);
  throughput_row r;
  r.label = std::move(label);
  r.subscribers = f.size();
  r.events = events;
  r.seconds = static_cast<double>(last_frame - sent.first_write) / 1e9;
  r.written_seconds = static_cast<double>(sent.last_write - sent.first_write) / 1e9;
  r.reader_cpu = (thread_cpu_seconds() - reader_before) / r.seconds;
  if (d != nullptr) {
    r.torctld_cpu = (process_cpu_seconds(d->pid()) - cpu_before) / r.seconds;
    r.torctld_rss_kib = status_number(d->pid(), "VmRSS:");
  }
  f.expect_silence(100);
  r.lost = f.lost();
  if (r.lost > 0) note_loss(r.label, r.subscribers, r.lost, r.events * r.subscribers, f);
  return r;
}

// `samples` is the one `f` was made with.
latency_row finish_latency(fanout& f, delay_samples& samples, fake_tor& source, torctld_process* d,
                           std::string label, std::uint64_t events, double rate) {
  const double cpu_before = d != nullptr ? process_cpu_seconds(d->pid()) : 0;
  const long switches_before =
      d != nullptr ? status_number(d->pid(), "nonvoluntary_ctxt_switches:") : 0;
  source.start(events, rate);
  f.wait_complete(d);
  const fake_tor::emission sent = source.wait();
  if (!sent.failure.empty()) fail_run("the fake Tor: " + sent.failure);
  latency_row r;
  if (d != nullptr) {
    const double seconds = static_cast<double>(sent.last_write - sent.first_write) / 1e9;
    r.torctld_cpu = (process_cpu_seconds(d->pid()) - cpu_before) / seconds;
    r.preempted_per_event =
        static_cast<double>(status_number(d->pid(), "nonvoluntary_ctxt_switches:") -
                            switches_before) /
        static_cast<double>(events);
  }
  f.expect_silence(100);
  if (f.lost() > 0) note_loss(label + ", paced", f.size(), f.lost(), events * f.size(), f);
  std::tie(r.first_us, r.last_us) = arrival_spread(samples, f.size());
  r.label = std::move(label);
  r.subscribers = f.size();
  r.samples = samples.read.size();
  r.arrival = summarize(std::move(samples.arrival));
  r.read = summarize(std::move(samples.read));
  r.lost = f.lost();
  return r;
}

// torctld has subscribed its Tor to NOTICE: it did so before answering the DONEs.
void expect_subscribed(fake_tor& tor) {
  if (!tor.wait_for_subscribers(1, 5000)) {
    std::string sent;
    for (const std::string& c : tor.commands()) sent += "\n  " + c;
    fail_run("torctld answered SETEVENTS but never asked its Tor for NOTICE events (does this " +
             std::string("torctld deliver events?); what it sent its Tor:") + sent);
  }
}

// torctld's log (it runs at warn), shortened for an error message.
std::string log_summary(const std::string& log) {
  if (log.empty()) return "";
  std::istringstream in(log);
  std::string line, head;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    if (++lines <= 10) head += "\n  " + line;
  }
  return "\ntorctld's log (" + std::to_string(lines) + " lines" +
         (lines > 10 ? ", the first 10" : "") + "):" + head;
}

// A whole number with thousands separators.
std::string number(double v) {
  char digits[32];
  const int n = std::snprintf(digits, sizeof digits, "%.0f", v);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&now));
  return text;
}

struct settings {
  std::vector<std::size_t> subscribers{1, 10, 100, 1000};
  std::uint64_t frames = 20'000'000;  // per throughput run: N * M, M at least min_events
  std::uint64_t min_events = 10'000;
  std::size_t latency_subscribers = 100;
  double rate = 1000;  // events per second in the latency runs
  double seconds = 5;
  bool json = false;
  bool verbose = false;
  bool unix_socket = false;  // controllers reach torctld over a Unix socket, not TCP
  std::vector<std::string> torctld_options;
};

void print_table(const std::vector<throughput_row>& through,
                 const std::vector<latency_row>& latency, const settings& s, std::uint64_t paced,
                 long peak_rss) {
  std::printf("torctld event fan-out: NOTICE events from a fake Tor as TC EVENT frames, %s\n",
              today().c_str());
  if (s.unix_socket) {
    std::printf(
        "The controllers connect over a Unix socket, whose reads carry no kernel receive "
        "time:\nthrough torctld, \"left\" below is the read's time.\n");
  }
  std::printf(
      "\nThroughput: every event to every subscriber, timed from the fake Tor's first line to "
      "the\nlast frame read by the last subscriber\n");
  std::printf("%-16s %5s %10s %11s %10s %7s %11s %10s %10s %7s %6s %8s\n", "path", "subs", "events",
              "frames", "lost", "seconds", "frames/s", "events/s", "in/s", "torctld", "reader",
              "RSS KiB");
  for (const throughput_row& r : through) {
    const bool via = r.label == "through torctld";
    const std::string cpu = via ? std::to_string(std::lround(r.torctld_cpu * 100)) + " %" : "";
    const std::string rss = via ? number(static_cast<double>(r.torctld_rss_kib)) : "";
    std::printf("%-16s %5zu %10s %11s %10s %7.2f %11s %10s %10s %7s %4ld %% %8s\n", r.label.c_str(),
                r.subscribers, number(static_cast<double>(r.events)).c_str(),
                number(static_cast<double>(r.frames())).c_str(),
                number(static_cast<double>(r.lost)).c_str(), r.seconds,
                number(r.frames_per_second()).c_str(),
                number(r.frames_per_second() / static_cast<double>(r.subscribers)).c_str(),
                number(static_cast<double>(r.events) / r.written_seconds).c_str(), cpu.c_str(),
                std::lround(r.reader_cpu * 100), rss.c_str());
  }
  std::printf(
      "(frames: received; events/s: received by each subscriber; in/s: written by the fake Tor "
      "(into\ntorctld, or its socket's buffer); torctld, reader: CPU used over the run, in %% of "
      "one core;\nRSS: torctld's after the run)\n");
  std::printf(
      "\nLatency: %s events at %s per second, each stamped by the fake Tor just before its "
      "write;\nover every (subscriber, event) pair, the time until the kernel queued the frame "
      "to the\nsubscriber's socket (it left torctld) and until this program's read returned it, "
      "in µs\n",
      number(static_cast<double>(paced)).c_str(), number(s.rate).c_str());
  std::printf("%-18s %5s %9s %7s %9s %9s %9s %9s %9s %9s\n", "", "", "", "", "left", "", "", "read",
              "", "");
  std::printf("%-18s %5s %9s %7s %9s %9s %9s %9s %9s %9s\n", "path", "subs", "samples", "lost",
              "p50", "p99", "max", "p50", "p99", "max");
  for (const latency_row& r : latency) {
    std::printf("%-18s %5zu %9zu %7s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", r.label.c_str(),
                r.subscribers, r.samples, number(static_cast<double>(r.lost)).c_str(),
                r.arrival.p50_us, r.arrival.p99_us, r.arrival.max_us, r.read.p50_us, r.read.p99_us,
                r.read.max_us);
  }
  const latency_row &via = latency[0], &direct = latency[1];
  std::printf("%-18s %5s %9s %7s %9.1f %9.1f %9s %9.1f %9.1f\n", "added by torctld", "", "", "",
              via.arrival.p50_us - direct.arrival.p50_us,
              via.arrival.p99_us - direct.arrival.p99_us, "", via.read.p50_us - direct.read.p50_us,
              via.read.p99_us - direct.read.p99_us);
  std::printf(
      "torctld's writes: the subscriber served soonest had its median frame leave %.0f µs "
      "after\nTor's line, the one served latest %.0f µs; torctld used %ld %% of a core, and "
      "its event\nloop's thread was switched out %.1f times per event (involuntarily, or "
      "by yielding)\n",
      via.first_us, via.last_us, std::lround(via.torctld_cpu * 100), via.preempted_per_event);
  std::printf("\ntorctld's peak RSS: %s KiB\n", number(static_cast<double>(peak_rss)).c_str());
}

int run_bench(int argc, char** argv) {
  if (argc < 2) fail_run("usage: torctld_events_bench TORCTLD [--quick] [--json] ...");
  const std::string program = argv[1];
  settings s;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--quick") {
      s.frames = 200'000;
      s.min_events = 200;
      s.rate = 1000;
      s.seconds = 1;
    } else if (a == "--json") {
      s.json = true;
    } else if (a == "--unix") {
      s.unix_socket = true;
    } else if (a == "--verbose") {
      s.verbose = true;
    } else if (a == "--subscribers" && more) {
      s.subscribers.clear();
      std::istringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) s.subscribers.push_back(std::stoul(n));
    } else if (a == "--frames" && more) {
      s.frames = std::stoull(argv[++i]);
    } else if (a == "--rate" && more) {
      s.rate = std::stod(argv[++i]);
    } else if (a == "--send-threads" && more) {
      s.torctld_options = {"--send-threads", argv[++i]};
    } else if (a == "--seconds" && more) {
      s.seconds = std::stod(argv[++i]);
    } else {
      fail_run("unknown argument " + a);
    }
  }
  // A thousand controllers are a thousand descriptors here and in torctld (which
  // raises its own limit too).
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);

  std::vector<throughput_row> through;
  std::vector<latency_row> latency;
  const auto events_for = [&](std::size_t n) { return std::max(s.min_events, s.frames / n); };
  const std::uint64_t paced = static_cast<std::uint64_t>(s.rate * s.seconds);
  long peak_rss = 0;
  std::string torctld_log;
  {
    fake_tor tor;
    torctld_process d(program, tor.port(), s.unix_socket, s.torctld_options);
    try {
      d.wait_listening();
      if (s.verbose) std::fprintf(stderr, "torctld pid %d\n", static_cast<int>(d.pid()));
      for (const std::size_t n : s.subscribers) {
        fanout f(events_for(n), nullptr);
        add_tc_subscribers(f, d, n);
        expect_subscribed(tor);
        through.push_back(finish_throughput(f, tor, &d, "through torctld", events_for(n)));
      }
      delay_samples samples;
      samples.read.reserve(paced * s.latency_subscribers);
      samples.arrival.reserve(paced * s.latency_subscribers);
      samples.subscriber.reserve(paced * s.latency_subscribers);
      fanout f(paced, &samples);
      add_tc_subscribers(f, d, s.latency_subscribers);
      expect_subscribed(tor);
      latency.push_back(finish_latency(f, samples, tor, &d, "through torctld", paced, s.rate));
      peak_rss = status_number(d.pid(), "VmHWM:");
    } catch (const std::exception& e) {
      fail_run(e.what() + log_summary(d.log()));
    }
    if (s.verbose) {
      for (const std::string& c : tor.commands()) std::fprintf(stderr, "to Tor: %s\n", c.c_str());
    }
    torctld_log = d.log();
  }
  {
    fake_tor direct;
    {
      fanout f(events_for(1), nullptr);
      add_text_subscriber(f, direct.port());
      through.push_back(finish_throughput(f, direct, nullptr, "direct (text)", events_for(1)));
    }
    delay_samples samples;
    fanout f(paced, &samples);
    add_text_subscriber(f, direct.port());
    latency.push_back(finish_latency(f, samples, direct, nullptr, "direct (text)", paced, s.rate));
  }

  const latency_row& via = latency[0];
  const latency_row& straight = latency[1];
  // The delay torctld adds, to the frame leaving it (the target's measure) and to a
  // controller's read of it.
  const percentiles added{via.arrival.p50_us - straight.arrival.p50_us,
                          via.arrival.p99_us - straight.arrival.p99_us, 0};
  const percentiles added_read{via.read.p50_us - straight.read.p50_us,
                               via.read.p99_us - straight.read.p99_us, 0};
  const throughput_row* at_1000 = nullptr;
  for (const throughput_row& r : through) {
    if (r.label == "through torctld" && r.subscribers == 1000) at_1000 = &r;
  }

  // A target counts as met only when nothing was lost on the way.
  const bool fast = at_1000 != nullptr && at_1000->lost == 0 && at_1000->frames_per_second() >= 1e6;
  const bool prompt = via.lost == 0 && added.p99_us <= 1000;
  if (s.json) {
    std::printf("{\"date\": \"%s\", \"unix_socket\": %s, \"throughput\": [", today().c_str(),
                s.unix_socket ? "true" : "false");
    for (std::size_t i = 0; i < through.size(); ++i) {
      const throughput_row& r = through[i];
      std::printf(
          "%s\n  {\"path\": \"%s\", \"subscribers\": %zu, \"events\": %llu, \"frames\": %llu, "
          "\"lost\": %llu, \"seconds\": %.4f, \"frames_per_second\": %.0f, "
          "\"events_per_second\": %.0f, \"written_per_second\": %.0f, \"torctld_cpu\": %.3f, "
          "\"reader_cpu\": %.3f, "
          "\"torctld_rss_kib\": %ld}",
          i == 0 ? "" : ",", r.label.c_str(), r.subscribers,
          static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.frames()),
          static_cast<unsigned long long>(r.lost), r.seconds, r.frames_per_second(),
          r.frames_per_second() / static_cast<double>(r.subscribers),
          static_cast<double>(r.events) / r.written_seconds, r.torctld_cpu, r.reader_cpu,
          r.torctld_rss_kib);
    }
    std::printf("],\n \"latency\": {\"rate\": %.0f, \"seconds\": %.1f, \"paths\": [", s.rate,
                s.seconds);
    for (std::size_t i = 0; i < latency.size(); ++i) {
      const latency_row& r = latency[i];
      std::printf(
          "%s\n  {\"path\": \"%s\", \"subscribers\": %zu, \"samples\": %zu, \"lost\": %llu, "
          "\"left_us\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
          "\"read_us\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
          "\"first_subscriber_mean_us\": %.1f, \"last_subscriber_mean_us\": %.1f, "
          "\"torctld_cpu\": %.3f, \"torctld_preempted_per_event\": %.2f}",
          i == 0 ? "" : ",", r.label.c_str(), r.subscribers, r.samples,
          static_cast<unsigned long long>(r.lost), r.arrival.p50_us, r.arrival.p99_us,
          r.arrival.max_us, r.read.p50_us, r.read.p99_us, r.read.max_us, r.first_us, r.last_us,
          r.torctld_cpu, r.preempted_per_event);
    }
    std::printf(
        "],\n  \"added_left_us\": {\"p50\": %.1f, \"p99\": %.1f}, "
        "\"added_read_us\": {\"p50\": %.1f, \"p99\": %.1f}},\n",
        added.p50_us, added.p99_us, added_read.p50_us, added_read.p99_us);
    std::printf(
        " \"torctld_peak_rss_kib\": %ld, \"throughput_target_met\": %s, "
        "\"latency_target_met\": %s}\n",
        peak_rss, fast ? "true" : "false", prompt ? "true" : "false");
  } else {
    print_table(through, latency, s, paced, peak_rss);
    if (at_1000 != nullptr) {
      std::printf("frames/s to 1,000 subscribers: %s (target at least 1,000,000): %s\n",
                  number(at_1000->frames_per_second()).c_str(),
                  fast                ? "met"
                  : at_1000->lost > 0 ? "not met (events lost)"
                                      : "not met");
    }
    if (via.subscribers == 100) {
      std::printf(
          "p99 added delay at 100 subscribers: %.0f µs to leaving torctld, %.0f µs to a "
          "controller's\nread (target at most 1 ms, to leaving torctld): %s\n",
          added.p99_us, added_read.p99_us,
          prompt         ? "met"
          : via.lost > 0 ? "not met (events lost)"
                         : "not met");
    }
  }
  if (losses.empty()) return 0;
  std::fflush(stdout);
  for (const std::string& l : losses) std::fprintf(stderr, "torctld_events_bench: %s\n", l.c_str());
  std::fprintf(stderr, "torctld_events_bench: events were lost%s\n",
               log_summary(torctld_log).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  struct sigaction stop {};
  stop.sa_handler = on_signal;
  ::sigemptyset(&stop.sa_mask);
  ::sigaction(SIGINT, &stop, nullptr);
  ::sigaction(SIGTERM, &stop, nullptr);
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "torctld_events_bench: %s\n", e.what());
    return 1;
  }
}
