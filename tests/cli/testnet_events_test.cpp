// `torctl events` on the private network: a client of the test's own, held offline until
// four torctl processes (readable lines and JSON lines, text and TC) are subscribed, then let go
// and made to fetch a page through its SOCKS port. Both must tell the story as it happens: the OR
// connection to the guard, a three-hop circuit built, the stream to the target, and the
// bandwidth it used, in the text protocol, and in TC through a torctld attached to that
// same client.
#include <gtest/gtest.h>

#include <signal.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/torctl_runner.hpp"
#include "daemon/torctld_process.hpp"
#include "extra_client.hpp"
#include "http_fetch.hpp"
#include "http_target.hpp"
#include "socks5.hpp"
#include "testnet_environment.hpp"

namespace torctl::testnet {
namespace {

using nlohmann::json;
using testing::contains;
using testing::run_torctl;
using testing::torctl_child;
using testing::torctl_result;
using namespace std::chrono_literals;

constexpr std::size_t body_size = 200'000;

class TorctlEventsOnTestnet : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = running_network();
    client_.emplace(net_, "torctlcli");
    client_->connect();  // returns once the control port is open
    control_ = {"--control", "127.0.0.1:" + std::to_string(client_->description().control_port),
                "--cookie", client_->files().cookie().string()};
  }
  void TearDown() override {
    if (client_) {
      EXPECT_TRUE(client_->stop()) << "the extra client did not stop";
    }
  }

  std::vector<std::string> args(std::vector<std::string> rest) const {
    rest.insert(rest.begin(), control_.begin(), control_.end());
    return rest;
  }

  // Polls `torctl info status/bootstrap-phase` until Tor reports 100 %.
  void wait_until_bootstrapped() {
    const auto deadline = clock::now() + 60s;
    std::string last;
    while (clock::now() < deadline) {
      const torctl_result r = run_torctl(args({"info", "status/bootstrap-phase"}));
      last = r.describe();
      if (r.status == 0 && contains(r.out, "PROGRESS=100")) return;
      std::this_thread::sleep_for(250ms);
    }
    FAIL() << "the client did not bootstrap: " << last;
  }

  network net_;
  std::optional<extra_client> client_;
  std::vector<std::string> control_;
};

bool any_match(const std::vector<std::string>& lines, const std::regex& pattern) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return std::regex_search(l, pattern); });
}

