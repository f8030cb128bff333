// The reading side of torctld_events_bench: every subscriber's socket on one epoll set,
// each frame (or, for the direct reader, line) checked against what the fake Tor sent,
// and the delays of a latency run. Header-only: one program uses it.
#pragma once

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_tor.hpp"

namespace torctl::bench {

// Set by SIGINT and SIGTERM: the reading loops then fail, so that torctld is stopped and
// the temporary directory removed as on any failure.
inline volatile std::sig_atomic_t interrupted = 0;

// Failures throw, so that the benchmark's torctld and directory are cleaned up.
[[noreturn]] inline void fail_run(const std::string& why) {
  throw std::runtime_error(why);
}

// A latency run's samples, one per (subscriber, event), in nanoseconds after the fake
// Tor's stamp: when this program's read returned it, and when the kernel queued the
// segment that carried it to the socket (SO_TIMESTAMPNS). On loopback the kernel queues
// during the sender's write, so `arrival` is when the frame left torctld, free of this
// reader's wake-up and of its reading 100 sockets one after another; `read` is what a
// controller sees. A read that takes several segments has the last one's time, which
// can only overstate. A Unix socket's reads carry no receive time: there `arrival` is the
// read's time.
struct delay_samples {
  std::vector<std::int64_t> read;
  std::vector<std::int64_t> arrival;
  std::vector<std::uint32_t> subscriber;  // whose sample each is
};

// The smallest and the largest of the subscribers' median `arrival` delays, in µs: how
// long the frames of the first and of the last subscriber torctld writes to take.
inline std::pair<double, double> arrival_spread(const delay_samples& d, std::size_t subscribers) {
  std::vector<std::vector<std::int64_t>> each(subscribers);
  for (std::size_t i = 0; i < d.arrival.size(); ++i) each[d.subscriber[i]].push_back(d.arrival[i]);
  double low = 0, high = 0;
  for (std::size_t i = 0; i < subscribers; ++i) {
    std::vector<std::int64_t>& v = each[i];
    if (v.empty()) continue;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    const double median = static_cast<double>(v[v.size() / 2]) / 1e3;
    low = i == 0 ? median : std::min(low, median);
    high = i == 0 ? median : std::max(high, median);
  }
  return {low, high};
}

// Every subscriber's socket, read by this thread through one epoll set with large reads
// into one shared buffer; a frame or line cut by a read waits in its subscriber's `rest`.
// Each subscriber must receive exactly events 0 .. expected-1 of the fake, in order.
class fanout {
 public:
  // `samples`, when given, receives every event's delays.
  fanout(std::uint64_t expected, delay_samples* samples)
      : expected_(expected), samples_(samples), buffer_(read_size + max_frame) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) fail_run("epoll_create1 failed");
    // The kernel stamps with CLOCK_REALTIME; the fake with CLOCK_MONOTONIC.
    timespec real{};
    const std::int64_t before = monotonic_ns();
    ::clock_gettime(CLOCK_REALTIME, &real);
    const std::int64_t after = monotonic_ns();
    realtime_offset_ = static_cast<std::int64_t>(real.tv_sec) * 1'000'000'000 + real.tv_nsec -
                       (before + (after - before) / 2);
  }
  ~fanout() {
    for (const subscriber& s : subscribers_) ::close(s.fd);
    ::close(epoll_);
  }
  fanout(const fanout&) = delete;
  fanout& operator=(const fanout&) = delete;

  // Takes a connected socket. A TC subscriber owes two DONEs (AUTHENTICATE, SETEVENTS)
  // before its events; a text subscriber has had its replies already.
  void add(int fd, bool tc) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int on = 1;
    if (samples_ != nullptr && ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
      fail_run("SO_TIMESTAMPNS refused");
    }
    subscriber s;
    s.fd = fd;
    s.tc = tc;
    s.replies_due = tc ? 2 : 0;
    if (!tc) ++ready_;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = subscribers_.size();
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e) != 0) fail_run("epoll_ctl failed");
    subscribers_.push_back(std::move(s));
  }
  std::size_t size() const noexcept { return subscribers_.size(); }
  // Events that never reached a subscriber, summed over the subscribers, and where the
  // first gap was.
  std::uint64_t lost() const noexcept { return lost_; }
  const std::string& first_gap() const noexcept { return first_gap_; }

  // Reads until every subscriber has had its replies. `d` (the benchmark's torctld, or
  // null) is checked to be alive while nothing arrives.
  template <class Process>
  void wait_ready(Process* d) {
    read_until([this] { return ready_ == subscribers_.size(); }, d, "the DONEs");
  }
  // Reads until every subscriber has every event; the time of the read that ended it.
  template <class Process>
  std::int64_t wait_complete(Process* d) {
    read_until([this] { return complete_ == subscribers_.size(); }, d, "all events");
    return completed_at_;
  }
  // Reads for `ms` more: anything that arrives now is an extra frame (read() throws).
  void expect_silence(int ms) {
    const std::int64_t until = monotonic_ns() + std::int64_t{ms} * 1'000'000;
    for (std::int64_t now; (now = monotonic_ns()) < until;) {
      pump(static_cast<int>((until - now) / 1'000'000) + 1);
    }
  }

 private:
  static constexpr std::size_t read_size = std::size_t{1} << 20;
  static constexpr std::size_t max_frame = 4 + 65535;
  // Nothing read for this long while something is due: the run has failed.
  static constexpr int idle_limit_ms = 20000;

  struct subscriber {
    int fd = -1;
    bool tc = true;
    int replies_due = 0;
    std::uint64_t next = 0;  // the number of the event due next
    std::string rest;
  };

  template <class Done, class Process>
  void read_until(Done done, Process* d, const char* what) {
    std::int64_t last_progress = monotonic_ns();
    while (!done()) {
      if (interrupted != 0) fail_run("interrupted");
      if (pump(1000) > 0) {
        last_progress = monotonic_ns();
      } else if (monotonic_ns() - last_progress > std::int64_t{idle_limit_ms} * 1'000'000) {
        fail_run("nothing arrived for " + std::to_string(idle_limit_ms / 1000) +
                 " s while waiting " + "for " + what + ": " + progress());
      } else if (d != nullptr) {
        d->check_alive();
      }
    }
  }

  std::string progress() const {
    std::uint64_t low = expected_, high = 0;
    for (const subscriber& s : subscribers_) {
      low = std::min(low, s.next);
      high = std::max(high, s.next);
    }
    return std::to_string(ready_) + " of " + std::to_string(subscribers_.size()) +
           " subscribers ready, " + std::to_string(complete_) + " complete; events received " +
           "per subscriber from " + std::to_string(low) + " to " + std::to_string(high) + " of " +
           std::to_string(expected_);
  }

  // One epoll_wait and a read of each ready socket; returns the octets read.
  std::size_t pump(int timeout_ms) {
    epoll_event ready[1024];
    const int n = ::epoll_wait(epoll_, ready, 1024, timeout_ms);
    if (n < 0 && errno != EINTR) fail_run("epoll_wait failed");
    std::size_t total = 0;
    for (int i = 0; i < n; ++i) total += read(ready[i].data.u64);
    return total;
  }

  std::size_t read(std::size_t index) {
    subscriber& s = subscribers_[index];
    const std::size_t kept = s.rest.size();
    std::memcpy(buffer_.data(), s.rest.data(), kept);
    iovec into{buffer_.data() + kept, read_size};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr m{};
    m.msg_iov = &into;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = samples_ != nullptr ? sizeof control : 0;
    const ssize_t n = ::recvmsg(s.fd, &m, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return 0;
      fail_run("subscriber " + std::to_string(index) + ": read: " + std::strerror(errno));
    }
    if (n == 0) {
      fail_run("subscriber " + std::to_string(index) + " was disconnected by torctld after " +
               std::to_string(s.next) + " of " + std::to_string(expected_) + " events");
    }
    const std::int64_t now = monotonic_ns();
    std::int64_t arrived = now;
    if (samples_ != nullptr) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec t{};
          std::memcpy(&t, CMSG_DATA(c), sizeof t);
          arrived =
              static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec - realtime_offset_;
        }
      }
    }
    const std::size_t size = kept + static_cast<std::size_t>(n);
    const std::size_t used =
        s.tc ? frames(index, s, size, now, arrived) : lines(index, s, size, now, arrived);
    s.rest.assign(reinterpret_cast<const char*>(buffer_.data()) + used, size - used);
    return static_cast<std::size_t>(n);
  }

  // Consumes the whole TC frames at the front of the buffer; returns the octets used.
  std::size_t frames(std::size_t index, subscriber& s, std::size_t size, std::int64_t now,
                     std::int64_t arrived) {
    const std::uint8_t* p = buffer_.data();
    std::size_t at = 0;
    while (size - at >= 4) {
      const std::size_t length = std::size_t{p[at]} << 8 | p[at + 1];
      const unsigned type = unsigned{p[at + 2]} << 8 | p[at + 3];
      if (size - at - 4 < length) break;
      const std::uint8_t* body = p + at + 4;
      at += 4 + length;
      if (s.replies_due > 0) {
        if (type != 0x0001 || length != 0) fault(index, s, "expected DONE", type, body, length);
        if (--s.replies_due == 0) ++ready_;
        continue;
      }
      // EVENT: code 0x0005 (log message), the text, a NUL.
      if (type != 0x0006 || length < 3 || body[0] != 0 || body[1] != 0x05 ||
          body[length - 1] != 0) {
        fault(index, s, "expected EVENT of a log message", type, body, length);
      }
      const std::string_view text(reinterpret_cast<const char*>(body) + 2, length - 3);
      event(index, s, text, now, arrived);
    }
    return at;
  }

  // Consumes the whole text lines at the front of the buffer; returns the octets used.
  std::size_t lines(std::size_t index, subscriber& s, std::size_t size, std::int64_t now,
                    std::int64_t arrived) {
    const std::string_view all(reinterpret_cast<const char*>(buffer_.data()), size);
    std::size_t at = 0;
    for (std::size_t end; (end = all.find("\r\n", at)) != std::string_view::npos; at = end + 2) {
      const std::string_view line = all.substr(at, end - at);
      if (line.substr(0, 11) != "650 NOTICE ")
        fail_run("direct reader: unexpected line " + std::string(line.substr(0, 80)));
      event(index, s, line.substr(11), now, arrived);
    }
    return at;
  }

  void event(std::size_t index, subscriber& s, std::string_view text, std::int64_t now,
             std::int64_t arrived) {
    std::int64_t stamp = 0;
    std::uint64_t seq = 0;
    if (!parse_notice(text, stamp, seq)) {
      fail_run("subscriber " + std::to_string(index) + ": event " + std::to_string(s.next) +
               " has a text the fake Tor did not send: \"" + std::string(text.substr(0, 80)) +
               "\"");
    }
    if (seq < s.next || seq >= expected_) {
      fail_run("subscriber " + std::to_string(index) + ": expected event " +
               std::to_string(s.next) + ", received event " + std::to_string(seq) +
               (seq < s.next ? " (out of order or repeated)" : " (never sent)"));
    }
    // A gap is counted, not fatal at once, so that a run that loses events still says
    // how much it delivered and how fast; the program fails at its end (lost()).
    if (seq > s.next) {
      if (lost_ == 0) {
        first_gap_ = "subscriber " + std::to_string(index) + " received event " +
                     std::to_string(seq) + " after " + std::to_string(s.next - 1);
      }
      lost_ += seq - s.next;
    }
    s.next = seq + 1;
    if (samples_ != nullptr) {
      samples_->read.push_back(now - stamp);
      samples_->arrival.push_back(arrived - stamp);
      samples_->subscriber.push_back(static_cast<std::uint32_t>(index));
    }
    if (s.next == expected_) {
      ++complete_;
      completed_at_ = now;
    }
  }

  [[noreturn]] void fault(std::size_t index, const subscriber& s, const char* expected,
                          unsigned type, const std::uint8_t* body, std::size_t length) {
    char head[64];
    std::snprintf(head, sizeof head, ", received type 0x%04x with %zu octets", type, length);
    std::string why = "subscriber " + std::to_string(index) + " after " + std::to_string(s.next) +
                      " events: " + expected + head;
    if (type == 0x0000 && length >= 2) {  // ERROR: code and text
      std::snprintf(head, sizeof head, ": ERROR 0x%02x%02x ", body[0], body[1]);
      why += head + std::string(reinterpret_cast<const char*>(body) + 2, length - 2);
    }
    fail_run(why);
  }

  std::uint64_t expected_;
  delay_samples* samples_;
  std::int64_t realtime_offset_ = 0;  // CLOCK_REALTIME minus CLOCK_MONOTONIC
  std::vector<std::uint8_t> buffer_;
  std::vector<subscriber> subscribers_;
  std::size_t ready_ = 0;
  std::size_t complete_ = 0;
  std::int64_t completed_at_ = 0;
  std::uint64_t lost_ = 0;
  std::string first_gap_;
  int epoll_ = -1;
};

}  // namespace torctl::bench
