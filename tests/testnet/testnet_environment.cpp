#include "testnet_environment.hpp"

#include <cstdlib>
#include <string>

#include "error.hpp"
#include "run_record.hpp"

namespace torctl::testnet {

network running_network() {
  const char* directory = std::getenv(directory_variable);
  if (directory == nullptr || *directory == '\0') {
    throw error(std::string(directory_variable) +
                " is not set: run this test through ctest, whose fixture \"testnet\" starts "
                "the network, or point it at a network started with torctl-testnet up");
  }
  network net = load(directory);
  const run_record record = load_run_record(net);
  for (const node& n : net.nodes) {
    const started_node* started = record.find(n.nick);
    if (started == nullptr || !is_node_running(net, *started)) {
      throw error("node " + n.nick + " of the network in " + net.directory.string() +
                  " is not running (did the fixture testnet_setup fail?)");
    }
  }
  return net;
}

}  // namespace torctl::testnet
