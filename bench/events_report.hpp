// torctld_events_bench's results: the rows it measures, the settings it ran with, and
// the report it prints (a table, or JSON), with the verdict on the two targets.
// Header-only: one program uses it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace torctl::bench {

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

// Nearest-rank percentiles, in microseconds.
inline percentiles summarize(std::vector<std::int64_t> d) {
  if (d.empty()) return {};
  std::sort(d.begin(), d.end());
  const auto at = [&](double q) {
    const std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(d.size())));
    return static_cast<double>(d[std::min(d.size() - 1, i == 0 ? 0 : i - 1)]) / 1e3;
  };
  return {at(0.50), at(0.99), at(1.0)};
}

// A whole number with thousands separators.
inline std::string number(double v) {
  char digits[32];
  const int n = std::snprintf(digits, sizeof digits, "%.0f", v);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

inline std::string today() {
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

inline void print_table(const std::vector<throughput_row>& through,
                        const std::vector<latency_row>& latency, const settings& s,
                        std::uint64_t paced, long peak_rss) {
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

// What the two targets came to: the delay torctld adds (over the direct path), and
// whether each target was met. A target counts as met only when nothing was lost.
struct verdict {
  percentiles added, added_read;  // to the frame leaving torctld, and to a read of it
  const throughput_row* at_1000 = nullptr;
  bool fast = false, prompt = false;
};

// `latency` holds the run through torctld, then the direct one.
inline verdict judge(const std::vector<throughput_row>& through,
                     const std::vector<latency_row>& latency) {
  const latency_row& via = latency[0];
  const latency_row& straight = latency[1];
  verdict v;
  v.added = {via.arrival.p50_us - straight.arrival.p50_us,
             via.arrival.p99_us - straight.arrival.p99_us, 0};
  v.added_read = {via.read.p50_us - straight.read.p50_us, via.read.p99_us - straight.read.p99_us,
                  0};
  for (const throughput_row& r : through) {
    if (r.label == "through torctld" && r.subscribers == 1000) v.at_1000 = &r;
  }
  v.fast = v.at_1000 != nullptr && v.at_1000->lost == 0 && v.at_1000->frames_per_second() >= 1e6;
  v.prompt = via.lost == 0 && v.added.p99_us <= 1000;
  return v;
}

inline void print_json(const settings& s, const std::vector<throughput_row>& through,
                       const std::vector<latency_row>& latency, const verdict& v, long peak_rss) {
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
      v.added.p50_us, v.added.p99_us, v.added_read.p50_us, v.added_read.p99_us);
  std::printf(
      " \"torctld_peak_rss_kib\": %ld, \"throughput_target_met\": %s, "
      "\"latency_target_met\": %s}\n",
      peak_rss, v.fast ? "true" : "false", v.prompt ? "true" : "false");
}

// The table, then the verdict on each target.
inline void print_text(const settings& s, const std::vector<throughput_row>& through,
                       const std::vector<latency_row>& latency, const verdict& v,
                       std::uint64_t paced, long peak_rss) {
  const latency_row& via = latency[0];
  print_table(through, latency, s, paced, peak_rss);
  if (v.at_1000 != nullptr) {
    std::printf("frames/s to 1,000 subscribers: %s (target at least 1,000,000): %s\n",
                number(v.at_1000->frames_per_second()).c_str(),
                v.fast                ? "met"
                : v.at_1000->lost > 0 ? "not met (events lost)"
                                      : "not met");
  }
  if (via.subscribers == 100) {
    std::printf(
        "p99 added delay at 100 subscribers: %.0f µs to leaving torctld, %.0f µs to a "
        "controller's\nread (target at most 1 ms, to leaving torctld): %s\n",
        v.added.p99_us, v.added_read.p99_us,
        v.prompt       ? "met"
        : via.lost > 0 ? "not met (events lost)"
                       : "not met");
  }
}

// Prints the results, and whether the targets were met: at least 1,000,000 frames a
// second to 1,000 subscribers, and a p99 added delay of at most 1 ms with 100.
inline void report(const settings& s, const std::vector<throughput_row>& through,
                   const std::vector<latency_row>& latency, std::uint64_t paced, long peak_rss) {
  const verdict v = judge(through, latency);
  if (s.json) {
    print_json(s, through, latency, v, peak_rss);
  } else {
    print_text(s, through, latency, v, paced, peak_rss);
  }
}

}  // namespace torctl::bench
