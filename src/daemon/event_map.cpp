#include "event_map.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace torctl::daemon {

namespace {

using text_circ = text::circuit_status;
using text_stream = text::stream_status;
using text_orconn = text::orconn_status;

// Tor's decimal ids; nullopt for anything that is not one or does not fit 4 octets.
std::optional<std::uint32_t> id_of(std::string_view digits) noexcept {
  std::uint32_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [at, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || at != end) return std::nullopt;
  return value;
}

std::uint32_t saturated(std::uint64_t octets) noexcept {
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(octets, std::numeric_limits<std::uint32_t>::max()));
}

std::optional<tc::circuit_status> tc_status(text_circ s) noexcept {
  switch (s) {
    case text_circ::launched: return tc::circuit_status::launched;
    case text_circ::built: return tc::circuit_status::built;
    case text_circ::extended: return tc::circuit_status::extended;
    case text_circ::failed: return tc::circuit_status::failed;
    case text_circ::closed: return tc::circuit_status::closed;
    default: return std::nullopt;
  }
}

std::optional<tc::stream_status> tc_status(text_stream s) noexcept {
  switch (s) {
    case text_stream::sent_connect: return tc::stream_status::sent_connect;
    case text_stream::sent_resolve: return tc::stream_status::sent_resolve;
    case text_stream::succeeded: return tc::stream_status::succeeded;
    case text_stream::failed: return tc::stream_status::failed;
    case text_stream::closed: return tc::stream_status::closed;
    default: return std::nullopt;
  }
}

std::optional<tc::orconn_status> tc_status(text_orconn s) noexcept {
  switch (s) {
    case text_orconn::launched: return tc::orconn_status::launched;
    case text_orconn::connected: return tc::orconn_status::connected;
    case text_orconn::failed: return tc::orconn_status::failed;
    case text_orconn::closed: return tc::orconn_status::closed;
    default: return std::nullopt;
  }
}

// A string field ends at its NUL on the wire: cut a field at any NUL Tor's text holds,
// rather than drop the event.
std::string_view nul_free(std::string_view s, std::size_t limit) noexcept {
  return s.substr(0, std::min(s.find('\0'), limit));
}

struct mapper {
  // A path or target: the frame holds it with the status, the id and the NUL.
  static constexpr std::size_t max_field = 0xFFFF - 2 - 1 - 4 - 1;

  std::optional<tc::event_payload> operator()(const text::circuit_event& e) const {
    const auto status = tc_status(e.status);
    const auto id = id_of(e.id);
    if (!status || !id) return std::nullopt;
    return tc::circuit_status_event{*status, *id, nul_free(e.path, max_field)};
  }
  std::optional<tc::event_payload> operator()(const text::stream_event& e) const {
    const auto status = tc_status(e.status);
    const auto id = id_of(e.id);
    if (!status || !id) return std::nullopt;
    return tc::stream_status_event{*status, *id, nul_free(e.target, max_field)};
  }
  std::optional<tc::event_payload> operator()(const text::orconn_event& e) const {
    const auto status = tc_status(e.status);
    if (!status) return std::nullopt;
    return tc::orconn_status_event{*status, nul_free(e.target, max_field)};
  }
  std::optional<tc::event_payload> operator()(const text::bandwidth_event& e) const {
    return tc::bandwidth_event{saturated(e.read), saturated(e.written)};
  }
  std::optional<tc::event_payload> operator()(const text::log_event& e) const {
    switch (e.level) {
      case text::severity::notice:
      case text::severity::warn:
      case text::severity::err: return tc::log_message_event{nul_free(e.message, max_log_message)};
      default: return std::nullopt;
    }
  }
  template <class Other>
  std::optional<tc::event_payload> operator()(const Other&) const {
    return std::nullopt;
  }
};

}  // namespace

event_mask mask_of(std::span<const tc::event_code> codes) noexcept {
  event_mask mask = 0;
  for (const tc::event_code c : codes) {
    if (tc::is_known(c)) mask = static_cast<event_mask>(mask | bit_of(c));
  }
  return mask;
}

std::vector<std::string> tor_event_names(event_mask mask) {
  std::vector<std::string> names;
  if (has(mask, kind_index(tc::event_code::circuit_status))) names.emplace_back("CIRC");
  if (has(mask, kind_index(tc::event_code::stream_status))) names.emplace_back("STREAM");
  if (has(mask, kind_index(tc::event_code::orconn_status))) names.emplace_back("ORCONN");
  if (has(mask, kind_index(tc::event_code::bandwidth))) names.emplace_back("BW");
  if (has(mask, kind_index(tc::event_code::log_message))) {
    names.insert(names.end(), {"NOTICE", "WARN", "ERR"});
  }
  return names;
}

std::optional<tc::event_payload> to_tc_event(const text::event& e) {
  return std::visit(mapper{}, e.body);
}

}  // namespace torctl::daemon
