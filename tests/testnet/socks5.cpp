#include "socks5.hpp"

#include <string>
#include <vector>

#include "error.hpp"

namespace torctl::testnet {

namespace {

constexpr std::uint8_t version = 5;
constexpr std::uint8_t no_authentication = 0;
constexpr std::uint8_t connect_command = 1;
constexpr std::uint8_t reserved = 0;
constexpr std::uint8_t ipv4_type = 1;
constexpr std::uint8_t name_type = 3;
constexpr std::uint8_t ipv6_type = 4;
constexpr std::uint8_t succeeded = 0;

// Reads the bound address at the end of a reply, whose length depends on its type.
void skip_bound_address(tcp_socket& s, std::uint8_t type, clock::time_point deadline) {
  std::size_t length = 0;
  if (type == ipv4_type) {
    length = 4;
  } else if (type == ipv6_type) {
    length = 16;
  } else if (type == name_type) {
    std::array<std::uint8_t, 1> size{};
    s.receive_exactly(size, deadline);
    length = size[0];
  } else {
    throw error("SOCKS5 reply with unknown address type " + std::to_string(type));
  }
  std::vector<std::uint8_t> rest(length + 2);  // the address and its port
  s.receive_exactly(rest, deadline);
}

}  // namespace

std::string_view socks5_reply_meaning(std::uint8_t code) noexcept {
  switch (code) {
    case 0: return "succeeded";
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unassigned reply code";
  }
}

tcp_socket socks5_connect(std::uint16_t socks_port, ipv4_address address, std::uint16_t port,
                          clock::time_point deadline) {
  tcp_socket s(socks_port, deadline);
  const std::array<std::uint8_t, 3> greeting = {version, 1, no_authentication};
  s.send_all(greeting, deadline);
  std::array<std::uint8_t, 2> chosen{};
  s.receive_exactly(chosen, deadline);
  if (chosen[0] != version || chosen[1] != no_authentication) {
    throw error("the SOCKS server on port " + std::to_string(socks_port) +
                " wants an authentication method we do not offer");
  }
  const std::array<std::uint8_t, 10> request = {version,
                                                connect_command,
                                                reserved,
                                                ipv4_type,
                                                address[0],
                                                address[1],
                                                address[2],
                                                address[3],
                                                static_cast<std::uint8_t>(port >> 8),
                                                static_cast<std::uint8_t>(port & 0xFF)};
  s.send_all(request, deadline);
  std::array<std::uint8_t, 4> reply{};
  s.receive_exactly(reply, deadline);
  if (reply[0] != version) throw error("the SOCKS server answered in another protocol version");
  if (reply[1] != succeeded) {
    throw error("the SOCKS server refused CONNECT: reply " + std::to_string(reply[1]) + " (" +
                std::string(socks5_reply_meaning(reply[1])) + ")");
  }
  skip_bound_address(s, reply[3], deadline);
  return s;
}

}  // namespace torctl::testnet
