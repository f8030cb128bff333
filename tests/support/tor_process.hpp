// A real tor for one test: loopback only, DisableNetwork 1, everything in a private
// temporary directory, ControlPort auto (the port is read back from the file tor writes),
// and __OwningControllerProcess set to the test process, so that tor exits by itself if
// the test dies. The destructor stops tor by its PID (SIGTERM, then SIGKILL after a
// bound) and removes the directory, whether the test passed or not.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace torctl::testing {

class tor_process {
 public:
  // Starts tor with the common lines above plus `extra_torrc_lines` (an extra SocksPort or
  // DisableNetwork line replaces the default one), and waits until its
  // control port is open. Returns nullptr and sets `error` (tor missing, tor refusing its
  // configuration, no control port within `ready_within`) otherwise.
  static std::unique_ptr<tor_process> start(
      const std::vector<std::string>& extra_torrc_lines, std::string& error,
      std::chrono::seconds ready_within = std::chrono::seconds(60));
  // The same with the control port fixed (for a tor restarted on the same port).
  static std::unique_ptr<tor_process> start_on_port(
      int control_port, const std::vector<std::string>& extra_torrc_lines, std::string& error,
      std::chrono::seconds ready_within = std::chrono::seconds(60));
  ~tor_process();

  // Kills tor with SIGKILL now and reaps it (the directory stays until destruction).
  void kill_now();

  tor_process(const tor_process&) = delete;
  tor_process& operator=(const tor_process&) = delete;

  int control_port() const { return control_port_; }
  const std::string& directory() const { return directory_; }
  std::string cookie_path() const { return directory_ + "/data/control_auth_cookie"; }
  pid_t pid() const { return pid_; }
  // The last lines of tor's log, for failure messages.
  std::string log_tail() const;

 private:
  tor_process() = default;

  std::string directory_;
  pid_t pid_ = -1;
  int control_port_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound, read and closed again).
int free_port();

// The tor program tests run: $TORCTL_TOR if set, else "tor" from PATH.
std::string tor_program();

// Runs a command and returns what it printed on standard output (tests only).
std::string run_and_capture(const std::vector<std::string>& argv, int& exit_status);

// A blocking text-protocol connection for tests: sends a line, reads one reply (up to
// and including its "NNN " end line; data blocks are not handled). Every read times out.
class control_connection {
 public:
  explicit control_connection(int port);
  ~control_connection();
  control_connection(const control_connection&) = delete;
  control_connection& operator=(const control_connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends `line` + CRLF and returns the reply's lines, CRLF removed; empty on failure.
  std::vector<std::string> command(const std::string& line);

 private:
  std::string read_line();

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace torctl::testing
