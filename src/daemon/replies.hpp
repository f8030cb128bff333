// Encoding torctld's answers as TC frame_bytes, and turning what Tor (or the client library)
// said into the TC error a controller should see.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/client/error.hpp"
#include "torctl/client/types.hpp"
#include "torctl/tc/address.hpp"
#include "torctl/tc/error_code.hpp"

namespace torctl::daemon {

using frame_bytes = std::vector<std::uint8_t>;

frame_bytes done_frame();
// ERROR with `code` and `text`; a text too long for one frame is cut (with "...").
frame_bytes error_frame(tc::error_code code, std::string_view text);
// CONFVALUE, or ERROR 0x0009 when the entries do not fit one frame's 65,535 octets.
frame_bytes confvalue_frame(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& entries);
// ADDRESSMAPPED for a mapping as Tor wrote it (IPv6 in brackets or not).
frame_bytes addressmapped_frame(const client::address_mapping& m);

// Which request an error answers: the same Tor reply code means different TC errors.
enum class request_kind : std::uint8_t { getconf, setconf, saveconf, signal, mapaddress, other };

// The TC error for a failed operation: Tor's refusals by their reply code (552 an
// unknown key, or an unknown signal; 513 and 553 a bad value; 512 bad syntax; 451
// resource exhausted), anything else, and an unreachable Tor, as an internal error
// (0x0001) carrying the reason.
frame_bytes error_frame_for(const client::error& e, request_kind kind);

// A TC address as text for the text protocol's MAPADDRESS: the null addresses as the
// client library's "server chooses" spellings, IPv6 in brackets.
std::string address_text(const tc::address& a);

}  // namespace torctl::daemon
