// Typed TC messages (spec section 3): decoding a frame's body into one, and encoding
// one into a caller's buffer. No I/O, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/tc/address.hpp"
#include "torctl/tc/bytes.hpp"
#include "torctl/tc/config_lines.hpp"
#include "torctl/tc/error_code.hpp"
#include "torctl/tc/event.hpp"
#include "torctl/tc/frame.hpp"
#include "torctl/tc/message_type.hpp"
#include "torctl/tc/signal.hpp"

namespace torctl::tc {

// Every message type is a plain struct of views. A decoded message borrows from the
// frame it came from; a message to encode borrows from the caller.

// 0x0000, server to client.
struct error_message {
  error_code code = error_code::unspecified;
  std::string_view text;  // human-readable; any octets
  friend bool operator==(const error_message&, const error_message&) = default;
};

// 0x0001, server to client. Empty body.
struct done_message {
  friend bool operator==(const done_message&, const done_message&) = default;
};

// 0x0002, client to server.
struct setconf_message {
  setconf_lines lines;
  friend bool operator==(const setconf_message&, const setconf_message&) = default;
};

// 0x0003, client to server.
struct getconf_message {
  getconf_keys keys;
  friend bool operator==(const getconf_message&, const getconf_message&) = default;
};

// 0x0004, server to client.
struct confvalue_message {
  confvalue_lines lines;
  friend bool operator==(const confvalue_message&, const confvalue_message&) = default;
};

// 0x0005, client to server. An empty list turns every event off.
struct setevents_message {
  event_codes codes;
  friend bool operator==(const setevents_message&, const setevents_message&) = default;
};

// 0x0006, server to client.
struct event_message {
  event_payload payload;
  friend bool operator==(const event_message&, const event_message&) = default;
};

// 0x0007, client to server. The credential is opaque: empty, a 32-octet cookie, or a
// passphrase. It is a secret: do not log it.
struct authenticate_message {
  bytes_view credential;
  friend bool operator==(const authenticate_message& a, const authenticate_message& b) {
    return as_text(a.credential) == as_text(b.credential);
  }
};

// 0x0008, client to server. Empty body.
struct saveconf_message {
  friend bool operator==(const saveconf_message&, const saveconf_message&) = default;
};

// 0x0009, client to server. One octet.
struct signal_message {
  signal_code signal = signal_code::reload;
  friend bool operator==(const signal_message&, const signal_message&) = default;
};

// 0x000A, client to server. A null original asks the server to pick one.
struct mapaddress_message {
  address original;
  address replacement;
  friend bool operator==(const mapaddress_message&, const mapaddress_message&) = default;
};

// 0x000B, server to client: one mapping, the answer to MAPADDRESS or one of the answers
// to GETALLMAPPINGS.
struct addressmapped_message {
  address original;
  address replacement;
  friend bool operator==(const addressmapped_message&, const addressmapped_message&) = default;
};

// 0x000C, client to server. Empty body.
struct getallmappings_message {
  friend bool operator==(const getallmappings_message&, const getallmappings_message&) = default;
};

// The alternatives are in type order: message.index() is the type's value.
using message =
    std::variant<error_message, done_message, setconf_message, getconf_message, confvalue_message,
                 setevents_message, event_message, authenticate_message, saveconf_message,
                 signal_message, mapaddress_message, addressmapped_message, getallmappings_message>;

inline message_type type_of(const message& m) noexcept {
  return static_cast<message_type>(m.index());
}

// Decodes the body of a frame sent by `from`. Fails with:
//   0x0002 unrecognized type: a type the spec does not define, or one that `from` never
//          sends (a client sending CONFVALUE, a server sending SETCONF);
//   0x0003 syntax error: a body that does not follow its type's layout;
//   0x0006 unrecognized byte code: an unknown SIGNAL or SETEVENTS code.
// The message borrows from f.body.
result<message, decode_error> decode(const frame& f, sender from) noexcept;

// Checks every field and returns the size of the whole frame (header included).
// Fails with invalid_field for a field the format cannot carry, and with body_too_large
// past 65,535 body octets.
result<std::size_t, encode_error> encoded_size(const message& m) noexcept;

// Encodes one whole frame into `out`; returns the octets written. On failure nothing
// useful is written and the error says why (the errors of encoded_size, plus
// buffer_too_small).
result<std::size_t, encode_error> encode(const message& m, mutable_bytes out) noexcept;

// Appends one encoded frame to `out`. On failure `out` is left as it was.
result<std::size_t, encode_error> encode_append(const message& m, std::vector<std::uint8_t>& out);

// Frames and decodes a stream of messages from one peer: frame_decoder and decode() in
// one step.
class message_reader {
 public:
  struct step {
    decode_status status = decode_status::need_more;
    std::size_t consumed = 0;
    std::uint16_t type = 0;     // the frame's type (complete and malformed steps)
    std::size_t body_size = 0;  // the frame's body size (complete steps)
    tc::message message;        // valid when status == complete; borrows like a frame
    decode_error error;         // valid when status == malformed
  };

  explicit message_reader(sender peer, std::size_t body_limit = max_body_size) noexcept
      : peer_(peer), frames_(body_limit) {}

  // As frame_decoder::decode. A malformed step leaves the stream in sync: the server
  // answers with ERROR error.code and reads on (or closes, as it chooses).
  step read(bytes_view input);

  std::size_t buffered() const noexcept { return frames_.buffered(); }

 private:
  sender peer_;
  frame_decoder frames_;
};

// What the first octets of a connection say about the protocol spoken on it.
enum class protocol_guess : std::uint8_t {
  need_more,  // fewer than 4 octets so far
  tc,         // a TC frame: its type field is at most 0x00FF
  text,       // a line of the text control protocol
  http,       // an HTTP request (GET, POST, PUT, DELETE, CONNECT, OPTIONS, HEAD)
};

// Looks at the first 4 octets of a connection (more are ignored). HTTP methods are
// matched without regard to case, and must be followed by a space where 4 octets
// reach that far ("GET ", "PUT "); longer methods are matched on their first four
// letters. Text commands never begin that way, and a TC frame's third octet is 0x00.
protocol_guess detect_protocol(bytes_view first) noexcept;

}  // namespace torctl::tc
