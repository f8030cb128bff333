// Launching and owning a Tor: it starts with the launcher's configuration, answers on its
// control port, keeps the launcher's own options out of the torrc SAVECONF writes, fails
// cleanly, and goes away when its owner does, even when the owner is killed with SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/run_sync.hpp"
#include "support/tor_process.hpp"
#include "torctl/client/launch.hpp"

namespace torctl::client {
namespace {

using namespace std::chrono_literals;
using testing::run_sync;

launch_options offline() {
  launch_options o;
  o.tor_program = testing::tor_program();
  o.torrc_lines = {"DisableNetwork 1", "SocksPort 0"};
  o.wait_for_bootstrap = false;
  return o;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool running(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

TEST(Launch, TorAnswersAndStopLeavesNothingBehind) {
  asio::io_context io;
  auto tor = run_sync(io, launched_tor::launch(io.get_executor(), offline()));
  ASSERT_TRUE(tor.has_value()) << tor.error().message;
  const pid_t pid = tor->pid();
  const std::string dir = tor->data_directory();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(running(pid));
  auto version = run_sync(io, tor->control().get_info({"version"}));
  ASSERT_TRUE(version.has_value()) << version.error().message;

  // The launcher's own options are Tor's defaults: SAVECONF leaves them out of the torrc.
  ASSERT_TRUE(run_sync(io, tor->control().set_conf({{"ContactInfo", "launched"}})).has_value());
  ASSERT_TRUE(run_sync(io, tor->control().save_conf()).has_value());
  const std::string torrc = read_file(dir + "/torrc");
  EXPECT_NE(torrc.find("ContactInfo launched"), std::string::npos) << torrc;
  for (const char* own :
       {"ControlPort", "__OwningControllerProcess", "DataDirectory", "ControlPortWriteToFile"}) {
    EXPECT_EQ(torrc.find(own), std::string::npos) << own << " was saved:\n" << torrc;
  }

  tor->stop();
  EXPECT_FALSE(running(pid)) << "tor still runs (or is an unreaped zombie) after stop()";
  EXPECT_FALSE(std::filesystem::exists(dir)) << "the temporary data directory is still there";
}

TEST(Launch, ClosingTheOwningConnectionEndsTor) {
  asio::io_context io;
  auto tor = run_sync(io, launched_tor::launch(io.get_executor(), offline()));
  ASSERT_TRUE(tor.has_value()) << tor.error().message;
  tor->control().close();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!tor->exited() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(tor->exited()) << "tor outlived the connection that owns it";
  EXPECT_EQ(tor->exit_status(), 0);
}

TEST(Launch, ABadConfigurationFailsWithTorsReasonAndLeavesNothingRunning) {
  asio::io_context io;
  auto o = offline();
  o.torrc_lines.push_back("NoSuchOption 1");
  auto tor = run_sync(io, launched_tor::launch(io.get_executor(), std::move(o)));
  ASSERT_FALSE(tor.has_value());
  EXPECT_TRUE(tor.error().is(errc::launch_failed));
  EXPECT_NE(tor.error().message.find("NoSuchOption"), std::string::npos) << tor.error().message;

  auto missing = offline();
  missing.tor_program = "/nonexistent/tor";
  auto none = run_sync(io, launched_tor::launch(io.get_executor(), std::move(missing)));
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message.find("cannot run /nonexistent/tor"), std::string::npos)
      << none.error().message;
}

TEST(Launch, BootstrapProgressIsReportedAndItsTimeoutStopsTor) {
  asio::io_context io;
  auto o = offline();  // DisableNetwork 1: the bootstrap never completes
  o.wait_for_bootstrap = true;
  o.bootstrap_timeout = 1s;
  std::vector<bootstrap_status> seen;
  o.on_progress = [&](const bootstrap_status& s) { seen.push_back(s); };
  auto tor = run_sync(io, launched_tor::launch(io.get_executor(), std::move(o)));
  ASSERT_FALSE(tor.has_value());
  EXPECT_TRUE(tor.error().is(errc::launch_failed));
  EXPECT_NE(tor.error().message.find("did not bootstrap"), std::string::npos);
  ASSERT_FALSE(seen.empty()) << "no progress was reported";
  EXPECT_LT(seen.back().progress, 100);
  EXPECT_FALSE(seen.back().summary.empty());
}

// The owner is a separate process, killed with SIGKILL: it cannot clean up. This test
// process becomes the subreaper of its descendants, so the orphaned tor is reparented
// here and its exit can be seen (and reaped) by waitpid.
TEST(Launch, TorIsGoneSoonAfterItsOwnerIsKilled) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::string dir = (std::filesystem::temp_directory_path() / "torctl-owner-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  struct remove_at_end {
    std::string path;
    ~remove_at_end() { std::filesystem::remove_all(path); }
  } cleanup{dir};
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t owner = ::fork();
  if (owner == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    const std::string tor = testing::tor_program();
    ::execl(TORCTL_LAUNCH_OWNER, TORCTL_LAUNCH_OWNER, tor.c_str(), dir.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  ::close(out[0]);
  const pid_t tor = static_cast<pid_t>(std::atoi(line.c_str()));
  ASSERT_GT(tor, 0) << "launch_owner printed no PID";
  ASSERT_TRUE(running(tor));

  ::kill(owner, SIGKILL);
  ASSERT_EQ(::waitpid(owner, nullptr, 0), owner);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  pid_t reaped = 0;
  while (reaped != tor && std::chrono::steady_clock::now() < deadline) {
    reaped = ::waitpid(tor, nullptr, WNOHANG);
    if (reaped != tor) std::this_thread::sleep_for(50ms);
  }
  if (reaped != tor) {
    ::kill(tor, SIGKILL);
    ::waitpid(tor, nullptr, 0);
  }
  EXPECT_EQ(reaped, tor) << "tor outlived its owner by more than 30 s";
}

}  // namespace
}  // namespace torctl::client
