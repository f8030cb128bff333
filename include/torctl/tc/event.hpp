// EVENT payloads (spec 3.7) and SETEVENTS code lists (spec 3.6).
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "torctl/result.hpp"
#include "torctl/tc/bytes.hpp"
#include "torctl/tc/error_code.hpp"
#include "torctl/tc/wire_list.hpp"

namespace torctl::tc {

enum class event_code : std::uint16_t {
  circuit_status = 0x0001,
  stream_status = 0x0002,
  orconn_status = 0x0003,
  bandwidth = 0x0004,
  log_message = 0x0005,  // "Notice/warning/error occurred"
};

constexpr bool is_known(event_code code) noexcept {
  return static_cast<std::uint16_t>(code) >= 1 && static_cast<std::uint16_t>(code) <= 5;
}

// The spec's meaning of a code ("circuit status"); "unknown event" for others.
std::string_view describe(event_code code) noexcept;

// Status octets. A peer may send a value the spec does not list: decoding keeps it
// (check with is_known) rather than failing, as clients must ignore what they do not
// understand.
enum class circuit_status : std::uint8_t {
  launched = 0,
  built = 1,
  extended = 2,
  failed = 3,
  closed = 4,
};
enum class stream_status : std::uint8_t {
  sent_connect = 0,
  sent_resolve = 1,
  succeeded = 2,
  failed = 3,
  closed = 4,
};
enum class orconn_status : std::uint8_t {
  launched = 0,
  connected = 1,
  failed = 2,
  closed = 3,
};

constexpr bool is_known(circuit_status s) noexcept {
  return static_cast<std::uint8_t>(s) <= 4;
}
constexpr bool is_known(stream_status s) noexcept {
  return static_cast<std::uint8_t>(s) <= 4;
}
constexpr bool is_known(orconn_status s) noexcept {
  return static_cast<std::uint8_t>(s) <= 3;
}

// Lower-case spec names ("launched", "sent connect"); "unknown" for other values.
std::string_view name(circuit_status s) noexcept;
std::string_view name(stream_status s) noexcept;
std::string_view name(orconn_status s) noexcept;

// 0x0001. `path` is the comma-separated list of relays built so far (may be empty).
struct circuit_status_event {
  circuit_status status = circuit_status::launched;
  std::uint32_t circuit_id = 0;
  std::string_view path;
  friend bool operator==(const circuit_status_event&, const circuit_status_event&) = default;
};

// 0x0002. `target` is "address:port".
struct stream_status_event {
  stream_status status = stream_status::sent_connect;
  std::uint32_t stream_id = 0;
  std::string_view target;
  friend bool operator==(const stream_status_event&, const stream_status_event&) = default;
};

// 0x0003. `router` is the relay's nickname or identity.
struct orconn_status_event {
  orconn_status status = orconn_status::launched;
  std::string_view router;
  friend bool operator==(const orconn_status_event&, const orconn_status_event&) = default;
};

// 0x0004. Octets read and written in the last second.
struct bandwidth_event {
  std::uint32_t bytes_read = 0;
  std::uint32_t bytes_written = 0;
  friend bool operator==(const bandwidth_event&, const bandwidth_event&) = default;
};

// 0x0005. The text of a notice, warning or error.
struct log_message_event {
  std::string_view message;
  friend bool operator==(const log_message_event&, const log_message_event&) = default;
};

// Any other code, with its payload kept raw. Encoding refuses a known code here: use
// the typed payload instead.
struct unknown_event {
  std::uint16_t code = 0;
  bytes_view payload;
  friend bool operator==(const unknown_event& a, const unknown_event& b) {
    return a.code == b.code && as_text(a.payload) == as_text(b.payload);
  }
};

using event_payload = std::variant<circuit_status_event, stream_status_event, orconn_status_event,
                                   bandwidth_event, log_message_event, unknown_event>;

// The code an event payload is sent under.
event_code code_of(const event_payload& payload) noexcept;

// Reads the payload that follows the 2-octet code. Structural faults (short payload,
// missing NUL, trailing octets) are syntax errors; unknown codes become unknown_event.
result<event_payload, decode_error> decode_event_payload(std::uint16_t code,
                                                         bytes_view payload) noexcept;

// Checks a payload for encoding; returns its size (code excluded).
result<std::size_t, encode_error> measure_event_payload(const event_payload& p) noexcept;
// Writes a payload measured before (code excluded); returns the end of what it wrote.
std::uint8_t* write_event_payload(const event_payload& p, std::uint8_t* out) noexcept;

// SETEVENTS bodies: 2-octet codes. Decoding accepts only the five codes the spec
// defines (anything else is ERROR 0x0006); encoding writes any code it is given.
struct event_code_grammar {
  using element = event_code;
  static result<std::size_t, decode_error> validate(bytes_view body) noexcept;
  static void next(bytes_view& rest, element& out) noexcept;
  static result<std::size_t, encode_error> measure(const element&) noexcept { return 2; }
  static std::uint8_t* write(const element& code, std::uint8_t* out) noexcept;
};

using event_codes = wire_list<event_code_grammar>;

}  // namespace torctl::tc
