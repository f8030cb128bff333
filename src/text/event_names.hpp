// Internal: the names of the event enums, both ways, and helpers shared by the event
// parsers.
#pragma once

#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "torctl/text/event.hpp"

namespace torctl::text::detail {

template <class Enum, std::size_t N>
using name_table = std::array<std::pair<std::string_view, Enum>, N>;

inline constexpr name_table<circuit_status, 6> circuit_status_names{{
    {"LAUNCHED", circuit_status::launched},
    {"BUILT", circuit_status::built},
    {"GUARD_WAIT", circuit_status::guard_wait},
    {"EXTENDED", circuit_status::extended},
    {"FAILED", circuit_status::failed},
    {"CLOSED", circuit_status::closed},
}};

inline constexpr name_table<stream_status, 14> stream_status_names{{
    {"NEW", stream_status::new_connect},
    {"NEWRESOLVE", stream_status::new_resolve},
    {"REMAP", stream_status::remap},
    {"SENTCONNECT", stream_status::sent_connect},
    {"SENTRESOLVE", stream_status::sent_resolve},
    {"SUCCEEDED", stream_status::succeeded},
    {"FAILED", stream_status::failed},
    {"CLOSED", stream_status::closed},
    {"DETACHED", stream_status::detached},
    {"CONTROLLER_WAIT", stream_status::controller_wait},
    {"XOFF_SENT", stream_status::xoff_sent},
    {"XOFF_RECV", stream_status::xoff_recv},
    {"XON_SENT", stream_status::xon_sent},
    {"XON_RECV", stream_status::xon_recv},
}};

inline constexpr name_table<orconn_status, 5> orconn_status_names{{
    {"NEW", orconn_status::new_incoming},
    {"LAUNCHED", orconn_status::launched},
    {"CONNECTED", orconn_status::connected},
    {"FAILED", orconn_status::failed},
    {"CLOSED", orconn_status::closed},
}};

inline constexpr name_table<severity, 5> severity_names{{
    {"DEBUG", severity::debug},
    {"INFO", severity::info},
    {"NOTICE", severity::notice},
    {"WARN", severity::warn},
    {"ERR", severity::err},
}};

template <class Enum, std::size_t N>
constexpr Enum lookup(const name_table<Enum, N>& table, std::string_view name,
                      Enum unknown) noexcept {
  for (const auto& [text, value] : table) {
    if (text == name) return value;
  }
  return unknown;
}

template <class Enum, std::size_t N>
constexpr std::string_view name_of(const name_table<Enum, N>& table, Enum value) noexcept {
  for (const auto& [text, entry] : table) {
    if (entry == value) return text;
  }
  return "UNKNOWN";
}

// A decimal number that fits T, all of `text`; nullopt otherwise.
template <class T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace torctl::text::detail
