// A minimal SOCKS5 client (RFC 1928): no authentication, CONNECT to an IPv4 address.
// Tests reach their targets by IP literal only: the exit resolves nothing (its resolver
// is 127.0.0.1, where nothing answers), and a name makes the client refuse at once.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "tcp_socket.hpp"

namespace torctl::testnet {

using ipv4_address = std::array<std::uint8_t, 4>;
inline constexpr ipv4_address loopback_address = {127, 0, 0, 1};

// Opens a stream through the SOCKS server on 127.0.0.1:socks_port to address:port, and
// returns the connection, ready to carry the stream's data. Throws error, with the
// server's reply code and its meaning, if the server refuses, or on timeout.
tcp_socket socks5_connect(std::uint16_t socks_port, ipv4_address address, std::uint16_t port,
                          clock::time_point deadline);

// The meaning of a SOCKS5 reply code ("connection refused", ...).
std::string_view socks5_reply_meaning(std::uint8_t code) noexcept;

}  // namespace torctl::testnet
