#include "fake_tor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace torctl::bench {

namespace {

constexpr std::string_view filler = " fan-out bench";
// Flooding makes this many lines at a time (about 250 KiB): large writes, few wake-ups.
constexpr std::uint64_t flood_batch = 4096;
// Command lines kept for commands(): enough to see what a client sends, bounded.
constexpr std::size_t max_logged_commands = 10000;

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if ((x | 0x20) != (y | 0x20)) return false;
  }
  return true;
}

// The next space-separated word of `s` from `at`, which moves past it.
std::string_view next_word(std::string_view s, std::size_t& at) {
  while (at < s.size() && s[at] == ' ') ++at;
  const std::size_t start = at;
  while (at < s.size() && s[at] != ' ') ++at;
  return s.substr(start, at - start);
}

template <class T>
bool read_number(std::string_view s, std::size_t& at, T& value) noexcept {
  const char* begin = s.data() + at;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec != std::errc() || end == begin) return false;
  at += static_cast<std::size_t>(end - begin);
  return true;
}

bool skip(std::string_view s, std::size_t& at, std::string_view expected) noexcept {
  if (s.substr(at, expected.size()) != expected) return false;
  at += expected.size();
  return true;
}

}  // namespace

std::int64_t monotonic_ns() noexcept {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void append_notice(std::string& out, std::int64_t stamp, std::uint64_t seq) {
  // At most 13 + 20 + 5 + 20 + filler + 2 octets: made in place, then cut to size.
  const std::size_t start = out.size();
  out.resize(start + 64 + filler.size());
  char* const begin = out.data() + start;
  char* const end = begin + 64 + filler.size();
  char* p = begin;
  std::memcpy(p, "650 NOTICE t=", 13);
  p = std::to_chars(p + 13, end, stamp).ptr;
  std::memcpy(p, " seq=", 5);
  p = std::to_chars(p + 5, end, seq).ptr;
  std::memcpy(p, filler.data(), filler.size());
  p += filler.size();
  *p++ = '\r';
  *p++ = '\n';
  out.resize(start + static_cast<std::size_t>(p - begin));
}

bool parse_notice(std::string_view text, std::int64_t& stamp, std::uint64_t& seq) noexcept {
  std::size_t at = 0;
  return skip(text, at, "t=") && read_number(text, at, stamp) && skip(text, at, " seq=") &&
         read_number(text, at, seq) && text.substr(at) == filler;
}

fake_tor::fake_tor() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
    const std::string why = std::strerror(errno);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("fake Tor: cannot listen: " + why);
  }
  port_ = ntohs(a.sin_port);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fake Tor: eventfd failed");
  }
  thread_ = std::thread([this] { loop(); });
}

fake_tor::~fake_tor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  for (connection& c : connections_) ::close(c.fd);
  ::close(listen_fd_);
  ::close(wake_fd_);
}

bool fake_tor::wait_for_subscribers(std::size_t n, int timeout_ms) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return subscribed_ >= n; });
}

void fake_tor::start(std::uint64_t count, double per_second) {
  job j;
  j.count = count;
  j.period_ns = per_second > 0 ? static_cast<std::int64_t>(1e9 / per_second) : 0;
  {
    std::lock_guard lock(mutex_);
    requested_ = j;
    finished_.reset();
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
}

fake_tor::emission fake_tor::wait() {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds(60), [&] { return finished_.has_value(); })) {
    emission e;
    e.failure = "the fake Tor could not write its events within 60 s";
    return e;
  }
  return *finished_;
}

std::vector<std::string> fake_tor::commands() {
  std::lock_guard lock(mutex_);
  return commands_;
}

void fake_tor::loop() {
  // Paced events should leave when due, not up to the default 50 µs of timer slack later.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::vector<pollfd> polled;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
      if (requested_ && !job_) {
        job_ = *requested_;
        requested_.reset();
        job_first_written_ = false;
        for (connection& c : connections_) {
          c.target = c.notice;
          c.next = 0;
          if (c.target) ++job_->result.connections;
        }
        job_->next_due = monotonic_ns();
      }
    }
    if (job_ && job_->result.connections == 0) {
      fail_job("no connection was subscribed to NOTICE");
    }
    if (job_ && job_->period_ns == 0) {
      for (connection& c : connections_) {
        if (c.target) feed_flood(c);
      }
    }
    if (job_ && job_->period_ns != 0) feed_paced();
    finish_if_done();

    polled.assign(2 + connections_.size(), pollfd{});
    polled[0] = {wake_fd_, POLLIN, 0};
    polled[1] = {listen_fd_, POLLIN, 0};
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      const connection& c = connections_[i];
      const bool writing = c.out_at < c.out.size();
      polled[2 + i] = {c.fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    }
    timespec wait{};
    timespec* timeout = nullptr;
    if (job_ && job_->period_ns != 0) {
      const std::int64_t left = std::max<std::int64_t>(0, job_->next_due - monotonic_ns());
      wait.tv_sec = static_cast<time_t>(left / 1'000'000'000);
      wait.tv_nsec = static_cast<long>(left % 1'000'000'000);
      timeout = &wait;
    }
    if (::ppoll(polled.data(), polled.size(), timeout, nullptr) < 0 && errno != EINTR) return;

    if ((polled[0].revents & POLLIN) != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto ignored = ::read(wake_fd_, &count, sizeof count);
    }
    bool lost = false;
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      connection& c = connections_[i];
      const short revents = polled[2 + i].revents;
      bool alive = true;
      if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) alive = receive(c);
      if (alive && (revents & POLLOUT) != 0) alive = flush(c);
      if (!alive) {
        if (c.target && job_) fail_job("a connection closed before all events were written");
        ::close(c.fd);
        c.fd = -1;
        lost = true;
      }
    }
    if (lost) std::erase_if(connections_, [](const connection& c) { return c.fd < 0; });
    if ((polled[1].revents & POLLIN) != 0) accept_all();

    std::size_t subscribed = 0;
    for (const connection& c : connections_) subscribed += c.notice ? 1 : 0;
    std::lock_guard lock(mutex_);
    if (subscribed != subscribed_) {
      subscribed_ = subscribed;
      changed_.notify_all();
    }
  }
}

