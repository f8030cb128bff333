// torctld under bad and unusual input, and attached to a Tor it does not own: whatever one
// controller does, the others are served, and torctld's memory stays bounded.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <asio/io_context.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/run_sync.hpp"
#include "daemon/tc_socket.hpp"
#include "daemon/torctld_process.hpp"
#include "support/tor_process.hpp"
#include "torctl/client/connection.hpp"
#include "torctl/tc/message.hpp"

namespace torctl {
namespace {

using namespace std::chrono_literals;
using testing::error_code_of;
using testing::tc_socket;
using testing::torctld_process;

// Resident memory of a process, in KiB.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

class TorctldRobustness : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    d_ = torctld_process::start({}, error);
    ASSERT_NE(d_, nullptr) << error;
  }
  // A well-behaved controller still gets its answer.
  void still_serves() {
    tc_socket s(d_->port());
    s.authenticate();
    s.send_raw(0x0003, "SocksPort\n");
    EXPECT_EQ(s.read(), (std::pair<int, std::string>{0x0004, "SocksPort 0\n"}));
  }
  std::unique_ptr<torctld_process> d_;
};

TEST_F(TorctldRobustness, MalformedRequestsGetTheirErrorAndTheStreamStaysInStep) {
  tc_socket s(d_->port());
  s.authenticate();
  const std::vector<std::tuple<std::uint16_t, std::string, std::uint16_t>> bad = {
      {0x0005, std::string("\x00\x01\x00", 3), 0x0003},          // odd SETEVENTS
      {0x0009, std::string("\x01\x02", 2), 0x0003},              // SIGNAL of two octets
      {0x0009, std::string("\x07", 1), 0x0006},                  // unknown signal
      {0x000A, std::string("\x04\x01\x02\x03\x04", 5), 0x0003},  // unknown address type
      {0x000A, std::string("\x03no-nul", 7), 0x0003},            // hostname without NUL
      {0x0002, std::string("Key\rvalue\n", 10), 0x0003},         // CR inside a SETCONF line
      {0x0003, std::string("two words\n", 10), 0x0003},          // a blank inside a key
      {0x0000, std::string("\x00\x01", 2), 0x0002},              // ERROR: the server's
      {0x0100, std::string(), 0x0002},                           // no such type
  };
  for (const auto& [type, body, expected] : bad) {
    s.send_raw(type, body);
    EXPECT_EQ(error_code_of(s.read()), expected) << "type " << type;
  }
  s.send_raw(0x0003, "SocksPort\n");
  EXPECT_EQ(s.read().first, 0x0004) << "still in step";
  still_serves();
}

TEST_F(TorctldRobustness, LargeBodiesTruncatedFramesAndHalfClosedSockets) {
  {
    tc_socket s(d_->port());
    s.authenticate();
    s.send_raw(0x0002, "ContactInfo " + std::string(65000, 'c') + "\n");  // a 64 KB body
    EXPECT_EQ(s.read().first, 0x0001);
    s.send_raw(0x0003, "ContactInfo\n");
    const auto value = s.read();
    EXPECT_EQ(value.first, 0x0004);
    EXPECT_EQ(value.second.size(), std::string("ContactInfo \n").size() + 65000);
  }
  {
    tc_socket s(d_->port());
    s.authenticate();
    s.send_bytes(std::string("\x00\x20\x00", 3));  // a truncated header, then gone
  }
  {
    tc_socket s(d_->port());
    s.authenticate();
    s.send_raw(0x0003, "SocksPort\n");
    s.shut_down_sending();  // asked, and said it sends nothing more: still answered
    EXPECT_EQ(s.read().first, 0x0004);
    EXPECT_TRUE(s.closed_by_peer());
  }
  still_serves();
}

TEST_F(TorctldRobustness, ManyIdleConnectionsCostLittleAndBlockNoOne) {
  // 10,000 idle controllers, as many as this process may open files for (torctld raises
  // its own limit to the hard one at start).
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  const int idle = static_cast<int>(std::min<rlim_t>(10000, files.rlim_cur - 200));
  ASSERT_GT(idle, 500) << "too few file descriptors for this test";
  still_serves();
  const long before = rss_kib(d_->pid());
  std::vector<std::unique_ptr<tc_socket>> sockets;
  for (int i = 0; i < idle; ++i) {
    sockets.push_back(std::make_unique<tc_socket>(d_->port()));
    ASSERT_TRUE(sockets.back()->connected());
    if (i % 2 == 0) sockets.back()->authenticate();  // half of them authenticated, then idle
  }
  still_serves();
  const long after = rss_kib(d_->pid());
  ASSERT_GT(before, 0);
  const double per_connection = static_cast<double>(after - before) * 1024.0 / idle;
  std::printf("torctld: %.0f octets of memory per idle connection (%d connections)\n",
              per_connection, idle);
  EXPECT_LT(per_connection, 8 * 1024) << "memory per idle connection";
}

