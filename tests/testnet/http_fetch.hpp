// An HTTP/1.0 GET over an already open connection (a SOCKS stream), for stream tests.
#pragma once

#include <cstddef>
#include <string>

#include "tcp_socket.hpp"

namespace torctl::testnet {

// The largest response read: far above what any test serves, so a runaway peer cannot
// exhaust memory.
inline constexpr std::size_t response_limit = std::size_t{64} << 20;

struct http_response {
  int status = 0;
  std::string head;  // status line and headers, up to and without the blank line
  std::string body;
};

// Sends "GET path" and reads the whole response, up to the peer closing the connection.
// Throws error on timeout, a response over response_limit, or one without a status line.
http_response http_get(tcp_socket& connection, const std::string& path, clock::time_point deadline);

}  // namespace torctl::testnet
