// Configuration lines in SETCONF, GETCONF and CONFVALUE bodies (spec 3.3 to 3.5).
//
// The three bodies share a shape, newline-terminated lines, but not a grammar:
//   SETCONF   "Key Value\n" or "Key\n", read the way Tor reads its torrc: spaces and tabs
//             around the key and the value are ignored, blank lines are skipped, a CR
//             before the NL is tolerated.
//   GETCONF   "Key\n", with the same tolerance.
//   CONFVALUE "Key Value\n" exactly: one space, then the value verbatim (possibly empty),
//             or "Key\n" for an option that has no value.
// In all three the last line may lack its NL. Keys are printable non-space ASCII. A
// SETCONF value may hold any octet but NUL, CR and NL (it is read like a torrc line); a
// CONFVALUE value, as the spec says, anything but NL. docs/protocol/tc.md explains why.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "torctl/result.hpp"
#include "torctl/tc/bytes.hpp"
#include "torctl/tc/error_code.hpp"
#include "torctl/tc/wire_list.hpp"

namespace torctl::tc {

// One `Key Value` line. No value means "restore the default" in SETCONF and "this
// option is unset" in CONFVALUE. Views only: the strings live in the frame or with the
// caller.
struct config_entry {
  std::string_view key;
  std::optional<std::string_view> value;

  friend bool operator==(const config_entry&, const config_entry&) = default;
};

// Keys are one or more printable, non-space ASCII octets (0x21 to 0x7E).
bool is_valid_key(std::string_view key) noexcept;

// A SETCONF value: any octet except NUL, CR and NL.
bool is_valid_setconf_value(std::string_view value) noexcept;

// A CONFVALUE value: any octet except NL.
bool is_valid_confvalue_value(std::string_view value) noexcept;

struct setconf_grammar {
  using element = config_entry;
  // Checks a whole body; returns the number of entries.
  static result<std::size_t, decode_error> validate(bytes_view body) noexcept;
  static void next(bytes_view& rest, element& out) noexcept;
  // Checks one entry for encoding and returns its encoded size.
  static result<std::size_t, encode_error> measure(const element& e) noexcept;
  static std::uint8_t* write(const element& e, std::uint8_t* out) noexcept;
};

struct confvalue_grammar {
  using element = config_entry;
  static result<std::size_t, decode_error> validate(bytes_view body) noexcept;
  static void next(bytes_view& rest, element& out) noexcept;
  static result<std::size_t, encode_error> measure(const element& e) noexcept;
  static std::uint8_t* write(const element& e, std::uint8_t* out) noexcept;
};

struct getconf_grammar {
  using element = std::string_view;
  static result<std::size_t, decode_error> validate(bytes_view body) noexcept;
  static void next(bytes_view& rest, element& out) noexcept;
  static result<std::size_t, encode_error> measure(const element& key) noexcept;
  static std::uint8_t* write(const element& key, std::uint8_t* out) noexcept;
};

using setconf_lines = wire_list<setconf_grammar>;
using confvalue_lines = wire_list<confvalue_grammar>;
using getconf_keys = wire_list<getconf_grammar>;

}  // namespace torctl::tc
