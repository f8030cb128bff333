// client_bench's minimal clients, the floors torctl is measured against: the raw client on
// a blocking socket, the same waiting in epoll (no Asio), and the same work on an Asio
// event loop (no library). Each writes GETINFO commands and counts "250 OK" lines, nothing
// more. Header-only: one program uses it.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "../src/auth/encoding.hpp"
#include "round_trips.hpp"
#include "torctl/auth/cookie.hpp"

namespace torctl::bench {

// Counts replies ended by "250 OK\r\n" across reads that may split that line.
class ok_counter {
 public:
  // The replies that `chunk` completes.
  std::size_t feed(std::string_view chunk) {
    static constexpr std::string_view end = "250 OK\r\n";
    tail_.append(chunk);
    std::size_t seen = 0, at = 0;
    while ((at = tail_.find(end, at)) != std::string::npos) {
      ++seen;
      at += end.size();
    }
    const std::size_t keep = std::min(tail_.size(), end.size() - 1);
    tail_.erase(0, tail_.size() - keep);
    return seen;
  }

 private:
  std::string tail_;
};

// As torctl does while replies are due (src/client/link.cpp says why): without it every
// client stalls on delayed ACKs, and the comparison would measure that instead.
inline void ask_quick_ack(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

// ---- the raw socket client ----

// How the raw client waits for a reply: in recv on a blocking socket, or in epoll_wait
// with the socket non-blocking (recv until it would block, then wait, then recv again).
enum class waiting : bool { blocking, epoll };

class raw_client {
 public:
  raw_client(int port, const std::string& cookie_file, waiting how = waiting::blocking) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("raw: connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto cookie = torctl::auth::read_cookie_file(cookie_file);
    if (!cookie) die(cookie.error().message);
    send("AUTHENTICATE " + torctl::auth::encoding::to_hex(cookie->view()) + "\r\n");
    if (count_ok(1) != 1) die("raw: authentication failed");
    if (how == waiting::epoll) wait_in_epoll();
  }
  ~raw_client() {
    ::close(fd_);
    if (epoll_ >= 0) ::close(epoll_);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  void send(std::string_view s) {
    std::size_t sent = 0;
    while (sent < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + sent, s.size() - sent, 0);
      if (n <= 0) die("raw: send");
      sent += static_cast<std::size_t>(n);
    }
  }
  // With a window, each read first polls (non-blocking reads, yielding between them) for
  // that long before it blocks: the same trade client::run_polling_until makes.
  void set_polling(std::chrono::microseconds window) { polling_ = window; }

  // Reads until `n` replies ended by "250 OK\r\n" have come.
  std::size_t count_ok(std::size_t n) {
    std::size_t seen = 0;
    while (seen < n) {
      char buffer[65536];
      const ssize_t got = receive(buffer, sizeof buffer);
      if (got <= 0) die("raw: recv");
      if (seen + 1 < n) ask_quick_ack(fd_);
      seen += ok_.feed({buffer, static_cast<std::size_t>(got)});
    }
    return seen;
  }

 private:
  ssize_t receive(char* buffer, std::size_t size) {
    if (polling_.count() > 0) {
      const auto until = std::chrono::steady_clock::now() + polling_;
      do {
        const ssize_t got = ::recv(fd_, buffer, size, MSG_DONTWAIT);
        if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return got;
        std::this_thread::yield();
      } while (std::chrono::steady_clock::now() < until);
    }
    if (epoll_ < 0) return ::recv(fd_, buffer, size, 0);
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, size, 0);
      if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return got;
      epoll_event ready{};
      if (::epoll_wait(epoll_, &ready, 1, -1) < 0 && errno != EINTR) return -1;
    }
  }

  // The socket made non-blocking and registered edge-triggered for input, as Asio does.
  void wait_in_epoll() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event interest{};
    interest.events = EPOLLIN | EPOLLET;
    if (epoll_ < 0 || ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK) != 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd_, &interest) != 0) {
      die("epoll client: cannot set up epoll");
    }
  }

  int fd_ = -1;
  int epoll_ = -1;
  ok_counter ok_;
  std::chrono::microseconds polling_{0};
};

