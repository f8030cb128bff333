#include "torctl/client/types.hpp"

#include <array>
#include <utility>

#include "torctl/text/arguments.hpp"

namespace torctl::client {

namespace {

struct signal_name {
  signal value;
  std::string_view name;
  std::string_view posix;  // the POSIX name Tor also accepts, if any
};

constexpr std::array<signal_name, 10> signal_names = {{
    {signal::reload, "RELOAD", "HUP"},
    {signal::shutdown, "SHUTDOWN", "INT"},
    {signal::dump, "DUMP", "USR1"},
    {signal::debug, "DEBUG", "USR2"},
    {signal::halt, "HALT", "TERM"},
    {signal::newnym, "NEWNYM", ""},
    {signal::cleardnscache, "CLEARDNSCACHE", ""},
    {signal::heartbeat, "HEARTBEAT", ""},
    {signal::active, "ACTIVE", ""},
    {signal::dormant, "DORMANT", ""},
}};

}  // namespace

std::string_view to_string(signal s) noexcept {
  for (const signal_name& n : signal_names) {
    if (n.value == s) return n.name;
  }
  return "UNKNOWN";
}

std::optional<signal> signal_from_name(std::string_view name) noexcept {
  for (const signal_name& n : signal_names) {
    if (text::equal_ignoring_case(name, n.name) ||
        (!n.posix.empty() && text::equal_ignoring_case(name, n.posix))) {
      return n.value;
    }
  }
  return std::nullopt;
}

}  // namespace torctl::client
