// A stand-in for Tor's text control port, for benchmarks that need more events than a
// real Tor can produce (torctld_events_bench). It listens on 127.0.0.1, runs on a thread
// of its own, and answers what the client library sends when it attaches: PROTOCOLINFO
// (offering NULL authentication), AUTHENTICATE, SETEVENTS (whose names it keeps per
// connection), and 250 OK to anything else. On request it sends NOTICE events, numbered
// from 0, to every connection subscribed to NOTICE at that moment: as fast as they are
// taken (in large writes), or paced, each stamped just before its write.
//
// The event lines are `650 NOTICE t=<ns> seq=<n> fan-out bench\r\n`, where <ns> is
// CLOCK_MONOTONIC in nanoseconds (when the line was made) and <n> its number; the text
// after "650 NOTICE " is what parse_notice() reads back.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace torctl::bench {

// CLOCK_MONOTONIC in nanoseconds: the clock of every timestamp here.
std::int64_t monotonic_ns() noexcept;

// Appends one event line as the fake sends it.
void append_notice(std::string& out, std::int64_t stamp, std::uint64_t seq);

// Reads a NOTICE's text (without "650 NOTICE " and line end, or a TC log payload without
// its NUL): true, with its stamp and number, only if it is exactly what append_notice
// wrote.
bool parse_notice(std::string_view text, std::int64_t& stamp, std::uint64_t& seq) noexcept;

class fake_tor {
 public:
  // What the fake did for one request to send events.
  struct emission {
    std::int64_t first_write = 0;  // before the first octet was handed to the kernel
    std::int64_t last_write = 0;   // after the last one was
    std::size_t connections = 0;   // how many connections they were sent to
    std::string failure;           // empty, or why not all were sent (a connection closed)
  };

  // Listens on an ephemeral loopback port and starts the thread. Throws on failure.
  fake_tor();
  // Stops the thread and closes every connection.
  ~fake_tor();
  fake_tor(const fake_tor&) = delete;
  fake_tor& operator=(const fake_tor&) = delete;

  std::uint16_t port() const noexcept { return port_; }

  // Waits until at least `n` connections are subscribed to NOTICE; false at the timeout.
  bool wait_for_subscribers(std::size_t n, int timeout_ms);
  // Starts sending `count` events to every connection subscribed to NOTICE now: at once
  // (per_second == 0), or one every 1/per_second seconds from now. Returns at once;
  // wait() returns when the last octet has been written. One request at a time.
  void start(std::uint64_t count, double per_second);
  emission wait();

  // Every command line received so far, in order (AUTHENTICATE's argument left out).
  std::vector<std::string> commands();

 private:
  struct connection {
    int fd = -1;
    std::string in;   // received, not yet a whole line
    std::string out;  // replies and events, written from out_at on
    std::size_t out_at = 0;
    bool notice = false;     // its last SETEVENTS named NOTICE
    bool target = false;     // the current request sends to it
    std::uint64_t next = 0;  // the current request's next event number for it
  };
  struct job {
    std::uint64_t count = 0;
    std::int64_t period_ns = 0;  // 0: as fast as possible
    std::int64_t next_due = 0;   // paced: when the next event is due
    std::uint64_t sent = 0;      // paced: events made so far
    emission result;
  };

  void loop();
  void accept_all();
  // Reads and answers; false once the peer has closed (or failed).
  bool receive(connection& c);
  void answer(connection& c, std::string_view line);
  // Writes what it can of c.out without blocking; false on a write error.
  bool flush(connection& c);
  void feed_flood(connection& c);
  void feed_paced();
  void finish_if_done();
  void fail_job(const std::string& why);
  void end_job();

  int listen_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd: start() and the destructor wake the thread
  std::uint16_t port_ = 0;
  std::vector<connection> connections_;  // touched only by the thread
  std::optional<job> job_;               // touched only by the thread once taken
  bool job_first_written_ = false;

  std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  bool stop_ = false;
  std::optional<job> requested_;
  std::optional<emission> finished_;
  std::size_t subscribed_ = 0;
  std::vector<std::string> commands_;

  std::thread thread_;
};

}  // namespace torctl::bench
