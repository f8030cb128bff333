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

#include "events_report.hpp"
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

// Runs that lost events, said at the end: the program then fails.
std::vector<std::string> losses;

void note_loss(const std::string& path, std::size_t subscribers, std::uint64_t lost,
               std::uint64_t frames, const fanout& f) {
  losses.push_back(path + ", " + std::to_string(subscribers) +
                   " subscribers: " + std::to_string(lost) + " of " + std::to_string(frames) +
                   " frames never arrived (first: " + f.first_gap() + ")");
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

  report(s, through, latency, paced, peak_rss);
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
