// The values the client's typed operations take and return, the same for both protocols.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace torctl::client {

enum class protocol : std::uint8_t {
  text,  // Tor's line-based control protocol: what every Tor since 0.1.1 speaks
  tc,    // the original binary protocol: what torctld serves
};

// One configuration entry. A key without a value is an option at its default when it is
// read (GETCONF), and means "back to the default" when it is written.
struct config_entry {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const config_entry&, const config_entry&) = default;
};

// The result of an operation that succeeds without a value.
struct done {
  friend bool operator==(const done&, const done&) = default;
};

// One GETINFO answer (text protocol).
struct info_value {
  std::string key;
  std::string value;
  friend bool operator==(const info_value&, const info_value&) = default;
};

// One TC frame as received (raw_tc answers): its type and body.
struct tc_frame {
  std::uint16_t type = 0;
  std::vector<std::uint8_t> body;
  friend bool operator==(const tc_frame&, const tc_frame&) = default;
};

// One address mapping: SOCKS requests for `from` go to `to`.
struct address_mapping {
  std::string from;
  std::string to;
  std::optional<std::string> expires;  // UTC "YYYY-MM-DD HH:MM:SS"; none: never
  friend bool operator==(const address_mapping&, const address_mapping&) = default;
};

// Addresses that ask the server to choose the address mapped from (map_address).
inline constexpr std::string_view any_ipv4 = "0.0.0.0";
inline constexpr std::string_view any_ipv6 = "::";
inline constexpr std::string_view any_hostname = ".";

// Signals. The first five exist in both protocols; the rest in the text protocol only.
enum class signal : std::uint8_t {
  reload,         // re-read the configuration (SIGHUP)
  shutdown,       // controlled shutdown: a relay closes its listeners and waits (SIGINT)
  dump,           // log open connections and circuits (SIGUSR1)
  debug,          // switch every log to debug level (SIGUSR2)
  halt,           // immediate shutdown (SIGTERM)
  newnym,         // new circuits for new streams
  cleardnscache,  // forget cached DNS answers
  heartbeat,      // log a heartbeat message now
  active,         // leave dormant mode
  dormant,        // enter dormant mode
};

// Upper-case, as the text protocol spells them ("RELOAD").
std::string_view to_string(signal s) noexcept;
// Either case; nullopt for an unknown name. "HUP", "INT", "USR1", "USR2" and "TERM" are
// accepted for the first five, as Tor accepts them.
std::optional<signal> signal_from_name(std::string_view name) noexcept;

}  // namespace torctl::client
