// SIGNAL codes (spec 3.10).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace torctl::tc {

// The spec writes the last three codes in hex (0x10, 0x12, 0x15); later revisions of it
// say the decimal signal numbers 10, 12 and 15 were meant, and controllers of the time
// sent 0x0A, 0x0C and 0x0F. Both spellings decode; encoding writes the spec's.
enum class signal_code : std::uint8_t {
  reload = 0x01,    // reload configuration, refetch directory (SIGHUP)
  shutdown = 0x02,  // controlled shutdown (SIGINT)
  dump = 0x10,      // log open connections and circuits (SIGUSR1)
  debug = 0x12,     // switch logs to debug level (SIGUSR2)
  halt = 0x15,      // immediate shutdown (SIGTERM)
};

// Maps a wire octet, either spelling, to a signal; nullopt for anything else.
std::optional<signal_code> signal_from_octet(std::uint8_t octet) noexcept;

// True for the five values of signal_code.
bool is_known(signal_code code) noexcept;

// Lower-case name ("reload", "shutdown", "dump", "debug", "halt"); "unknown" otherwise.
std::string_view name(signal_code code) noexcept;

// The inverse of name(); nullopt for other names.
std::optional<signal_code> signal_from_name(std::string_view name) noexcept;

}  // namespace torctl::tc
