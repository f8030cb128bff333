// How a client connects: where, in which protocol, with which credentials, and how
// patiently.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "torctl/auth/secret.hpp"
#include "torctl/client/endpoint.hpp"
#include "torctl/client/event.hpp"
#include "torctl/client/types.hpp"

namespace torctl::client {

// Credentials. With none given, the client uses what the server offers: over the text
// protocol it asks with PROTOCOLINFO, then tries, in order, SAFECOOKIE (checking the
// server's proof before answering), the password if one was given, no authentication
// if the server allows that, and plain COOKIE last; over TC, which cannot ask, it sends
// the password if one was given, else the cookie if a cookie file was given, else an
// empty credential.
struct auth_options {
  auth::secret password;                   // empty: none
  std::optional<std::string> cookie_file;  // default: the one PROTOCOLINFO names
};

// Reconnecting after the connection drops: off unless enabled. Delays grow from
// `initial_delay` by `factor` up to `max_delay`; `max_attempts` 0 means no limit.
// While reconnecting, commands fail at once with not_connected; the event stream
// carries a link event when the link is lost and another when it is restored, and the
// last SETEVENTS list is sent again before that.
struct reconnect_options {
  bool enabled = false;
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{5000};
  unsigned factor = 2;
  unsigned max_attempts = 0;
};

struct connect_options {
  // Tried in order until one connects; empty: discover_endpoints().
  std::vector<endpoint> endpoints;
  client::protocol protocol = client::protocol::text;
  auth_options auth;
  // Per endpoint, for the TCP or Unix connect.
  std::chrono::milliseconds connect_timeout{5000};
  // For every command, from sending to the end of its reply; 0: no limit.
  std::chrono::milliseconds command_timeout{30000};
  event_queue_options events;
  reconnect_options reconnect;
  // Commands in flight at once; past it a command fails with queue_full.
  std::size_t max_pending = 65536;
  // Environment for discovery; default: the process's.
  environment env;
};

}  // namespace torctl::client
