// How torctl-testnet reports failure: every function in tools/testnet that cannot do its
// job throws testnet::error with a message for people, naming the node, file, port or
// program concerned. The command-line program prints it and exits non-zero; tests get it
// as a failed test with the message.
#pragma once

#include <stdexcept>
#include <string>

namespace torctl::testnet {

class error : public std::runtime_error {
 public:
  explicit error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace torctl::testnet
