// Launching a Tor that this process owns: started with a configuration made here,
// connected and authenticated over its control port, and bound to this process so that
// it exits when this process does, however this process ends.
//
// How the binding works: Tor is told (__OwningControllerProcess) to exit when this
// process's PID goes away, and the control connection takes ownership (TAKEOWNERSHIP),
// so Tor also exits as soon as that connection closes, which the kernel does for a
// process killed with SIGKILL. stop() and the destructor end Tor by closing the
// connection, then SIGTERM, then SIGKILL, each after a bound, and reap it: no orphans, no
// zombies.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "torctl/client/connection.hpp"

namespace torctl::client {

struct bootstrap_status {
  int progress = 0;     // 0 to 100
  std::string tag;      // Tor's short name of the phase ("conn", "done", ...)
  std::string summary;  // for people ("Connecting to a relay")
};

struct launch_options {
  std::string tor_program = "tor";  // found through PATH unless it holds a '/'
  // Tor's data directory; created (mode 0700) if missing. Empty: a new private
  // temporary directory, removed when the Tor is stopped.
  std::string data_directory;
  // torrc lines of the caller's, after the ones this launcher needs (DataDirectory,
  // ControlPort auto, ControlPortWriteToFile, CookieAuthentication 1,
  // __OwningControllerProcess), which it passes as Tor's defaults so that a SAVECONF
  // never writes them into the caller's torrc (DATA_DIRECTORY/torrc).
  std::vector<std::string> torrc_lines;
  // Use DATA_DIRECTORY/torrc as it is (created empty if missing) instead of writing
  // `torrc_lines` into it: for a Tor whose configuration persists (SAVECONF writes it).
  bool keep_torrc = false;
  // From the start until the control port is open and authenticated.
  std::chrono::milliseconds ready_timeout{60000};
  // Wait until Tor has bootstrapped to 100 % (not with DisableNetwork 1), reporting each
  // change of progress to `on_progress`.
  bool wait_for_bootstrap = true;
  std::chrono::milliseconds bootstrap_timeout{300000};
  std::function<void(const bootstrap_status&)> on_progress;
  // For the control connection (endpoints and protocol are set by the launcher).
  connect_options connection;
};

class launched_tor {
 public:
  // Fails with launch_failed (tor missing, tor refusing its configuration, with the end
  // of its log; no control port in time; no bootstrap in time) or the connection's own
  // errors. Nothing is left running after a failure.
  static awaitable_outcome<launched_tor> launch(asio::any_io_executor ex, launch_options options);

  launched_tor(launched_tor&&) noexcept;
  launched_tor& operator=(launched_tor&&) noexcept;
  ~launched_tor();

  connection& control() noexcept { return control_; }
  pid_t pid() const noexcept { return pid_; }
  const std::string& data_directory() const noexcept { return data_directory_; }
  // The last lines of Tor's log (DATA_DIRECTORY/tor.log), for messages.
  std::string log_tail() const;
  // True once Tor has exited (it is reaped then); exit_status() tells how.
  bool exited();
  std::optional<int> exit_status() const noexcept { return exit_status_; }

  // Ends Tor (see above) and waits for it, at most about 20 s in all. Blocking.
  void stop();

 private:
  launched_tor(connection c, pid_t pid, std::string dir, bool owns_dir);

  connection control_;
  pid_t pid_ = -1;
  std::string data_directory_;
  bool owns_directory_ = false;
  std::optional<int> exit_status_;
};

}  // namespace torctl::client
