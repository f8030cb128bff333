// One-line, human-readable renderings of TC messages, for tools, logs and test output.
// Untrusted text is escaped: the result never holds control octets. AUTHENTICATE
// credentials are never shown, only their length.
#pragma once

#include <string>
#include <string_view>

#include "torctl/tc/message.hpp"

namespace torctl::tc {

// `text` in double quotes, with \\, \", \n, \r, \t and \xHH escapes for everything
// outside printable ASCII.
std::string quoted(std::string_view text);

// For example: SETCONF SocksPort="9050" Nickname=<default>
//              EVENT circuit-status built id=7 path="$AB..~relay0,$CD..~exit0"
std::string to_string(const message& m);

}  // namespace torctl::tc
