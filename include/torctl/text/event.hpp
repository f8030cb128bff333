// Asynchronous events of Tor's text control protocol (control-spec 4.1), parsed into
// typed values without copying.
//
// Every view in a parsed event points into the reply it came from: the event is valid
// while that reply lives unchanged (moving the reply is fine; its lines stay put).
// Tor adds events, arguments and enum values over time, so nothing unknown is a failure:
// an unknown event keeps its keyword and line; an unknown status keeps its text beside
// `unknown`; unknown KEYWORD=value arguments stay readable through argument_reader over
// `event::line`. Only a known event missing what the grammar requires (a CIRC line with
// no status, BW with a non-numeric count) fails, with a reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::text {

enum class circuit_status : std::uint8_t {
  launched,
  built,
  guard_wait,
  extended,
  failed,
  closed,
  unknown
};
enum class stream_status : std::uint8_t {
  new_connect,
  new_resolve,
  remap,
  sent_connect,
  sent_resolve,
  succeeded,
  failed,
  closed,
  detached,
  controller_wait,
  xoff_sent,
  xoff_recv,
  xon_sent,
  xon_recv,
  unknown
};
enum class orconn_status : std::uint8_t {
  new_incoming,
  launched,
  connected,
  failed,
  closed,
  unknown
};
enum class severity : std::uint8_t { debug, info, notice, warn, err, unknown };

// "650 CIRC" CircuitID CircStatus [Path] [KEYWORD=value ...]
struct circuit_event {
  std::string_view id;
  circuit_status status = circuit_status::unknown;
  std::string_view status_text;
  std::string_view path;  // LongName *("," LongName); empty until the first hop is built
  std::string_view build_flags, purpose, hs_state, rend_query, time_created;
  std::string_view reason, remote_reason;
  std::string_view socks_username, socks_password;  // quoted inside, escapes in place
};

// "650 STREAM" StreamID StreamStatus CircuitID Target [KEYWORD=value ...]
struct stream_event {
  std::string_view id;
  stream_status status = stream_status::unknown;
  std::string_view status_text;
  std::string_view circuit_id;  // "0" when not attached
  std::string_view target;      // Address ":" Port, as sent
  std::string_view target_host;
  std::optional<std::uint16_t> target_port;
  std::string_view reason, remote_reason, source, source_addr, purpose;
  std::string_view client_protocol, nym_epoch, session_group, iso_fields;
  std::string_view socks_username, socks_password;
};

// "650 ORCONN" (LongName / Address:Port) ORStatus [REASON=] [NCIRCS=] [ID=]
struct orconn_event {
  std::string_view target;
  orconn_status status = orconn_status::unknown;
  std::string_view status_text;
  std::string_view reason, id;
  std::optional<std::uint32_t> circuit_count;  // NCIRCS
};

// "650 BW" BytesRead BytesWritten [Type=Num ...]
struct bandwidth_event {
  std::uint64_t read = 0;
  std::uint64_t written = 0;
};

// "650 NOTICE text", or "650+NOTICE" with the message as a data block.
struct log_event {
  severity level = severity::unknown;
  std::string_view message;  // a data block's final line end removed
};

// "650 ADDRMAP" Address NewAddress Expiry [error=] [EXPIRES=] [CACHED=] [STREAMID=]
struct addrmap_event {
  std::string_view from, to;  // `to` is "<error>" when the lookup failed
  bool failed = false;        // to == "<error>"
  bool never_expires = false;
  std::string_view expiry_local;  // quoted local time without quotes; empty for NEVER
  std::string_view error_code, expires_utc, stream_id;
  std::optional<bool> cached;
};

// "650-CONF_CHANGED" then one line per option, "KEY=VALUE" or "KEY" (back to default).
struct config_change {
  std::string_view key;
  std::optional<std::string_view> value;
  friend bool operator==(const config_change&, const config_change&) = default;
};
struct conf_changed_event {
  std::vector<config_change> changes;
};

// "650 SIGNAL" Signal
struct signal_event {
  std::string_view name;  // RELOAD, DUMP, DEBUG, NEWNYM, CLEARDNSCACHE, and any newer
};

// "650 STATUS_GENERAL|STATUS_CLIENT|STATUS_SERVER" Severity Action [KEYWORD=value ...]
enum class status_kind : std::uint8_t { general, client, server };
struct status_event {
  status_kind kind = status_kind::general;
  severity level = severity::unknown;
  std::string_view severity_text, action;
  std::string_view arguments;  // the KEYWORD=value arguments, for argument_reader
};

// Any other event: its keyword and line are in `event`.
struct unknown_event {};

struct event {
  std::string_view keyword;  // CIRC, STREAM, NOTICE, CONF_CHANGED, ...
  std::string_view line;     // the first line's text after the keyword and its space
  std::variant<unknown_event, circuit_event, stream_event, orconn_event, bandwidth_event, log_event,
               addrmap_event, conf_changed_event, signal_event, status_event>
      body;
};

// Parses an event reply (status 650). Fails with a static reason for a reply that is not
// an event, or a known event that breaks its grammar.
result<event, std::string_view> parse_event(const reply& r);

// One hop of a circuit path: "$" fingerprint ["~" / "=" nickname], or a bare nickname
// (Tor before 0.2.2.1).
struct long_name {
  std::string_view fingerprint;  // 40 hex digits without '$'; empty for a bare nickname
  std::string_view nickname;
};
long_name parse_long_name(std::string_view text) noexcept;

// Calls `visit(long_name)` for each comma-separated hop of a path.
template <class Visit>
void for_each_hop(std::string_view path, Visit&& visit) {
  while (!path.empty()) {
    const std::size_t comma = path.find(',');
    visit(parse_long_name(path.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    path.remove_prefix(comma + 1);
  }
}

std::string_view to_string(circuit_status) noexcept;
std::string_view to_string(stream_status) noexcept;
std::string_view to_string(orconn_status) noexcept;
std::string_view to_string(severity) noexcept;

}  // namespace torctl::text
