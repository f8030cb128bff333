// Writing commands of Tor's text control protocol (control-spec section 2.2):
//
//   Command = Keyword [SP arguments] CRLF
//           / "+" Keyword [SP arguments] CRLF data-lines "." CRLF
//
// The writer refuses, rather than passes on, anything that would not reach Tor as
// exactly the arguments intended: no value can end the line early (CR, LF), cut a C
// string short (NUL), or spill into a second argument or a second key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "torctl/result.hpp"

namespace torctl::text {

struct command_error {
  std::string_view reason;  // static text naming the mistake; never the value itself
  friend bool operator==(const command_error&, const command_error&) = default;
};

// A command under construction. Each call appends one argument; the first mistake is
// kept and reported by finish(), so calls can be chained without checking each.
class command {
 public:
  // The keyword: one or more ASCII letters (GETINFO, SETCONF, ...).
  explicit command(std::string_view keyword);

  // A bare argument: one or more octets from 0x21 to 0x7E, without '"' or '\'.
  command& word(std::string_view token);

  // A QuotedString argument: `value` between double quotes, with '\' and '"' escaped.
  // Refused if it holds NUL, CR or LF (Tor reads some quoted arguments with C escapes and
  // some without, so no escape for them means the same thing everywhere).
  command& quoted(std::string_view value);

  // key=value. The key is a bare word without '='; the value is written bare when it is
  // a non-empty bare word, and quoted otherwise (spaces, quotes, backslashes, empty).
  command& pair(std::string_view key, std::string_view value);

  // key="value", quoted whatever the value.
  command& pair_quoted(std::string_view key, std::string_view value);

  // Makes this a multi-line command ("+KEYWORD ...") carrying `body`: lines end in CRLF
  // (a bare LF in the body becomes CRLF), a line starting with '.' gets another '.', and
  // a "." line ends the data. Refused if `body` holds NUL or a CR not followed by LF.
  command& data(std::string_view body);

  // The whole command, ready to send, or the first mistake.
  result<std::string, command_error> finish() const;

 private:
  void fail(std::string_view reason);

  std::string line_;
  std::optional<std::string> data_;
  std::string_view error_;
};

// True for a non-empty run of octets 0x21 to 0x7E without '"' and '\'.
bool is_bare_word(std::string_view token) noexcept;

}  // namespace torctl::text
