// Test helper: a TC controller on a blocking socket (every read bounded), for checking
// torctld byte for byte.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "torctl/tc/message.hpp"

namespace torctl::testing {

// A controller on a blocking socket: sends TC messages, reads the server's frames.
class tc_socket {
 public:
  explicit tc_socket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval bound{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~tc_socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  // How long one read waits before read() gives up with type -1 (20 s at first).
  void set_read_bound(std::chrono::milliseconds bound) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(bound).count();
    timeval t{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
  }

  void send_bytes(std::string_view bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void send(const tc::message& m) {
    std::vector<std::uint8_t> wire;
    ASSERT_TRUE(tc::encode_append(m, wire).has_value());
    send_bytes(tc::as_text(wire));
  }
  void send_raw(std::uint16_t type, std::string_view body) {
    std::string wire(4, '\0');
    wire[0] = static_cast<char>(body.size() >> 8);
    wire[1] = static_cast<char>(body.size() & 0xFF);
    wire[2] = static_cast<char>(type >> 8);
    wire[3] = static_cast<char>(type & 0xFF);
    send_bytes(wire + std::string(body));
  }
  // The next frame: its type and body; type -1 at EOF or after the read bound.
  std::pair<int, std::string> read() {
    while (true) {
      if (buffer_.size() >= 4) {
        const auto u = [&](std::size_t i) { return static_cast<unsigned char>(buffer_[i]); };
        const std::size_t n = static_cast<std::size_t>(u(0) << 8 | u(1));
        if (buffer_.size() >= 4 + n) {
          std::pair<int, std::string> f{u(2) << 8 | u(3), buffer_.substr(4, n)};
          buffer_.erase(0, 4 + n);
          return f;
        }
      }
      char chunk[65536];
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) return {-1, {}};
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }
  // Reads what is left until EOF (or the bound).
  std::string rest() {
    std::string all = buffer_;
    char chunk[4096];
    ssize_t got;
    while ((got = ::recv(fd_, chunk, sizeof chunk, 0)) > 0) {
      all.append(chunk, static_cast<std::size_t>(got));
    }
    return all;
  }
  // Shuts down the sending side only: the peer sees the end of the input.
  void shut_down_sending() { ::shutdown(fd_, SHUT_WR); }
  bool closed_by_peer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }
  void authenticate(std::string_view credential = {}) {
    send(tc::authenticate_message{tc::as_bytes(credential)});
    ASSERT_EQ(read().first, 0x0001) << "authentication refused";
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

inline std::uint16_t error_code_of(const std::pair<int, std::string>& frame) {
  if (frame.first != 0 || frame.second.size() < 2) return 0xFFFF;
  return static_cast<std::uint16_t>(static_cast<unsigned char>(frame.second[0]) << 8 |
                                    static_cast<unsigned char>(frame.second[1]));
}

}  // namespace torctl::testing
