// Internal: hex and base64 for stored hashes and protocol arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace torctl::auth::encoding {

// Upper-case hex, as Tor writes it.
std::string to_hex(std::span<const std::uint8_t> bytes);

// Hex in either case; nullopt for an odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

// Standard base64 (A-Z a-z 0-9 + /), with or without '=' padding; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

}  // namespace torctl::auth::encoding