// "127.0.0.1:PORT", or the exit's notation for it, "127.0.0.1.$FP.exit:PORT".
bool targets_port(const std::string& target, const std::string& port) {
  const std::string suffix = ":" + port;
  return target.rfind("127.0.0.1", 0) == 0 && target.size() > suffix.size() &&
         target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// One `torctl events` process and what it printed so far.
struct watcher {
  std::string name;  // for messages: "text", "text --json", "TC", "TC --json"
  bool json_lines = false;
  bool tc = false;
  std::unique_ptr<torctl_child> child;
  std::vector<std::string> lines;
};

// The readable lines tell the whole story: a three-hop circuit built, the stream to the
// target succeeded (over TC without a circuit id, which TC does not carry), an OR
// connection up, and a second in which more than a KiB was read.
bool readable_story(const watcher& w, const std::string& port) {
  const std::regex circuit_built(R"(^\d\d:\d\d:\d\d CIRC   \d+ built via [^ ]+ > [^ ]+ > [^ ]+)");
  // The exit's loopback address is written in .exit notation: 127.0.0.1.$FP.exit:PORT.
  const std::regex stream_done("^\\d\\d:\\d\\d:\\d\\d STREAM \\d+ succeeded 127\\.0\\.0\\.1[^ ]*:" +
                               port + (w.tc ? "$" : " on circuit \\d+"));
  const std::regex orconn_up(R"(^\d\d:\d\d:\d\d ORCONN [^ ]+ connected)");
  const std::regex bandwidth_used(
      R"(^\d\d:\d\d:\d\d BW     \d+(\.\d)? (KiB|MiB) read, \d+(\.\d)? [KM]?i?B written)");
  return any_match(w.lines, circuit_built) && any_match(w.lines, stream_done) &&
         any_match(w.lines, orconn_up) && any_match(w.lines, bandwidth_used);
}

// The same story in JSON objects, with the same field names from both protocols.
bool json_story(const watcher& w, const std::string& port) {
  bool built = false, succeeded = false, connected = false, carried = false;
  for (const std::string& l : w.lines) {
    const json e = json::parse(l);
    built = built || (e["event"] == "CIRC" && e["status"] == "BUILT" && e["path"].size() == 3);
    succeeded = succeeded || (e["event"] == "STREAM" && e["status"] == "SUCCEEDED" &&
                              targets_port(e["target"].get<std::string>(), port) &&
                              (w.tc || e.contains("circuit")));
    connected = connected || (e["event"] == "ORCONN" && e["status"] == "CONNECTED");
    carried = carried || (e["event"] == "BW" && e["read"].get<std::uint64_t>() > 1024);
  }
  return built && succeeded && connected && carried;
}

bool story_told(const watcher& w, const std::string& port) {
  return w.json_lines ? json_story(w, port) : readable_story(w, port);
}

// Reads `w`'s lines until `done` holds or the deadline passes.
template <class Done>
void read_until(watcher& w, clock::time_point deadline, Done done) {
  while (!done(w)) {
    auto line = w.child->next_line(deadline);
    if (!line) return;
    w.lines.push_back(std::move(*line));
  }
}

TEST_F(TorctlEventsOnTestnet, AFetchIsToldInReadableLinesAndInJsonInBothProtocols) {
  // torctld attached to the same client serves TC; its events are that Tor's, mapped.
  std::string error;
  testing::torctld_process::options o;
  o.extra_arguments = {"--tor-control", control_[1]};
  auto torctld = testing::torctld_process::start(o, error);
  ASSERT_NE(torctld, nullptr) << error;
  const std::vector<std::string> tc_control = {"--protocol", "tc", "--control",
                                               "127.0.0.1:" + std::to_string(torctld->port())};

  std::vector<watcher> watchers;
  for (const bool tc : {false, true}) {
    for (const bool json_lines : {false, true}) {
      std::vector<std::string> a = tc ? tc_control : control_;
      if (json_lines) a.push_back("--json");
      a.insert(a.end(), {"events", "CIRC", "STREAM", "ORCONN", "BW"});
      watchers.push_back({std::string(tc ? "TC" : "text") + (json_lines ? " --json" : ""),
                          json_lines,
                          tc,
                          std::make_unique<torctl_child>(a),
                          {}});
    }
  }
  // Tor sends BW every second, network or not: a first line means a subscription.
  const auto subscribed = clock::now() + 30s;
  for (watcher& w : watchers) {
    read_until(w, subscribed, [](const watcher& x) { return !x.lines.empty(); });
    ASSERT_FALSE(w.lines.empty()) << w.name << ": " << w.child->finish(1s).describe();
  }

  const torctl_result online = run_torctl(args({"setconf", "DisableNetwork=0"}));
  ASSERT_EQ(online.status, 0) << online.describe();
  wait_until_bootstrapped();
  http_target target(generated_body(body_size, 0xc11));
  tcp_socket stream = socks5_connect(client_->description().socks_port, loopback_address,
                                     target.port(), clock::now() + 20s);
  const http_response response = http_get(stream, "/", clock::now() + 30s);
  ASSERT_TRUE(response.body == target.body()) << response.head;

  const std::string port = std::to_string(target.port());
  const auto settle = clock::now() + 30s;
  for (watcher& w : watchers) {
    read_until(w, settle, [&](const watcher& x) { return story_told(x, port); });
    EXPECT_TRUE(story_told(w, port)) << w.name << ":\n" << joined(w.lines);
  }
  for (watcher& w : watchers) w.child->send(SIGINT);
  for (watcher& w : watchers) EXPECT_EQ(w.child->finish(5s).status, 0) << w.name;
}

}  // namespace
}  // namespace torctl::testnet
