// Running an io_context with busy polling, for callers to whom a round trip's latency
// matters more than CPU time.
//
// An event loop that sleeps in epoll_wait as soon as it has nothing to do pays, on every
// reply, for a wakeup of its thread and one system call more than a client blocked in
// read(); on a virtual machine that is most of a local round trip's cost to the client.
// These loops instead keep polling for `window` after the last handler ran (yielding the
// processor between polls, so that a server on the same core goes first) and sleep only
// when nothing came in that time. They spend CPU only while there is traffic: an idle
// loop sleeps. A window of zero is plain run() / run_one().
#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <thread>

namespace torctl::client {

// Runs `io` until it is stopped or out of work, as io_context::run does.
void run_polling(asio::io_context& io, std::chrono::microseconds window);

// Runs `io`'s handlers until `done()` is true (checked after each handler with a window
// of zero, after each round of ready handlers otherwise); false if `io` was stopped or
// ran out of work first, and then, as after run(), `io` needs restart() to run again.
template <class Done>
bool run_polling_until(asio::io_context& io, std::chrono::microseconds window, Done done) {
  if (window.count() == 0) {
    while (!done()) {
      if (io.stopped() || io.run_one() == 0) return done();
    }
    return true;
  }
  using clock = std::chrono::steady_clock;
  auto last_work = clock::now();
  while (!done()) {
    if (io.stopped()) return false;
    if (io.poll() > 0) {
      last_work = clock::now();
    } else if (clock::now() - last_work >= window) {
      if (io.run_one() == 0) return done();
      last_work = clock::now();
    } else {
      std::this_thread::yield();
    }
  }
  return true;
}

}  // namespace torctl::client
