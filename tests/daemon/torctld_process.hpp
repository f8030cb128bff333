// A real torctld for one test: started as a child process with a private temporary
// directory and a free port on 127.0.0.1, launching Debian's tor offline (DisableNetwork
// 1). start() returns once the port accepts connections (torctld listens only once its
// Tor is ready) or torctld has exited. The destructor sends SIGTERM, then SIGKILL after a
// bound, by PID, and removes the directory, whatever the test's outcome.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torctl::testing {

class torctld_process {
 public:
  struct options {
    std::vector<std::string> torrc_lines = {"DisableNetwork 1", "SocksPort 0"};
    std::vector<std::string> extra_arguments;
    std::string directory;  // empty: a new temporary one, removed at the end
  };

  // Fails (nullptr, `error` says why, with torctld's output) if torctld exits first or
  // does not listen within the bound.
  static std::unique_ptr<torctld_process> start(const options& o, std::string& error);
  // Starts torctld and waits for it to exit; returns its status and output. For the
  // startup failures, which must end the process.
  static int run_to_exit(const options& o, std::vector<std::string> arguments, std::string& output);
  ~torctld_process();
  torctld_process(const torctld_process&) = delete;
  torctld_process& operator=(const torctld_process&) = delete;

  int port() const noexcept { return port_; }
  const std::string& directory() const noexcept { return directory_; }
  pid_t pid() const noexcept { return pid_; }
  std::string output() const;  // what torctld printed (its log)
  // The directory is no longer removed at the end: the caller takes it over.
  void keep_directory() noexcept { owns_directory_ = false; }
  // Sends `signal` and waits up to `bound_ms` for the exit; its status, or nullopt.
  std::optional<int> stop(int signal, int bound_ms);
  // Waits up to `bound_ms` for torctld to exit by itself; its status, or nullopt.
  std::optional<int> wait_exit(int bound_ms);

 private:
  torctld_process() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string directory_;
  bool owns_directory_ = false;
};

// The torctld program under test ($TORCTL_TORCTLD, else the one built with the tests).
std::string torctld_program();

}  // namespace torctl::testing
