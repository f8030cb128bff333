#include "http_target.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "error.hpp"

namespace torctl::testnet {

namespace {

// How often the server looks at its stop flag while it waits for a connection.
constexpr int accept_poll_milliseconds = 100;
// How long one connection may take to send its request, and to take each part of the
// answer: a client that stops reading cannot hold the server (or its destructor) longer.
constexpr int request_timeout_milliseconds = 10'000;
constexpr timeval send_timeout{10, 0};
// The longest request head read; a GET line and a few headers fit many times over.
constexpr std::size_t request_limit = 8 * 1024;

// Reads until the blank line that ends a request head; false on timeout, close or a
// head longer than request_limit.
bool read_request_head(int connection) {
  std::string head;
  char chunk[1024];
  while (head.find("\r\n\r\n") == std::string::npos) {
    pollfd entry{connection, POLLIN, 0};
    if (::poll(&entry, 1, request_timeout_milliseconds) <= 0) return false;
    const ssize_t got = ::recv(connection, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    head.append(chunk, static_cast<std::size_t>(got));
    if (head.size() > request_limit) return false;
  }
  return head.rfind("GET ", 0) == 0;
}

bool send_all(int connection, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(connection, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string generated_body(std::size_t size, std::uint64_t seed) {
  // xorshift64*: cheap, and every octet depends on its position through the state.
  std::uint64_t state = seed | 1;
  std::string body(size, '\0');
  for (char& c : body) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    c = static_cast<char>((state * 0x2545F4914F6CDD1DULL) >> 56);
  }
  return body;
}

http_target::http_target(std::string body) : body_(std::move(body)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw error("http_target: cannot create a socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  socklen_t size = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, SOMAXCONN) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(listener_);
    throw error("http_target: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

http_target::~http_target() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

void http_target::serve() {
  while (!stopping_) {
    pollfd entry{listener_, POLLIN, 0};
    if (::poll(&entry, 1, accept_poll_milliseconds) <= 0) continue;
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    answer(connection);
    ::close(connection);
  }
}

void http_target::answer(int connection) {
  ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  if (!read_request_head(connection)) return;
  const std::string head =
      "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
      "Content-Length: " +
      std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n";
  if (send_all(connection, head) && send_all(connection, body_)) ++served_;
}

}  // namespace torctl::testnet
