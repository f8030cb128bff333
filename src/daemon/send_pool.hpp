// The writes of one flush of events, shared between the event loop's thread and a few
// helper threads.
//
// When one event goes to many controllers, torctld's time goes to the kernel: a send on
// loopback TCP also delivers the segment to the reader's socket and wakes the reader, a
// few microseconds each, so on one thread the hundredth controller's frame leaves a
// hundred sends after the first. The pool lets other cores take part: run() hands out
// the sends one at a time to whichever thread is free (the caller included), so a helper
// that is slow to wake costs nothing but its share, and returns once every send is done.
//
// Contract: run() is called from one thread at a time (the event loop). A job is one
// sendmsg that never blocks (MSG_DONTWAIT); what the kernel did not take is the caller's
// to send later. The jobs' sockets and buffers must stay as they are until run() returns;
// the helpers touch nothing else, so the event loop's state needs no locks.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace torctl::daemon {

// Below this many sends in one flush the event loop sends alone: waking a helper costs
// about as much as a few sends.
inline constexpr std::size_t min_shared_sends = 16;
// The most helper threads torctld starts (--send-threads).
inline constexpr std::size_t max_send_helpers = 15;

struct send_job {
  int fd = -1;
  const iovec* pieces = nullptr;
  std::size_t count = 0;  // of pieces, at most IOV_MAX
  std::size_t sent = 0;   // octets the kernel took
  int error = 0;          // errno of a failed send (EAGAIN: the socket's buffer is full)
};

class send_pool {
 public:
  // Starts `helpers` threads (at most max_send_helpers); 0 makes run() send alone.
  explicit send_pool(std::size_t helpers);
  // Stops and joins the helpers.
  ~send_pool();
  send_pool(const send_pool&) = delete;
  send_pool& operator=(const send_pool&) = delete;

  std::size_t helpers() const noexcept { return threads_.size(); }
  // Sends made so far, and how many of them a helper made.
  std::uint64_t sends() const noexcept { return sends_; }
  std::uint64_t helped() const noexcept { return helped_.load(std::memory_order_relaxed); }
  // Sends every job once; returns when all are done.
  void run(std::span<send_job> jobs);
  // One job, on the calling thread.
  static void send(send_job& job) noexcept;

 private:
  send_job* claim(std::uint32_t generation);
  void stop() noexcept;
  void help();

  std::mutex claims_;  // guards the four below
  std::uint32_t round_ = 0;
  send_job* jobs_ = nullptr;
  std::size_t size_ = 0;
  std::size_t next_ = 0;
  std::atomic<std::uint32_t> generation_{0};  // the round helpers are woken for
  std::atomic<std::size_t> finished_{0};      // jobs of the current round done
  std::atomic<bool> stopping_{false};
  std::uint64_t sends_ = 0;  // the caller's thread only
  std::atomic<std::uint64_t> helped_{0};
  std::vector<std::thread> threads_;
};

}  // namespace torctl::daemon
