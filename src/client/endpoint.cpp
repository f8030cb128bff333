#include "torctl/client/endpoint.hpp"

#include <charconv>
#include <cstdlib>

namespace torctl::client {

namespace {

constexpr std::string_view unix_prefix = "unix:";

error bad(std::string_view text, std::string_view why) {
  return error(errc::invalid_argument, "endpoint \"" + std::string(text) +
                                           "\": " + std::string(why) +
                                           " (expected HOST:PORT, [IPV6]:PORT or unix:PATH)");
}

result<std::uint16_t, error> parse_port(std::string_view port, std::string_view whole) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return failure{bad(whole, "the port must be a number from 1 to 65535")};
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string endpoint::to_string() const {
  if (type == kind::unix_socket) return std::string(unix_prefix) + path;
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

result<endpoint, error> parse_endpoint(std::string_view text) {
  if (text.substr(0, unix_prefix.size()) == unix_prefix) {
    const std::string_view path = text.substr(unix_prefix.size());
    if (path.empty()) return failure{bad(text, "the socket path is empty")};
    return endpoint::unix_socket(std::string(path));
  }
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return failure{bad(text, "an IPv6 address in brackets must be followed by :PORT")};
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return failure{bad(text, "no port")};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return failure{bad(text, "an IPv6 address needs brackets")};
    }
  }
  if (host.empty()) return failure{bad(text, "the host is empty")};
  auto number = parse_port(port, text);
  if (!number) return failure{number.error()};
  return endpoint::tcp(std::string(host), *number);
}

environment process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

result<std::vector<endpoint>, error> discover_endpoints(const environment& env) {
  std::vector<endpoint> out;
  const auto get = [&](const char* name) -> std::optional<std::string> {
    auto v = env ? env(name) : std::nullopt;
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  if (auto path = get("TOR_CONTROL_IPC_PATH")) out.push_back(endpoint::unix_socket(*path));
  const auto host = get("TOR_CONTROL_HOST");
  const auto port = get("TOR_CONTROL_PORT");
  if (host || port) {
    std::uint16_t number = 9051;
    if (port) {
      auto parsed = parse_port(*port, "TOR_CONTROL_PORT=" + *port);
      if (!parsed) return failure{parsed.error()};
      number = *parsed;
    }
    out.push_back(endpoint::tcp(host.value_or("127.0.0.1"), number));
  }
  out.push_back(endpoint::unix_socket("/run/tor/control"));
  out.push_back(endpoint::tcp("127.0.0.1", 9051));
  out.push_back(endpoint::tcp("127.0.0.1", 9151));
  return out;
}

}  // namespace torctl::client
