// TC error codes (spec 3.1) and the errors the codec reports.
#pragma once

#include <cstdint>
#include <string_view>

namespace torctl::tc {

// The code carried in the first two octets of an ERROR body. Any 16-bit value may
// arrive from a peer; values outside the ten named ones are kept as they are.
enum class error_code : std::uint16_t {
  unspecified = 0x0000,
  internal = 0x0001,
  unrecognized_type = 0x0002,
  syntax = 0x0003,
  unrecognized_key = 0x0004,
  invalid_value = 0x0005,
  unrecognized_code = 0x0006,
  unauthorized = 0x0007,
  failed_authentication = 0x0008,
  resource_exhausted = 0x0009,
};

// True for the ten codes the spec defines.
bool is_known(error_code code) noexcept;

// A short English name ("syntax error"); "unknown error code" for others.
std::string_view describe(error_code code) noexcept;

// Why a peer's bytes could not be decoded, and the ERROR code a server should answer
// with. `reason` points to static text: it never dangles and never allocates.
struct decode_error {
  error_code code = error_code::unspecified;
  std::string_view reason;

  friend bool operator==(const decode_error&, const decode_error&) = default;
};

// Why a message could not be encoded. These are the caller's mistakes, except
// body_too_large, which a server answers with ERROR 0x0009 (resource exhausted).
enum class encode_errc : std::uint8_t {
  buffer_too_small,  // the output span cannot hold the whole frame
  body_too_large,    // the body would exceed 65,535 octets
  invalid_field,     // a field that the wire format cannot carry (e.g. NL in a value)
};

struct encode_error {
  encode_errc kind = encode_errc::invalid_field;
  std::string_view reason;  // static text

  friend bool operator==(const encode_error&, const encode_error&) = default;
};

// The ERROR code a server sends when it cannot encode its answer: resource exhausted
// (0x0009) for a body over 65,535 octets, internal error (0x0001) otherwise.
error_code answer_code(const encode_error& e) noexcept;

}  // namespace torctl::tc
