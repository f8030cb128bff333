#include "tcp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "error.hpp"

namespace torctl::testnet {

namespace {

std::string describe_errno(int code) {
  return std::strerror(code);
}

// Rounded up, so that a wait never ends before its deadline.
int milliseconds_until(clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

tcp_socket::tcp_socket(std::uint16_t port, clock::time_point deadline) : port_(port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw error("cannot create a socket: " + describe_errno(errno));
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string where = "127.0.0.1:" + std::to_string(port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS) {
      const int code = errno;
      ::close(fd_);
      fd_ = -1;
      throw error("cannot connect to " + where + ": " + describe_errno(code));
    }
    try {
      wait_for(POLLOUT, deadline, "connecting to " + where);
    } catch (...) {
      ::close(fd_);
      fd_ = -1;
      throw;
    }
    int code = 0;
    socklen_t size = sizeof code;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &code, &size);
    if (code != 0) {
      ::close(fd_);
      fd_ = -1;
      throw error("cannot connect to " + where + ": " + describe_errno(code));
    }
  }
}

tcp_socket::~tcp_socket() {
  if (fd_ >= 0) ::close(fd_);
}

tcp_socket::tcp_socket(tcp_socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(other.port_) {}

tcp_socket& tcp_socket::operator=(tcp_socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
  }
  return *this;
}

bool tcp_socket::ready_for(short events, clock::time_point deadline) const {
  for (;;) {
    pollfd entry{fd_, events, 0};
    const int ready = ::poll(&entry, 1, milliseconds_until(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) throw error(std::string("poll failed: ") + describe_errno(errno));
  }
}

void tcp_socket::wait_for(short events, clock::time_point deadline, std::string_view what) const {
  if (!ready_for(events, deadline)) throw error(std::string(what) + ": timed out");
}

bool tcp_socket::wait_readable(clock::time_point deadline) const {
  return ready_for(POLLIN, deadline);
}

void tcp_socket::send_all(std::string_view data, clock::time_point deadline) {
  send_all({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}, deadline);
}

void tcp_socket::send_all(std::span<const std::uint8_t> data, clock::time_point deadline) {
  const std::string what = "sending to 127.0.0.1:" + std::to_string(port_);
  while (!data.empty()) {
    wait_for(POLLOUT, deadline, what);
    const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (sent < 0) throw error(what + ": " + describe_errno(errno));
    data = data.subspan(static_cast<std::size_t>(sent));
  }
}

std::size_t tcp_socket::receive_some(std::span<std::uint8_t> out, clock::time_point deadline) {
  const std::string what = "reading from 127.0.0.1:" + std::to_string(port_);
  for (;;) {
    wait_for(POLLIN, deadline, what);
    const ssize_t got = ::recv(fd_, out.data(), out.size(), 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got < 0) throw error(what + ": " + describe_errno(errno));
    return static_cast<std::size_t>(got);
  }
}

void tcp_socket::receive_exactly(std::span<std::uint8_t> out, clock::time_point deadline) {
  while (!out.empty()) {
    const std::size_t got = receive_some(out, deadline);
    if (got == 0) {
      throw error("127.0.0.1:" + std::to_string(port_) + " closed the connection early");
    }
    out = out.subspan(got);
  }
}

}  // namespace torctl::testnet
