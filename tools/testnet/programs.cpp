#include "programs.hpp"

#include <cstdlib>

namespace torctl::testnet {

namespace {

std::string from_environment(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

std::string tor_program() {
  return from_environment("TORCTL_TOR", "tor");
}
std::string gencert_program() {
  return from_environment("TORCTL_TOR_GENCERT", "tor-gencert");
}

}  // namespace torctl::testnet
