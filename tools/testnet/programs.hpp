// The external programs the network is built from: Debian's tor and tor-gencert, or
// others named by $TORCTL_TOR and $TORCTL_TOR_GENCERT (the tests use the same variable
// for tor).
#pragma once

#include <string>

namespace torctl::testnet {

std::string tor_program();
std::string gencert_program();

}  // namespace torctl::testnet