// A Tor of the test's own on a free port, and a torctld attached to it, for the tests of
// attached mode; restart_tor() starts the Tor again on the same port.
class TorctldAttach : public ::testing::Test {
 protected:
  void SetUp() override {
    restart_tor();
    torctld_process::options o;
    o.extra_arguments = {"--tor-control", "127.0.0.1:" + std::to_string(port_)};
    std::string error;
    d_ = torctld_process::start(o, error);
    ASSERT_NE(d_, nullptr) << error;
  }
  void restart_tor() {
    std::string error;
    tor_ = testing::tor_process::start_on_port(port_, {"CookieAuthentication 1"}, error);
    ASSERT_NE(tor_, nullptr) << error;
  }

  const int port_ = testing::free_port();
  std::unique_ptr<testing::tor_process> tor_;
  std::unique_ptr<torctld_process> d_;
};

TEST_F(TorctldAttach, ServesAnAttachedTorAndSurvivesItsRestart) {
  const auto ask = [&] {
    tc_socket s(d_->port());
    s.authenticate();
    s.send_raw(0x0003, "DisableNetwork\n");
    return s.read();
  };
  EXPECT_EQ(ask(), (std::pair<int, std::string>{0x0004, "DisableNetwork 1\n"}));

  tor_->kill_now();
  std::pair<int, std::string> meanwhile;
  for (int i = 0; i < 100 && (meanwhile = ask()).first != 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(error_code_of(meanwhile), 0x0001) << "while Tor is away";

  restart_tor();
  if (HasFatalFailure()) return;
  std::pair<int, std::string> back;
  for (int i = 0; i < 200 && (back = ask()).first != 0x0004; ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(back, (std::pair<int, std::string>{0x0004, "DisableNetwork 1\n"}))
      << "torctld did not reconnect:\n"
      << d_->output();
}

// Events across the attached Tor's restart: a SETEVENTS while Tor is away is refused
// (0x0001) and changes nothing; once Tor is back, the subscription in force before is
// restored without anyone asking, and a new SETEVENTS reaches the new Tor.
TEST_F(TorctldAttach, EventsFollowTheAttachedTorAcrossItsRestart) {
  const auto set_events = [](tc_socket& s, std::string codes) {
    s.send_raw(0x0005, codes);
    for (;;) {
      auto f = s.read();
      if (f.first != 0x0006) return f;
    }
  };
  const auto next_event_code = [](tc_socket& s) {
    for (;;) {
      const auto f = s.read();
      if (f.first == -1) return -1;
      if (f.first == 0x0006 && f.second.size() >= 2) return f.second[0] << 8 | f.second[1];
    }
  };
  const std::string bw("\x00\x04", 2), log("\x00\x05", 2);
  tc_socket watcher(d_->port());
  watcher.authenticate();
  ASSERT_EQ(set_events(watcher, bw).first, 0x0001);
  ASSERT_EQ(next_event_code(watcher), 0x0004);

  tor_->kill_now();
  tc_socket late(d_->port());
  late.authenticate();
  std::pair<int, std::string> refused;
  for (int i = 0; i < 100 && (refused = set_events(late, log)).first != 0; ++i) {
    set_events(late, "");  // it was taken while torctld had not yet seen Tor go
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(error_code_of(refused), 0x0001) << "SETEVENTS while Tor is away";

  watcher.set_read_bound(500ms);  // what the old Tor sent before it went
  while (watcher.read().first != -1) {
  }
  restart_tor();
  if (HasFatalFailure()) return;
  watcher.set_read_bound(30s);  // the reconnect waits for its backoff
  EXPECT_EQ(next_event_code(watcher), 0x0004) << "BW did not resume:\n" << d_->output();
  ASSERT_EQ(set_events(late, log).first, 0x0001) << d_->output();
  late.send(tc::signal_message{tc::signal_code::reload});  // notices from the new Tor
  EXPECT_EQ(next_event_code(late), 0x0005);
}

}  // namespace
}  // namespace torctl
