// torctld in front of a client of the private network: a SOCKS fetch through the client
// reaches a TC controller of torctld as OR connection, circuit, stream, bandwidth and log
// events, and each one, decoded from the TC bytes, is what the same Tor reported on its
// own control port (tests/daemon/tc_events.hpp says how the two are compared).
//
// The client starts with its network disabled, so that both controllers subscribe before
// it makes its first connection, and a marker warning at the end (an invalid Nickname,
// which Tor quotes) closes the comparison on both sides at the same event.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/tc_events.hpp"
#include "daemon/tc_socket.hpp"
#include "daemon/torctld_process.hpp"
#include "error.hpp"
#include "extra_client.hpp"
#include "http_fetch.hpp"
#include "http_target.hpp"
#include "socks5.hpp"
#include "testnet_environment.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::testnet {
namespace {

using torctl::testing::describe_tc_event;
using torctl::testing::tc_socket;
using torctl::testing::torctld_process;

constexpr std::size_t body_size = 512 * 1024;
constexpr std::chrono::seconds bootstrap_timeout{40};
constexpr std::chrono::seconds step_timeout{30};
constexpr const char* marker = "end!of!test";

// Tor's events as TC should carry them, up to and including the marker warning.
std::vector<std::string> direct_until_marker(control_connection& control) {
  std::vector<std::string> seen;
  const clock::time_point deadline = clock::now() + step_timeout;
  while (const auto reply = control.next_event(deadline)) {
    const auto e = text::parse_event(*reply);
    if (!e) continue;
    if (auto expected = torctl::testing::expected_tc_event(*e)) seen.push_back(*expected);
    if (std::string(e->line).find(marker) != std::string::npos) return seen;
  }
  ADD_FAILURE() << "Tor's own control port never reported the marker";
  return seen;
}

std::vector<std::string> tc_until_marker(tc_socket& s) {
  std::vector<std::string> seen;
  for (;;) {
    const auto f = s.read();
    if (f.first == -1) {
      ADD_FAILURE() << "torctld's connection ended before the marker";
      return seen;
    }
    if (f.first != 0x0006) continue;
    seen.push_back(describe_tc_event(f.second));
    if (seen.back().find(marker) != std::string::npos) return seen;
  }
}

bool any_starts(const std::vector<std::string>& events, const std::string& prefix) {
  return std::any_of(events.begin(), events.end(),
                     [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
}

// "CIRC 1 <id> ..." -> id; "STREAM 2 <id> <target>" -> id.
std::string id_of(const std::string& e) {
  const std::size_t a = e.find(' ', e.find(' ') + 1) + 1;
  return e.substr(a, e.find(' ', a) - a);
}

TEST(TestnetTorctld, AFetchReachesATcControllerAsTheClientsOwnEventsSaidIt) {
  const network net = running_network();
  extra_client client(net, "tcfront0");
  control_connection control = client.connect();
  control.expect_ok(text::command("SETEVENTS")
                        .word("CIRC")
                        .word("STREAM")
                        .word("ORCONN")
                        .word("BW")
                        .word("NOTICE")
                        .word("WARN")
                        .word("ERR"));

  std::string error;
  torctld_process::options o;
  o.extra_arguments = {"--tor-control",
                       "127.0.0.1:" + std::to_string(client.description().control_port)};
  const auto torctld = torctld_process::start(o, error);
  ASSERT_NE(torctld, nullptr) << error;
  tc_socket tc(torctld->port());
  tc.authenticate();
  const std::vector<tc::event_code> all = {
      tc::event_code::circuit_status, tc::event_code::stream_status, tc::event_code::orconn_status,
      tc::event_code::bandwidth, tc::event_code::log_message};
  tc.send(tc::setevents_message{tc::event_codes(all)});
  for (auto f = tc.read(); f.first != 0x0001; f = tc.read()) {
    ASSERT_EQ(f.first, 0x0006) << "SETEVENTS refused";
  }

  control.expect_ok(text::command("SETCONF").pair("DisableNetwork", "0"));
  const clock::time_point ready_by = clock::now() + bootstrap_timeout;
  while (control.getinfo("status/circuit-established") != "1") {
    ASSERT_LT(clock::now(), ready_by) << "tcfront0 did not bootstrap";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  http_target target(generated_body(body_size, 0x7c));
  {
    tcp_socket stream = socks5_connect(client.description().socks_port, loopback_address,
                                       target.port(), clock::now() + step_timeout);
    const http_response response = http_get(stream, "/torctld", clock::now() + step_timeout);
    ASSERT_TRUE(response.body == target.body()) << response.head;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // CLOSED, and BW for it all
  EXPECT_EQ(control.command(text::command("SETCONF").pair("Nickname", marker)).status(), 513);

  const std::vector<std::string> through = tc_until_marker(tc);
  const std::vector<std::string> expected = direct_until_marker(control);
  // The direct controller subscribed first: torctld's events are the end of its list.
  ASSERT_LE(through.size(), expected.size());
  const std::vector<std::string> tail(expected.end() - static_cast<long>(through.size()),
                                      expected.end());
  EXPECT_EQ(through, tail);

  // And they tell the fetch: the stream to the target, on a circuit that was built,
  // over OR connections made, with bytes counted, and Tor's warning about SOCKS by IP.
  const std::string to_target = ":" + std::to_string(target.port());
  std::vector<std::string> stream_statuses;
  std::string stream_id;
  for (const std::string& e : through) {
    if (e.rfind("STREAM ", 0) == 0 && e.find(to_target) != std::string::npos) {
      stream_statuses.push_back(e.substr(7, 1));
      stream_id = id_of(e);
    }
  }
  EXPECT_EQ(stream_statuses, (std::vector<std::string>{"0", "2", "4"})) << "stream " << stream_id;
  EXPECT_TRUE(any_starts(through, "CIRC 0 "));
  EXPECT_TRUE(any_starts(through, "CIRC 2 "));
  EXPECT_TRUE(any_starts(through, "CIRC 1 "));
  EXPECT_TRUE(any_starts(through, "ORCONN 0 $"));
  EXPECT_TRUE(any_starts(through, "ORCONN 1 $"));
  EXPECT_TRUE(std::any_of(through.begin(), through.end(), [](const std::string& e) {
    return e.rfind("BW ", 0) == 0 && e != "BW 0 0";
  }));
  EXPECT_TRUE(std::any_of(through.begin(), through.end(), [](const std::string& e) {
    return e.rfind("LOG ", 0) == 0 && e.find("giving Tor only an IP address") != std::string::npos;
  }));
}

}  // namespace
}  // namespace torctl::testnet