inline double raw_sequential(raw_client& c, std::size_t n) {
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    c.send("GETINFO version\r\n");
    c.count_ok(1);
  }
  return per_second(n, start);
}

// `n` round trips in batches of `batch` (the last one smaller).
inline double raw_pipelined(raw_client& c, std::size_t n, std::size_t batch) {
  std::string commands;
  for (std::size_t i = 0; i < batch; ++i) commands += "GETINFO version\r\n";
  const std::string_view one = "GETINFO version\r\n";
  const auto start = clock_type::now();
  for (std::size_t done = 0; done < n;) {
    const std::size_t now = std::min(batch, n - done);
    c.send(std::string_view(commands).substr(0, now * one.size()));
    c.count_ok(now);
    done += now;
  }
  return per_second(n, start);
}

// ---- the minimal event-loop client ----

// What an event loop costs by itself: the raw client's work done the way torctl's
// connection does its I/O, in a coroutine on this process's Asio event loop. A command is
// written at once from the non-blocking socket (the rest, if any, waits for room), and
// replies are awaited with async_read_some, which tries the socket and then waits for it
// in epoll. Nothing of a library is on top: no parsing into values, no queue of pending
// commands, no completions.
class loop_client {
 public:
  loop_client(asio::io_context& io, int port, const std::string& cookie_file) : socket_(io) {
    socket_.connect({asio::ip::address_v4::loopback(), static_cast<std::uint16_t>(port)});
    socket_.set_option(asio::ip::tcp::no_delay(true));
    auto cookie = torctl::auth::read_cookie_file(cookie_file);
    if (!cookie) die(cookie.error().message);
    const std::string authenticate =
        "AUTHENTICATE " + torctl::auth::encoding::to_hex(cookie->view()) + "\r\n";
    asio::write(socket_, asio::buffer(authenticate));
    std::size_t seen = 0;
    while (seen == 0) {
      const std::size_t got = socket_.read_some(asio::buffer(buffer_));
      seen = ok_.feed({buffer_.data(), got});
    }
    socket_.non_blocking(true);
  }

  asio::awaitable<double> sequential(std::size_t n) {
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) {
      co_await send(one_command);
      co_await count_ok(1);
    }
    co_return per_second(n, start);
  }

  // `n` round trips in batches of `batch` (the last one smaller).
  asio::awaitable<double> pipelined(std::size_t n, std::size_t batch) {
    std::string commands;
    for (std::size_t i = 0; i < batch; ++i) commands += one_command;
    const auto start = clock_type::now();
    for (std::size_t done = 0; done < n;) {
      const std::size_t now = std::min(batch, n - done);
      co_await send(std::string_view(commands).substr(0, now * one_command.size()));
      co_await count_ok(now);
      done += now;
    }
    co_return per_second(n, start);
  }

 private:
  static constexpr std::string_view one_command = "GETINFO version\r\n";

  asio::awaitable<void> send(std::string_view s) {
    std::error_code ec;
    const std::size_t sent = socket_.write_some(asio::buffer(s), ec);
    if (ec && ec != asio::error::would_block) die("event loop client: send: " + ec.message());
    if (sent < s.size()) {
      co_await asio::async_write(socket_, asio::buffer(s.substr(sent)), asio::use_awaitable);
    }
  }

  asio::awaitable<void> count_ok(std::size_t n) {
    std::size_t seen = 0;
    while (seen < n) {
      const std::size_t got =
          co_await socket_.async_read_some(asio::buffer(buffer_), asio::use_awaitable);
      if (seen + 1 < n) ask_quick_ack(socket_.native_handle());
      seen += ok_.feed({buffer_.data(), got});
    }
  }

  asio::ip::tcp::socket socket_;
  std::array<char, 65536> buffer_;
  ok_counter ok_;
};

}  // namespace torctl::bench