void fake_tor::accept_all() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connection c;
    c.fd = fd;
    connections_.push_back(std::move(c));
  }
}

bool fake_tor::receive(connection& c) {
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.in.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = c.in.find('\n', start)) != std::string::npos; start = end + 1) {
      std::string_view line(c.in.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      answer(c, line);
    }
    c.in.erase(0, start);
    if (!flush(c)) return false;
  }
}

void fake_tor::answer(connection& c, std::string_view line) {
  std::size_t at = 0;
  const std::string_view keyword = next_word(line, at);
  {
    std::lock_guard lock(mutex_);
    if (commands_.size() < max_logged_commands) {
      // AUTHENTICATE carries a secret; the rest is harmless.
      commands_.emplace_back(equal_ignoring_case(keyword, "AUTHENTICATE") ? keyword : line);
    }
  }
  if (equal_ignoring_case(keyword, "PROTOCOLINFO")) {
    c.out +=
        "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"0.4.9.0\"\r\n"
        "250 OK\r\n";
  } else if (equal_ignoring_case(keyword, "SETEVENTS")) {
    c.notice = false;
    for (std::string_view name = next_word(line, at); !name.empty(); name = next_word(line, at)) {
      if (equal_ignoring_case(name, "NOTICE")) c.notice = true;
    }
    c.out += "250 OK\r\n";
  } else if (equal_ignoring_case(keyword, "GETINFO")) {
    std::string reply;
    for (std::string_view key = next_word(line, at); !key.empty(); key = next_word(line, at)) {
      if (key != "version") {
        c.out += "552 Unrecognized key \"" + std::string(key) + "\"\r\n";
        return;
      }
      reply += "250-version=0.4.9.0\r\n";
    }
    c.out += reply + "250 OK\r\n";
  } else {
    c.out += "250 OK\r\n";  // AUTHENTICATE, and whatever else: accepted
  }
}

bool fake_tor::flush(connection& c) {
  while (c.out_at < c.out.size()) {
    if (c.target && job_ && !job_first_written_) {
      job_first_written_ = true;
      job_->result.first_write = monotonic_ns();
    }
    const ssize_t n =
        ::send(c.fd, c.out.data() + c.out_at, c.out.size() - c.out_at, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.out_at += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out_at = 0;
  return true;
}

void fake_tor::feed_flood(connection& c) {
  // A new batch only once the last one is in the kernel: the socket's buffer keeps the
  // reader busy meanwhile, and no line is split across batches.
  while (job_ && c.next < job_->count && c.out_at == c.out.size()) {
    const std::uint64_t end = std::min(job_->count, c.next + flood_batch);
    const std::int64_t stamp = monotonic_ns();
    for (; c.next < end; ++c.next) append_notice(c.out, stamp, c.next);
    if (!flush(c)) return;  // the loop's next read of it finds the closed connection
  }
}

void fake_tor::feed_paced() {
  while (job_->sent < job_->count && monotonic_ns() >= job_->next_due) {
    for (connection& c : connections_) {
      if (!c.target) continue;
      append_notice(c.out, monotonic_ns(), job_->sent);  // stamped just before its write
      flush(c);
      c.next = job_->sent + 1;
    }
    ++job_->sent;
    job_->next_due += job_->period_ns;
  }
}

void fake_tor::finish_if_done() {
  if (!job_) return;
  for (const connection& c : connections_) {
    if (c.target && (c.next < job_->count || c.out_at < c.out.size())) return;
  }
  end_job();
}

void fake_tor::fail_job(const std::string& why) {
  if (!job_) return;
  job_->result.failure = why;
  end_job();
}

// Hands the job's result to the waiting caller and stops sending.
void fake_tor::end_job() {
  job_->result.last_write = monotonic_ns();
  std::lock_guard lock(mutex_);
  finished_ = job_->result;
  job_.reset();
  for (connection& c : connections_) c.target = false;
  changed_.notify_all();
}

}  // namespace torctl::bench
