// TC message types (spec section 3) and which side may send each.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace torctl::tc {

enum class message_type : std::uint16_t {
  error = 0x0000,
  done = 0x0001,
  setconf = 0x0002,
  getconf = 0x0003,
  confvalue = 0x0004,
  setevents = 0x0005,
  event = 0x0006,
  authenticate = 0x0007,
  saveconf = 0x0008,
  signal = 0x0009,
  mapaddress = 0x000A,
  addressmapped = 0x000B,
  getallmappings = 0x000C,
};

inline constexpr std::uint16_t message_type_count = 13;

enum class sender : std::uint8_t { client, server };

// True for the thirteen types the spec defines.
constexpr bool is_known(std::uint16_t type) noexcept {
  return type < message_type_count;
}

// The spec's name for a type ("SETCONF"); "UNKNOWN" for others.
std::string_view name(message_type type) noexcept;

// Which side sends a type; nullopt for types the spec does not define.
std::optional<sender> sent_by(std::uint16_t type) noexcept;

}  // namespace torctl::tc
