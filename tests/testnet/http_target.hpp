// A small HTTP/1.0 server on 127.0.0.1 for stream tests: it listens on a free port and
// answers every GET with the same body, then closes the connection. It runs on a thread
// of its own from construction to destruction; the destructor stops it, whatever state a
// connection is in, within a bounded time.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

namespace torctl::testnet {

// `size` octets of deterministic pseudo-random content: the same for the same seed, and
// unlike any text, so that a shifted, repeated or truncated copy never compares equal.
std::string generated_body(std::size_t size, std::uint64_t seed);

class http_target {
 public:
  // Starts serving `body`. Throws testnet::error if no port can be opened.
  explicit http_target(std::string body);
  ~http_target();
  http_target(const http_target&) = delete;
  http_target& operator=(const http_target&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  const std::string& body() const noexcept { return body_; }
  // Requests answered in full so far.
  int requests_served() const noexcept { return served_.load(); }

 private:
  void serve();
  void answer(int connection);

  std::string body_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace torctl::testnet
