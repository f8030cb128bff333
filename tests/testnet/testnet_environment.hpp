// How a test finds the private network that the ctest fixture "testnet" started: the
// fixture's tests get TORCTL_TESTNET_DIR, the network's directory (tests/testnet/
// CMakeLists.txt sets it).
#pragma once

#include "network.hpp"

namespace torctl::testnet {

inline constexpr const char* directory_variable = "TORCTL_TESTNET_DIR";

// The network named by $TORCTL_TESTNET_DIR, checked to be running: every node `up`
// started is still alive. Throws error saying what is missing otherwise (the variable is
// unset because the test was run outside ctest, the network was never created, or a
// node has died), so a test fails with the reason instead of skipping.
network running_network();

}  // namespace torctl::testnet
