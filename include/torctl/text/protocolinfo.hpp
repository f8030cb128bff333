// The PROTOCOLINFO reply (control-spec 3.21), which a controller reads before it
// authenticates to learn how:
//
//   250-PROTOCOLINFO 1
//   250-AUTH METHODS=COOKIE,SAFECOOKIE,HASHEDPASSWORD COOKIEFILE="/path/control_auth_cookie"
//   250-VERSION Tor="0.4.9.11"
//   250 OK
//
// Lines may come in any order; lines with other keywords and extra arguments are kept
// aside, never a failure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::text {

struct protocolinfo {
  unsigned version = 0;              // PIVERSION, 1 today
  std::vector<std::string> methods;  // as listed: NULL, HASHEDPASSWORD, COOKIE, SAFECOOKIE, ...
  std::optional<std::string> cookie_file;  // escapes undone
  std::optional<std::string> tor_version;
  std::vector<std::string> other_lines;  // lines with keywords this parser does not know

  bool offers(std::string_view method) const;
};

// Fails with a static reason for a reply that is not 250, lacks the PROTOCOLINFO or AUTH
// line, or has a malformed quoted string.
result<protocolinfo, std::string_view> parse_protocolinfo(const reply& r);

}  // namespace torctl::text
