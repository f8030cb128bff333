// Where a control port is: "HOST:PORT" (TCP) or "unix:PATH" (a Unix socket), and how to
// find one when the user names none.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/client/error.hpp"
#include "torctl/result.hpp"

namespace torctl::client {

struct endpoint {
  enum class kind : std::uint8_t { tcp, unix_socket };
  kind type = kind::tcp;
  std::string host;  // tcp: a name or an address literal (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string path;  // unix_socket

  static endpoint tcp(std::string host, std::uint16_t port) {
    return {kind::tcp, std::move(host), port, {}};
  }
  static endpoint unix_socket(std::string path) {
    return {kind::unix_socket, {}, 0, std::move(path)};
  }

  // "127.0.0.1:9051", "[::1]:9051" or "unix:/run/tor/control".
  std::string to_string() const;
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

// Parses "HOST:PORT", "[IPV6]:PORT" or "unix:PATH". Fails with invalid_argument naming the
// mistake: no port, a port that is not 1 to 65535, an empty host or path.
result<endpoint, error> parse_endpoint(std::string_view text);

// Reads an environment variable; the default reads the process environment. Tests pass
// their own.
using environment = std::function<std::optional<std::string>(const char* name)>;
environment process_environment();

// The endpoints to try, in order, when the user names none:
//   TOR_CONTROL_IPC_PATH (a Unix socket), then TOR_CONTROL_HOST / TOR_CONTROL_PORT (either
//   may be missing: 127.0.0.1 and 9051 stand in), then /run/tor/control (Debian's tor),
//   127.0.0.1:9051 (tor's usual control port) and 127.0.0.1:9151 (Tor Browser's).
// Fails with invalid_argument if a variable is set but malformed (a bad port), rather than
// silently trying something else.
result<std::vector<endpoint>, error> discover_endpoints(const environment& env);

}  // namespace torctl::client
