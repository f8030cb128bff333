// Errors from the authentication primitives.
#pragma once

#include <cstdint>
#include <string>

namespace torctl::auth {

enum class auth_errc : std::uint8_t {
  file_error,       // a cookie file could not be read or written (message names path, cause)
  bad_cookie,       // a cookie file that is not exactly 32 octets
  bad_hash,         // a stored password hash that is neither Tor form
  hash_too_costly,  // a stored hash asks for more hashing than we allow (see password.hpp)
  bad_nonce,        // a SAFECOOKIE nonce of the wrong length
  rng_failure,      // the system's random source failed
};

struct auth_error {
  auth_errc code;
  std::string message;  // for people: names the file or the field, never a secret
};

}  // namespace torctl::auth
