// A blocking TCP connection to a port on 127.0.0.1, with a bound on every wait: connect,
// send and receive each take a deadline and throw error when it passes, so no caller can
// hang on a peer that stopped answering.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace torctl::testnet {

using clock = std::chrono::steady_clock;

class tcp_socket {
 public:
  // Connects to 127.0.0.1:port before `deadline`. Throws error if the port refuses, or on
  // timeout.
  tcp_socket(std::uint16_t port, clock::time_point deadline);
  ~tcp_socket();
  tcp_socket(tcp_socket&& other) noexcept;
  tcp_socket& operator=(tcp_socket&& other) noexcept;
  tcp_socket(const tcp_socket&) = delete;
  tcp_socket& operator=(const tcp_socket&) = delete;

  // Sends every octet before `deadline`, or throws error.
  void send_all(std::string_view data, clock::time_point deadline);
  void send_all(std::span<const std::uint8_t> data, clock::time_point deadline);

  // Waits until some input arrives, then reads up to `out.size()` octets. Returns 0 when
  // the peer has closed the connection; throws error on timeout or a socket error.
  std::size_t receive_some(std::span<std::uint8_t> out, clock::time_point deadline);

  // Waits until input (or the peer's close) is ready to be read; false if `deadline`
  // passes first.
  bool wait_readable(clock::time_point deadline) const;

  // Fills `out` completely, or throws error (timeout, or the peer closed first).
  void receive_exactly(std::span<std::uint8_t> out, clock::time_point deadline);

  std::uint16_t port() const noexcept { return port_; }

 private:
  // Waits for `events` (POLLIN, POLLOUT) until `deadline`; false on timeout. Throws
  // error if poll fails.
  bool ready_for(short events, clock::time_point deadline) const;
  // As ready_for, but throws error naming `what` on timeout.
  void wait_for(short events, clock::time_point deadline, std::string_view what) const;

  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace torctl::testnet
