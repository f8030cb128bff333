// Passwords typed at a terminal: torctl runs on a pseudo-terminal of its own, prompts,
// turns echo off while the password is typed, and asks twice before hashing a new one.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "cli/scripted_server.hpp"
#include "cli/torctl_runner.hpp"
#include "support/tor_process.hpp"

namespace torctl::testing {
namespace {

using clock = std::chrono::steady_clock;

// torctl on the slave side of a pseudo-terminal; the test holds the master side.
class terminal_session {
 public:
  explicit terminal_session(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv_strings{torctl_program()};
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~terminal_session() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  terminal_session(const terminal_session&) = delete;
  terminal_session& operator=(const terminal_session&) = delete;

  bool started() const { return pid_ > 0 && master_ >= 0; }

  // Reads what the terminal shows until it holds `text` or 10 s pass; true if it did.
  bool wait_for(const std::string& text) {
    const auto deadline = clock::now() + std::chrono::seconds(10);
    while (!contains(shown_, text) && clock::now() < deadline) read_some(100);
    return contains(shown_, text);
  }
  void type(const std::string& keys) {
    [[maybe_unused]] const ssize_t n = ::write(master_, keys.data(), keys.size());
  }
  // Reads to the end of the output and reaps torctl; its exit status. A torctl still
  // running after 10 s is killed, and the status is then -1.
  int finish() {
    const auto deadline = clock::now() + std::chrono::seconds(10);
    while (clock::now() < deadline && read_some(100)) {
    }
    int status = 0;
    while (!status_) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      } else if (clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        status_ = -1;
      } else {
        ::usleep(10'000);
      }
    }
    return *status_;
  }
  const std::string& shown() const { return shown_; }

 private:
  // False once the terminal is closed (torctl has exited).
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return true;
    char buffer[512];
    const ssize_t n = ::read(master_, buffer, sizeof buffer);
    if (n <= 0) return false;
    shown_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::string shown_;
  std::optional<int> status_;
};

TEST(TorctlTerminal, HashPasswordPromptsTwiceWithEchoOff) {
  terminal_session t({"hash-password"});
  ASSERT_TRUE(t.started());
  ASSERT_TRUE(t.wait_for("Password: ")) << t.shown();
  t.type("typed secret\n");
  ASSERT_TRUE(t.wait_for("Again: ")) << t.shown();
  t.type("typed secret\n");
  EXPECT_EQ(t.finish(), 0) << t.shown();
  EXPECT_FALSE(contains(t.shown(), "typed secret")) << "the password was echoed:\n" << t.shown();
  std::smatch hash;
  const std::string shown = t.shown();
  ASSERT_TRUE(std::regex_search(shown, hash, std::regex("16:[0-9A-F]{58}"))) << shown;

  torctl_options o;
  o.input = "typed secret\n";
  EXPECT_EQ(run_torctl({"hash-password", "--verify", hash.str()}, o).status, 0);
}

TEST(TorctlTerminal, TwoDifferentPasswordsAreRefused) {
  terminal_session t({"hash-password"});
  ASSERT_TRUE(t.started());
  ASSERT_TRUE(t.wait_for("Password: ")) << t.shown();
  t.type("one\n");
  ASSERT_TRUE(t.wait_for("Again: ")) << t.shown();
  t.type("two\n");
  EXPECT_EQ(t.finish(), 2) << t.shown();
  EXPECT_TRUE(contains(t.shown(), "the two passwords differ")) << t.shown();
}

TEST(TorctlTerminal, VerifyAsksOnceAndTheControlPasswordPromptsToo) {
  torctl_options o;
  o.input = "once\n";
  const torctl_result made = run_torctl({"hash-password"}, o);
  ASSERT_EQ(made.status, 0) << made.describe();
  terminal_session verify({"hash-password", "--verify", made.out.substr(0, made.out.size() - 1)});
  ASSERT_TRUE(verify.wait_for("Password: ")) << verify.shown();
  verify.type("once\n");
  EXPECT_EQ(verify.finish(), 0) << verify.shown();
  EXPECT_TRUE(contains(verify.shown(), "the password matches")) << verify.shown();

  // --password prompts on the terminal before connecting (here to a closed port: 3).
  terminal_session connect(
      {"--password", "--control", "127.0.0.1:" + std::to_string(free_port()), "info", "version"});
  ASSERT_TRUE(connect.wait_for("Control port password: ")) << connect.shown();
  connect.type("whatever\n");
  EXPECT_EQ(connect.finish(), 3) << connect.shown();
  EXPECT_FALSE(contains(connect.shown(), "whatever")) << connect.shown();
}

// On a terminal, events says when it is subscribed, so that silence reads as waiting.
TEST(TorctlTerminal, EventsSaysWhenItIsSubscribed) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();  // SETEVENTS
    s.send("250 OK\r\n");
    s.send("650 BW 2048 1024\r\n");
    s.read_line();  // until torctl closes
  });
  terminal_session t({"--control", server.address(), "events", "bw", "--count", "1"});
  ASSERT_TRUE(t.wait_for("torctl: subscribed to BW; Ctrl-C stops")) << t.shown();
  EXPECT_TRUE(t.wait_for("BW     2.0 KiB read, 1.0 KiB written")) << t.shown();
  EXPECT_EQ(t.finish(), 0) << t.shown();
}

}  // namespace
}  // namespace torctl::testing
