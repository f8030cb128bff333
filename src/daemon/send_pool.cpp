#include "send_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace torctl::daemon {

namespace {

// A helper keeps looking for the next round this long before it sleeps: in a flood,
// rounds follow each other closely and a sleeping helper is slow to wake.
constexpr std::chrono::microseconds helper_spin{50};

}  // namespace

send_pool::send_pool(std::size_t helpers) {
  helpers = std::min(helpers, max_send_helpers);
  threads_.reserve(helpers);
  try {
    for (std::size_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { help(); });
  } catch (...) {
    stop();  // the threads already started end before the error goes on
    throw;
  }
}

send_pool::~send_pool() {
  stop();
}

void send_pool::stop() noexcept {
  stopping_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void send_pool::send(send_job& job) noexcept {
  msghdr m{};
  m.msg_iov = const_cast<iovec*>(job.pieces);
  m.msg_iovlen = job.count;
  ssize_t n;
  do {
    n = ::sendmsg(job.fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  job.sent = n < 0 ? 0 : static_cast<std::size_t>(n);
  job.error = n < 0 ? errno : 0;
}

void send_pool::run(std::span<send_job> jobs) {
  sends_ += jobs.size();
  if (threads_.empty() || jobs.size() < min_shared_sends) {
    for (send_job& j : jobs) send(j);
    return;
  }
  finished_.store(0, std::memory_order_relaxed);
  std::uint32_t round;
  {
    const std::lock_guard<std::mutex> lock(claims_);
    round = ++round_;
    jobs_ = jobs.data();
    size_ = jobs.size();
    next_ = 0;
  }
  generation_.store(round, std::memory_order_release);
  generation_.notify_all();
  while (send_job* j = claim(round)) {
    send(*j);
    finished_.fetch_add(1, std::memory_order_release);
  }
  // What is left is a send a helper has begun: one system call.
  while (finished_.load(std::memory_order_acquire) < jobs.size()) std::this_thread::yield();
}

// The next job of `round`, or null once they are all taken (or the round is over).
send_job* send_pool::claim(std::uint32_t round) {
  const std::lock_guard<std::mutex> lock(claims_);
  if (round != round_ || next_ >= size_) return nullptr;
  return &jobs_[next_++];
}

void send_pool::help() {
  std::uint32_t seen = 0;
  for (;;) {
    const auto until = std::chrono::steady_clock::now() + helper_spin;
    while (generation_.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
    generation_.wait(seen, std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    while (send_job* j = claim(seen)) {
      send(*j);
      helped_.fetch_add(1, std::memory_order_relaxed);
      finished_.fetch_add(1, std::memory_order_release);
    }
  }
}

}  // namespace torctl::daemon
