// The exit statuses of torctl, one per class of failure, so that a script can tell a
// mistake on its own command line from a server that said no or one it could not reach.
// docs/cli.md, the README and `torctl --help` list them; keep the three in step.
#pragma once

#include <string_view>

#include "torctl/client/error.hpp"

namespace torctl::cli {

enum class exit_status : int {
  ok = 0,
  refused = 1,         // the server answered with an error (text 4xx/5xx, TC ERROR);
                       // hash-password --verify: the password does not match
  usage = 2,           // the command line is wrong, or asks what the protocol lacks
  connection = 3,      // nothing reachable, the wrong kind of port, or the connection lost
  authentication = 4,  // no usable method, a credential refused, or a server not authentic
  failure = 5,         // anything else: a broken protocol, a timeout, a local failure
};

constexpr int code(exit_status s) noexcept {
  return static_cast<int>(s);
}

// The class of a client library error.
exit_status classify(const client::error& e) noexcept;

// A short name for the class ("refused", "usage", ...), used in JSON error objects.
std::string_view name(exit_status s) noexcept;

// The library's name for an error's errc ("wrong_service"), or "unknown".
std::string_view errc_name(const client::error& e) noexcept;

}  // namespace torctl::cli
