// What every controller connection of one torctld shares: the Tor behind it, its events,
// the authentication policy and cookie, counters, and a read buffer (torctld runs on one
// thread, so one buffer serves every connection, and an idle connection holds none).
#pragma once

#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth_policy.hpp"
#include "torctl/auth/secret.hpp"

namespace torctl::daemon {

class upstream;
class session;
class event_hub;

struct counters {
  std::uint64_t opened = 0;
  std::uint64_t authenticated = 0;
  std::uint64_t refused_authentication = 0;
  std::uint64_t refused_http = 0;
  std::uint64_t refused_text = 0;
  std::uint64_t disconnected_slow = 0;  // more than max_output_octets unread
  std::uint64_t events_from_tor = 0;
  std::uint64_t events_without_tc_form = 0;  // statuses and kinds TC cannot express
  std::uint64_t closed = 0;
};

// Bounds on one controller connection.
inline constexpr std::size_t max_output_octets = std::size_t{16} << 20;  // TC spec 4.2
inline constexpr std::size_t max_requests_in_flight = 4096;              // then reading pauses
// Requests of all connections together waiting for answers; then every connection pauses
// reading until answers have gone out. Below the client library's own bound on commands
// in flight on the one link to Tor (65,536), so that Tor's link never refuses for load.
inline constexpr std::size_t max_total_in_flight = 32768;
inline constexpr std::size_t read_chunk = 64 * 1024;

struct server_state {
  asio::any_io_executor executor;
  upstream* tor = nullptr;
  std::unique_ptr<event_hub> events;
  auth_policy policy;
  std::string policy_path;  // DIR/torctld-auth.conf
  auth::secret cookie;      // what DIR/control_auth_cookie holds
  counters count;
  std::vector<std::uint8_t> read_buffer = std::vector<std::uint8_t>(read_chunk);
  std::uint64_t next_connection_id = 1;
  std::size_t in_flight = 0;                   // requests of all connections, unanswered
  std::vector<std::weak_ptr<session>> paused;  // connections waiting for in_flight to drop
};

}  // namespace torctl::daemon
