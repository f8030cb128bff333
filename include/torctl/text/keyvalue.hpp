// Quoted strings and key=value replies of Tor's text control protocol.
//
// Tor writes quoted strings in two ways (control-spec 2.1.1): as QuotedString, where a
// backslash makes the next character literal, and as CString, where \n, \t, \r and
// octal \0 to \377 are C escapes. A reader that treats \n, \t, \r and octal digits as C
// escapes, and any other backslash pair as the character itself, reads both correctly,
// since Tor never writes a QuotedString backslash before n, t, r or a digit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::text {

// Reads a quoted string at the start of `rest` (which must begin with '"') and moves
// `rest` past its closing quote. nullopt for a missing closing quote, a backslash at the
// end, or an octal escape above \377.
std::optional<std::string> read_quoted(std::string_view& rest);

// One entry of a GETINFO or GETCONF answer. No value: the key alone ("250-ORPort",
// an option that is unset).
struct key_value {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const key_value&, const key_value&) = default;
};

enum class value_form : bool {
  raw,     // GETINFO: everything after '=' is the value, as it is
  quoted,  // GETCONF: a value starting with '"' is a quoted string, read as above
};

// The entries of a successful GETINFO or GETCONF reply, in order. A data line
// ("250+key=") gives its data block as the value. A final "OK" end line (GETINFO's) is
// not an entry. Fails with a reason for a reply that is not 250, an entry without a key,
// or a bad quoted value.
result<std::vector<key_value>, std::string_view> parse_key_values(const reply& r, value_form form);

// The same entries, handed one at a time to `take(context, entry)` instead of collected
// (a caller building its own type saves a vector). Empty on success, else the reason;
// entries before a malformed one have been handed over.
using key_value_sink = void (*)(void* context, key_value&& entry);
std::string_view read_key_values(const reply& r, value_form form, key_value_sink take,
                                 void* context);

}  // namespace torctl::text
