#include "client/scripted_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace torctl::testing {

namespace {

// Bound on any one read by a script.
constexpr int read_bound_ms = 10000;

}  // namespace

std::string frame_bytes(const tc::message& m) {
  std::vector<std::uint8_t> wire;
  if (!tc::encode_append(m, wire)) throw std::logic_error("test message does not encode");
  return {wire.begin(), wire.end()};
}

peer_session::~peer_session() {
  close();
}

void peer_session::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool peer_session::fill() {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, read_bound_ms) <= 0) return false;
  char chunk[65536];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> peer_session::read_line() {
  for (;;) {
    const std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!fill()) return std::nullopt;
  }
}

std::optional<client::tc_frame> peer_session::read_frame() {
  for (;;) {
    if (buffer_.size() >= 4) {
      const auto u = [&](std::size_t i) { return static_cast<unsigned char>(buffer_[i]); };
      const std::size_t length = static_cast<std::size_t>(u(0) << 8 | u(1));
      if (buffer_.size() >= 4 + length) {
        client::tc_frame f;
        f.type = static_cast<std::uint16_t>(u(2) << 8 | u(3));
        f.body.assign(buffer_.begin() + 4, buffer_.begin() + static_cast<long>(4 + length));
        buffer_.erase(0, 4 + length);
        return f;
      }
    }
    if (!fill()) return std::nullopt;
  }
}

void peer_session::send(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void peer_session::send(const tc::message& m) {
  send(frame_bytes(m));
}

bool peer_session::wait_for_close() {
  while (fill()) buffer_.clear();
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) < 0) return false;
  char c;
  return ::recv(fd_, &c, 1, MSG_DONTWAIT) == 0;
}

scripted_peer::scripted_peer(script per_connection) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("scripted_peer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this, run = std::move(per_connection)] {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      peer_session session(fd);
      run(session);
    }
  });
}

scripted_peer::~scripted_peer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

}  // namespace torctl::testing
