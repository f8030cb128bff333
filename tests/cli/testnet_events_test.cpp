// `torctl events` on the private network: a client of the test's own, held offline until
// two torctl processes (readable lines, JSON lines) are subscribed, then let go and made
// to fetch a page through its SOCKS port. Both must tell the story as it happens: the OR
// connection to the guard, a three-hop circuit built, the stream to the target, and the
// bandwidth it used, in the text protocol.
#include <gtest/gtest.h>

#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/torctl_runner.hpp"
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

// Reads lines from `child` until `done(lines)` holds or the deadline passes.
template <class Done>
std::vector<std::string> read_until(torctl_child& child, clock::time_point deadline, Done done) {
  std::vector<std::string> lines;
  while (!done(lines)) {
    auto line = child.next_line(deadline);
    if (!line) break;
    lines.push_back(std::move(*line));
  }
  return lines;
}

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

TEST_F(TorctlEventsOnTestnet, AFetchIsToldInReadableLinesAndInJson) {
  const std::vector<std::string> names = {"events", "CIRC", "STREAM", "ORCONN", "BW"};
  torctl_child readable(args(names));
  std::vector<std::string> json_args = names;
  json_args.insert(json_args.begin(), "--json");
  torctl_child as_json(args(json_args));
  // Tor sends BW every second, network or not: a first line means a subscription.
  const auto subscribed = clock::now() + 30s;
  const auto has_line = [](const std::vector<std::string>& l) { return !l.empty(); };
  auto human = read_until(readable, subscribed, has_line);
  ASSERT_FALSE(human.empty()) << readable.finish(1s).describe();
  auto machine = read_until(as_json, subscribed, has_line);
  ASSERT_FALSE(machine.empty()) << as_json.finish(1s).describe();

  const torctl_result online = run_torctl(args({"setconf", "DisableNetwork=0"}));
  ASSERT_EQ(online.status, 0) << online.describe();
  wait_until_bootstrapped();
  http_target target(generated_body(body_size, 0xc11));
  tcp_socket stream = socks5_connect(client_->description().socks_port, loopback_address,
                                     target.port(), clock::now() + 20s);
  const http_response response = http_get(stream, "/", clock::now() + 30s);
  ASSERT_TRUE(response.body == target.body()) << response.head;

  const std::string port = std::to_string(target.port());
  const std::regex circuit_built(R"(^\d\d:\d\d:\d\d CIRC   \d+ built via [^ ]+ > [^ ]+ > [^ ]+)");
  // The exit's loopback address is written in .exit notation: 127.0.0.1.$FP.exit:PORT.
  const std::regex stream_done("^\\d\\d:\\d\\d:\\d\\d STREAM \\d+ succeeded 127\\.0\\.0\\.1[^ ]*:" +
                               port + " on circuit \\d+");
  const std::regex orconn_up(R"(^\d\d:\d\d:\d\d ORCONN [^ ]+ connected)");
  const std::regex bandwidth_used(
      R"(^\d\d:\d\d:\d\d BW     \d+(\.\d)? (KiB|MiB) read, \d+(\.\d)? [KM]?i?B written)");
  const auto story_told = [&](const std::vector<std::string>& l) {
    return any_match(l, circuit_built) && any_match(l, stream_done) && any_match(l, orconn_up) &&
           any_match(l, bandwidth_used);
  };
  auto more = read_until(readable, clock::now() + 30s, story_told);
  human.insert(human.end(), more.begin(), more.end());
  EXPECT_TRUE(story_told(human)) << joined(human);

  bool built = false, succeeded = false, connected = false, carried = false;
  const auto json_told = [&](const std::vector<std::string>& lines) {
    for (const std::string& l : lines) {
      const json e = json::parse(l);
      built = built || (e["event"] == "CIRC" && e["status"] == "BUILT" && e["path"].size() == 3);
      succeeded = succeeded ||
                  (e["event"] == "STREAM" && e["status"] == "SUCCEEDED" &&
                   targets_port(e["target"].get<std::string>(), port) && e.contains("circuit"));
      connected = connected || (e["event"] == "ORCONN" && e["status"] == "CONNECTED");
      carried = carried || (e["event"] == "BW" && e["read"].get<std::uint64_t>() > 1024);
    }
    return built && succeeded && connected && carried;
  };
  more = read_until(as_json, clock::now() + 30s, [&](const std::vector<std::string>& l) {
    return !l.empty() && json_told({l.back()});
  });
  machine.insert(machine.end(), more.begin(), more.end());
  EXPECT_TRUE(built && succeeded && connected && carried)
      << "built " << built << " succeeded " << succeeded << " connected " << connected
      << " carried " << carried << "\n"
      << joined(machine);

  readable.send(SIGINT);
  as_json.send(SIGINT);
  EXPECT_EQ(readable.finish(5s).status, 0);
  EXPECT_EQ(as_json.finish(5s).status, 0);
}

}  // namespace
}  // namespace torctl::testnet
