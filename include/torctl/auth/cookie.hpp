// Authentication cookies (control-spec "COOKIE" and "SAFECOOKIE"; TC spec 4.1, method 3):
// 32 random octets in a file that only its owner can read.
#pragma once

#include <cstddef>
#include <string>

#include "torctl/auth/error.hpp"
#include "torctl/auth/secret.hpp"
#include "torctl/result.hpp"

namespace torctl::auth {

inline constexpr std::size_t cookie_size = 32;

// Makes a fresh cookie from the CSPRNG and writes it to `path` atomically: into a new
// file in the same directory (mode 0600, owner only), flushed to disk, then renamed over
// `path`, so a reader sees the old cookie or the new one, never a part. Fails with
// file_error naming the path and the cause, leaving no temporary file behind.
result<secret, auth_error> create_cookie_file(const std::string& path);

// Reads a cookie file. Refuses, with an error naming the path, a file that cannot be
// opened (for "permission denied" the message gives the file's owner and mode), that is
// not a regular file, or that does not hold exactly 32 octets.
result<secret, auth_error> read_cookie_file(const std::string& path);

}  // namespace torctl::auth
