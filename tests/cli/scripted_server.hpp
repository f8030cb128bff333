// A control port scripted by a test: it accepts one connection on 127.0.0.1 and plays
// the server's part as the test writes it, to show torctl what no real Tor would send.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

namespace torctl::testing {

// Accepts one connection on 127.0.0.1 and runs `script` on it, on a thread of its own.
// Every read waits at most 10 s, so a script never outlives its test by long.
class scripted_server {
 public:
  using script = std::function<void(scripted_server&)>;
  explicit scripted_server(script s) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, s = std::move(s)] {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) return;
      connection_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection_ >= 0) s(*this);
    });
  }
  ~scripted_server() {
    thread_.join();
    if (connection_ >= 0) ::close(connection_);
    ::close(listener_);
  }
  scripted_server(const scripted_server&) = delete;
  scripted_server& operator=(const scripted_server&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // The next line from the client (without CRLF); empty once it closes or is silent.
  std::string read_line() {
    for (;;) {
      const std::size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      pollfd p{connection_, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) return {};
      char chunk[1024];
      const ssize_t n = ::read(connection_, chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void send(const std::string& text) {
    [[maybe_unused]] const ssize_t n = ::write(connection_, text.data(), text.size());
  }
  // PROTOCOLINFO and AUTHENTICATE as a Tor that needs no authentication answers them.
  void authenticate() {
    read_line();
    send(
        "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"0.4.8.9\"\r\n"
        "250 OK\r\n");
    read_line();
    send("250 OK\r\n");
  }

 private:
  int listener_ = -1;
  int connection_ = -1;
  std::uint16_t port_ = 0;
  std::string buffer_;
  std::thread thread_;
};

}  // namespace torctl::testing
