// Hashed control passwords as Tor stores them in HashedControlPassword (TC spec 4.1,
// method 4): a salted, iterated S2K over SHA-1 (the RFC 2440 construction).
//
// Stored form: "16:" + 58 hex digits, encoding 29 octets:
//   salt [8] | count indicator c [1] | SHA-1 digest [20]
// The digest is SHA-1 over (salt | password) repeated until `count` octets have been
// hashed, where count = (16 + (c & 15)) << ((c >> 4) + 6), and cut to `count` octets when
// the last repetition does not fit (never less than one whole copy). Tor's
// --hash-password uses c = 0x60, i.e. 65,536 octets. Tor also accepts the same 29 octets
// in base64 (how hashes were written when TC was current); verify_password does too.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "torctl/auth/error.hpp"
#include "torctl/result.hpp"

namespace torctl::auth {

inline constexpr std::size_t s2k_salt_size = 8;
inline constexpr std::size_t s2k_digest_size = 20;
// The indicator tor --hash-password writes: 65,536 octets hashed.
inline constexpr std::uint8_t tor_s2k_indicator = 0x60;
// A stored hash is input too: its indicator could ask for up to 65 MB of hashing per
// attempt. verify_password refuses counts above this bound (16 MiB, 256 times Tor's own)
// with hash_too_costly.
inline constexpr std::uint64_t max_s2k_count = std::uint64_t{1} << 24;

using s2k_salt = std::array<std::uint8_t, s2k_salt_size>;
using s2k_digest = std::array<std::uint8_t, s2k_digest_size>;

// The number of octets an indicator asks to be hashed.
constexpr std::uint64_t s2k_count(std::uint8_t indicator) noexcept {
  return (std::uint64_t{16} + (indicator & 15)) << ((indicator >> 4) + 6);
}

// The S2K digest itself.
s2k_digest s2k_sha1(const s2k_salt& salt, std::uint8_t indicator, std::string_view password);

// Hashes a password with a fresh random salt and Tor's indicator, in the "16:" form, the
// hex digits upper-case as Tor writes them. Fails only if the random source does.
result<std::string, auth_error> hash_password(std::string_view password);

// The same with a given salt and indicator (for tests and reproducible output).
std::string hash_password_with_salt(std::string_view password, const s2k_salt& salt,
                                    std::uint8_t indicator = tor_s2k_indicator);

// Checks a password against a stored hash in either form. Returns false for a wrong
// password; fails with bad_hash for a stored value in neither form, and with
// hash_too_costly past max_s2k_count. The digests are compared in constant time.
result<bool, auth_error> verify_password(std::string_view password, std::string_view stored);

}  // namespace torctl::auth
