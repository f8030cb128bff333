// The space-separated arguments of an event or reply line (control-spec 4.1):
//
//   arguments = argument *(SP argument)
//   argument  = positional / KEYWORD "=" value
//   value     = QuotedString / *(any octet but SP and DQUOTE)
//
// A positional argument may itself be a quoted string (ADDRMAP's local expiry time) and
// may be empty (Tor writes "ADDRMAP 1.2.3.4  NEVER" for a mapping to nothing), so the
// reader splits at every single space that is not inside quotes. Nothing is copied: every
// view points into the line given to the reader.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace torctl::text {

struct argument {
  std::string_view text;   // the argument as sent, quotes and escapes included
  std::string_view key;    // KEYWORD of a KEYWORD=value argument; empty for a positional one
  std::string_view value;  // after '=' (or the whole text), outer quotes removed
  bool quoted = false;     // value was a quoted string; its escapes are still in place

  bool has_key() const noexcept { return !key.empty(); }
  // The value with escapes undone (see read_quoted in keyvalue.hpp); a copy.
  std::string decoded() const;
};

class argument_reader {
 public:
  // An empty line has no arguments.
  explicit argument_reader(std::string_view line) noexcept : rest_(line), done_(line.empty()) {}

  // Reads the next argument. False at the end of the line, or when a quoted string has
  // no closing quote (then failed() is true).
  bool next(argument& out) noexcept;
  // The next argument as a positional value; nullopt at the end or on failure.
  std::optional<argument> next() noexcept;

  // Everything not yet read (for a log message, the text after the severity).
  std::string_view rest() const noexcept { return rest_; }
  bool at_end() const noexcept { return done_; }
  bool failed() const noexcept { return failed_; }

 private:
  static constexpr std::size_t unknown = std::string_view::npos - 1;
  std::size_t argument_end() noexcept;

  std::string_view rest_;
  std::size_t quote_ = unknown;  // index in rest_ of the next '"', npos if none
  bool done_ = false;
  bool failed_ = false;
};

// ASCII comparison without regard to case, as Tor matches command keywords, option names
// and signal names ("socksport" is SocksPort).
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

// True for 1*(ALNUM / "_"), the shape of an argument keyword.
bool is_keyword(std::string_view text) noexcept;

// Undoes the escapes of a quoted string's inside (without its quotes).
std::string unescape(std::string_view inside);

}  // namespace torctl::text
