// The control port of a client tells the story of a fetch: the OR connection to its
// guard (ORCONN LAUNCHED, CONNECTED), the circuit through three relays (CIRC LAUNCHED,
// EXTENDED, BUILT), the stream to the target (STREAM NEW, SENTCONNECT, SUCCEEDED,
// CLOSED) and the bytes carried (BW), every event read with the project's text codec.
//
// The client is one this test starts against the running network, with its network
// disabled until the test has subscribed: the network's own client0 made its OR
// connections at bootstrap, before any test could listen.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "error.hpp"
#include "event_log.hpp"
#include "extra_client.hpp"
#include "http_fetch.hpp"
#include "http_target.hpp"
#include "readiness.hpp"
#include "socks5.hpp"
#include "testnet_environment.hpp"

namespace torctl::testnet {
namespace {

using text::circuit_status;
using text::orconn_status;
using text::stream_status;

constexpr std::size_t body_size = (std::size_t{1} << 20) + 4'321;
constexpr std::uint64_t body_seed = 0xe7e17;
// A client joining a running network bootstraps in about two seconds.
constexpr std::chrono::seconds bootstrap_timeout{30};
constexpr std::chrono::seconds stream_timeout{20};
constexpr std::chrono::seconds transfer_timeout{30};
// After the fetch: long enough for the stream's CLOSED and for BW events (one a second)
// to account for every octet.
constexpr std::chrono::seconds settle_timeout{30};
constexpr std::chrono::milliseconds poll_interval{200};

// Records every event that arrives before `until`.
void drain(control_connection& control, event_log& log, clock::time_point until) {
  while (const auto event = control.next_event(until)) log.add(*event);
}

void wait_until_bootstrapped(control_connection& control, event_log& log, const network& net,
                             const node& client) {
  const clock::time_point deadline = clock::now() + bootstrap_timeout;
  node_report report;
  while ((report = probe(control, net), !report.ready(client))) {
    ASSERT_LT(clock::now(), deadline) << client.nick << " did not bootstrap: " << report.describe();
    drain(control, log, clock::now() + poll_interval);
  }
}

// The stream to `port`, or nullptr.
const std::vector<stream_step>* stream_to(const event_log& log, std::uint16_t port) {
  for (const auto& [id, steps] : log.streams()) {
    for (const stream_step& s : steps) {
      if (s.target_port == port) return &steps;
    }
  }
  return nullptr;
}

bool stream_closed(const event_log& log, std::uint16_t port) {
  const auto* steps = stream_to(log, port);
  return steps != nullptr && std::any_of(steps->begin(), steps->end(), [](const stream_step& s) {
           return s.status == stream_status::closed;
         });
}

std::vector<std::string> hop_fingerprints(const std::string& path) {
  std::vector<std::string> hops;
  text::for_each_hop(path, [&](text::long_name hop) { hops.emplace_back(hop.fingerprint); });
  return hops;
}

template <class Step, class Status>
std::vector<Status> statuses_of(const std::vector<Step>& steps) {
  std::vector<Status> out;
  for (const Step& s : steps) out.push_back(s.status);
  return out;
}

// True if some OR connection to `fingerprint` was seen LAUNCHED and then CONNECTED.
bool connected_to(const event_log& log, const std::string& fingerprint) {
  for (const auto& [id, steps] : log.orconns()) {
    if (steps.empty() || text::parse_long_name(steps.front().target).fingerprint != fingerprint) {
      continue;
    }
    const auto seen = statuses_of<orconn_step, orconn_status>(steps);
    if (in_order(seen, {orconn_status::launched, orconn_status::connected})) return true;
  }
  return false;
}

class TestnetClientEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = running_network();
    client_.emplace(net_, "client1");
    control_.emplace(client_->connect());
    control_->expect_ok(
        text::command("SETEVENTS").word("CIRC").word("STREAM").word("ORCONN").word("BW"));
    control_->expect_ok(text::command("SETCONF").pair("DisableNetwork", "0"));
    wait_until_bootstrapped(*control_, log_, net_, client_->description());
  }

  void TearDown() override {
    control_.reset();
    if (client_) {
      EXPECT_TRUE(client_->stop()) << "client1 (PID " << client_->process().pid << ")";
    }
  }

  const node& exit_node() const {
    for (const node& n : net_.nodes) {
      if (n.role == role::exit) return n;
    }
    throw error("the network has no exit");
  }

  network net_;
  std::optional<extra_client> client_;
  std::optional<control_connection> control_;
  event_log log_;
};

TEST_F(TestnetClientEvents, AFetchIsToldAsOrConnectionCircuitStreamAndBandwidth) {
  http_target target(generated_body(body_size, body_seed));
  tcp_socket stream = socks5_connect(client_->description().socks_port, loopback_address,
                                     target.port(), clock::now() + stream_timeout);
  const http_response response = http_get(stream, "/events", clock::now() + transfer_timeout);
  ASSERT_TRUE(response.body == target.body()) << response.head;

  const clock::time_point settle = clock::now() + settle_timeout;
  while (clock::now() < settle &&
         !(stream_closed(log_, target.port()) && log_.bytes_read() >= body_size)) {
    drain(*control_, log_, clock::now() + poll_interval);
  }
  SCOPED_TRACE(log_.summary());
  ASSERT_TRUE(log_.unparsed().empty()) << "the codec refused: " << log_.unparsed().front();

  const auto* steps = stream_to(log_, target.port());
  ASSERT_NE(steps, nullptr) << "no STREAM event for port " << target.port();
  EXPECT_TRUE(in_order(statuses_of<stream_step, stream_status>(*steps),
                       {stream_status::new_connect, stream_status::sent_connect,
                        stream_status::succeeded, stream_status::closed}));
  const auto attached = std::find_if(steps->begin(), steps->end(), [](const stream_step& s) {
    return s.status == stream_status::succeeded;
  });
  ASSERT_NE(attached, steps->end());

  const auto circuit = log_.circuits().find(attached->circuit_id);
  ASSERT_NE(circuit, log_.circuits().end()) << "no CIRC event for circuit " << attached->circuit_id;
  EXPECT_TRUE(
      in_order(circuit->second.statuses,
               {circuit_status::launched, circuit_status::extended, circuit_status::built}));
  const std::vector<std::string> hops = hop_fingerprints(circuit->second.path);
  ASSERT_EQ(hops.size(), 3u) << circuit->second.path;
  for (const std::string& hop : hops) {
    const auto relays = net_.relays();
    EXPECT_TRUE(std::any_of(relays.begin(), relays.end(),
                            [&](const node* r) { return r->fingerprint == hop; }))
        << hop << " is not a relay of this network";
  }
  EXPECT_EQ(std::set<std::string>(hops.begin(), hops.end()).size(), 3u) << circuit->second.path;
  EXPECT_EQ(hops.back(), exit_node().fingerprint) << "only exit0 may exit to 127.0.0.1";
  EXPECT_TRUE(connected_to(log_, hops.front())) << "no ORCONN LAUNCHED, CONNECTED to the guard";

  EXPECT_GT(log_.bandwidth_events(), 0);
  EXPECT_GE(log_.bytes_read(), body_size) << "BW events account for less than the body";
  EXPECT_GT(log_.bytes_written(), 0u);
}

}  // namespace
}  // namespace torctl::testnet
