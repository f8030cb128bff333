#include "ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <string>

#include "error.hpp"

namespace torctl::testnet {

namespace {

// The first busy port among base + offsets, or nullopt if all are free.
std::optional<std::uint16_t> first_busy(std::uint16_t base,
                                        const std::vector<std::uint16_t>& offsets) {
  for (const std::uint16_t offset : offsets) {
    const auto port = static_cast<std::uint16_t>(base + offset);
    if (!port_is_free(port)) return port;
  }
  return std::nullopt;
}

}  // namespace

bool port_is_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

std::uint16_t choose_base_port(const std::vector<std::uint16_t>& offsets,
                               std::optional<std::uint16_t> requested) {
  if (requested) {
    if (const auto busy = first_busy(*requested, offsets)) {
      throw error("port " + std::to_string(*busy) + " on 127.0.0.1 is in use; choose another " +
                  "--base-port");
    }
    return *requested;
  }
  std::random_device seed;
  std::mt19937 random(seed());
  std::uniform_int_distribution<int> pick(lowest_base / port_stride, highest_base / port_stride);
  for (int attempt = 0; attempt < base_attempts; ++attempt) {
    const auto base = static_cast<std::uint16_t>(pick(random) * port_stride);
    if (!first_busy(base, offsets)) return base;
  }
  throw error("found no free ports on 127.0.0.1 between " + std::to_string(lowest_base) + " and " +
              std::to_string(highest_base));
}

}  // namespace torctl::testnet
