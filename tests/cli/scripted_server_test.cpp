// Servers that are not what torctl expects, scripted here: an HTTP server (connection
// class, 3), and control ports that stop answering or break the protocol after
// authentication (the "anything else" class, 5).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "cli/torctl_runner.hpp"

namespace torctl::testing {
namespace {

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

TEST(TorctlScriptedServers, AnHttpServerIsNotAControlPort) {
  scripted_server server([](scripted_server& s) {
    s.read_line();
    s.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  const torctl_result r = run_torctl({"--control", server.address(), "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, server.address() + " is an HTTP server, not a control port"))
      << r.err;
}

TEST(TorctlScriptedServers, NoAnswerWithinTheCommandTimeoutIsStatusFive) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();  // GETCONF, never answered
    s.read_line();  // until torctl gives up and closes
  });
  const torctl_result r = run_torctl({"--json", "--control", server.address(), "--command-timeout",
                                      "300ms", "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 5) << r.describe();
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["class"], "failure");
  EXPECT_EQ(j["error"]["code"], "timeout");
  EXPECT_TRUE(contains(r.err, "within 300 ms")) << r.err;
}

TEST(TorctlScriptedServers, AReplyThatBreaksTheGrammarIsStatusFive) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();
    s.send("this is not a reply\r\n");
    s.read_line();
  });
  const torctl_result r = run_torctl({"--json", "--control", server.address(), "getconf", "x"});
  EXPECT_EQ(r.status, 5) << r.describe();
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "protocol_error") << r.out;
}

}  // namespace
}  // namespace torctl::testing
