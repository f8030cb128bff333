// The Tor behind torctld, and torctld's one control connection to it, shared by every
// controller. Either launched and owned (it exits when torctld does, and torctld exits
// when it does), or attached to a running Tor (reconnected when it comes back; meanwhile
// requests get ERROR 0x0001).
//
// The connection's event queue pauses reading when full (overflow_policy::pause_reading):
// events Tor sends faster than torctld hands them on slow Tor down, and none is lost.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "torctl/client/connection.hpp"
#include "torctl/client/launch.hpp"

namespace torctl::daemon {

struct upstream_options {
  // Launch mode: the data directory (DIR/torrc is Tor's configuration, DIR/tor its state)
  // and the tor program.
  std::string data_directory;
  std::string tor_program = "tor";
  // Attach mode, when set: the running Tor's control port, and a password if it wants one.
  std::optional<client::endpoint> attach_to;
  auth::secret tor_password;
};

class upstream {
 public:
  // Launches or attaches, and returns once the control connection is authenticated.
  // Fails with one line saying why (tor missing, tor refusing its configuration with
  // Tor's own reason, no control port, authentication).
  static asio::awaitable<result<std::unique_ptr<upstream>, std::string>> start(
      asio::any_io_executor ex, upstream_options options);

  ~upstream();
  upstream(const upstream&) = delete;
  upstream& operator=(const upstream&) = delete;

  client::connection& control() noexcept;
  bool launched() const noexcept { return tor_.has_value(); }
  // Stops a launched Tor (blocking, bounded); does nothing when attached.
  void stop();
  // A launched Tor's exit status once it has exited on its own; nullopt before (or when
  // attached).
  std::optional<int> exit_status();

 private:
  upstream() = default;
  std::optional<client::launched_tor> tor_;
  std::optional<client::connection> attached_;
};

// From a launch failure's message (which quotes Tor's log), the one line that says why.
std::string one_line_reason(const std::string& message);

}  // namespace torctl::daemon
