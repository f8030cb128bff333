// A client node that a test starts against the running network and owns. It is started
// with DisableNetwork 1, so the test can subscribe to events before the client makes a
// single connection, then let it go with SETCONF DisableNetwork=0; everything it does
// afterwards (OR connections, circuits, streams) is then seen from the start.
//
// It lives in a fresh directory under the network's extra/ directory. The destructor
// stops it by PID (SIGTERM, then SIGKILL) and removes that directory, whether the test
// passed or not; __OwningControllerProcess makes tor exit by itself if the test process
// dies first; and `torctl-testnet down` reports any tor still reading a torrc under the
// network's directory, so a leaked client fails the fixture's cleanup.
#pragma once

#include <filesystem>
#include <string>

#include "control_connection.hpp"
#include "network.hpp"
#include "process.hpp"
#include "torrc.hpp"

namespace torctl::testnet {

// How long the client's control port may take to open after start.
inline constexpr std::chrono::seconds control_port_timeout{30};

class extra_client {
 public:
  // Writes the client's torrc (free control and SOCKS ports), checks it with
  // tor --verify-config, and starts tor. Throws error if any step fails.
  extra_client(const network& net, const std::string& nick);
  ~extra_client();
  extra_client(const extra_client&) = delete;
  extra_client& operator=(const extra_client&) = delete;

  // An authenticated control connection, waiting for the control port to open. Throws
  // error if tor exits or the port does not open within control_port_timeout.
  control_connection connect();

  const node& description() const noexcept { return node_; }
  const node_files& files() const noexcept { return files_; }
  const process_identity& process() const noexcept { return process_; }

  // Stops the client now; true once its process is gone. The destructor does the same.
  bool stop();

 private:
  node node_;
  node_files files_;
  process_identity process_;
};

}  // namespace torctl::testnet
