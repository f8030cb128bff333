// How Tor's text-protocol events become TC EVENT payloads (TC spec 3.7), and which of
// Tor's events each TC event code needs. docs/protocol/tc.md lists what TC cannot carry.
//
//   TC code  Tor event        TC status octets (Tor statuses TC lacks are dropped)
//   0x0001   CIRC             LAUNCHED 0, BUILT 1, EXTENDED 2, FAILED 3, CLOSED 4
//                             (GUARD_WAIT dropped); the path as Tor wrote it
//   0x0002   STREAM           SENTCONNECT 0, SENTRESOLVE 1, SUCCEEDED 2, FAILED 3, CLOSED 4
//                             (NEW, NEWRESOLVE, REMAP, DETACHED, CONTROLLER_WAIT, XOFF_*,
//                             XON_* dropped); the target "address:port" as Tor wrote it
//   0x0003   ORCONN           LAUNCHED 0, CONNECTED 1, FAILED 2, CLOSED 3 (NEW dropped);
//                             the relay as Tor named it ("$FINGERPRINT~nick" or address)
//   0x0004   BW               octets read and written, each saturated at 2^32 - 1
//   0x0005   NOTICE WARN ERR  the message, cut at a NUL octet and to what one frame holds
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "torctl/tc/event.hpp"
#include "torctl/text/event.hpp"

namespace torctl::daemon {

// A set of TC event codes: bit (code - 1) for each of the five the spec defines.
using event_mask = std::uint8_t;
inline constexpr std::size_t event_kinds = 5;

constexpr std::size_t kind_index(tc::event_code code) noexcept {
  return static_cast<std::size_t>(static_cast<std::uint16_t>(code) - 1);
}
constexpr tc::event_code code_at(std::size_t index) noexcept {
  return static_cast<tc::event_code>(index + 1);
}
constexpr event_mask bit_of(tc::event_code code) noexcept {
  return static_cast<event_mask>(1U << kind_index(code));
}
constexpr bool has(event_mask mask, std::size_t index) noexcept {
  return ((static_cast<unsigned>(mask) >> index) & 1U) != 0;
}

// The mask of a SETEVENTS list (its codes are known: the decoder refuses others).
event_mask mask_of(std::span<const tc::event_code> codes) noexcept;

// The names Tor must be subscribed to for `mask`, in code order ("SETEVENTS" with none
// turns Tor's events off).
std::vector<std::string> tor_event_names(event_mask mask);

// The largest log message one EVENT frame carries: the body holds the 2-octet code,
// the message and its NUL.
inline constexpr std::size_t max_log_message = 0xFFFF - 2 - 1;

// The TC payload for one of Tor's events, or nullopt when TC has no form for it (a
// status TC lacks, another kind of event, an id wider than 4 octets, a log message
// below notice). The payload's views point into `e`.
std::optional<tc::event_payload> to_tc_event(const text::event& e);

}  // namespace torctl::daemon
