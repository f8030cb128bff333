// SAFECOOKIE (control-spec 3.24, AUTHCHALLENGE): proving knowledge of the cookie without
// sending it, to a server that first proves it knows the cookie too.
//
//   controller -> AUTHCHALLENGE SAFECOOKIE <client nonce>
//   server     -> SERVERHASH=<server hash> SERVERNONCE=<server nonce>
//   controller checks the server hash, then sends AUTHENTICATE <client hash>
//
//   server hash = HMAC-SHA256(key = server_hash_key, cookie | client nonce | server nonce)
//   client hash = HMAC-SHA256(key = client_hash_key, cookie | client nonce | server nonce)
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "torctl/auth/error.hpp"
#include "torctl/result.hpp"

namespace torctl::auth {

inline constexpr std::size_t nonce_size = 32;
inline constexpr std::string_view server_hash_key =
    "Tor safe cookie authentication server-to-controller hash";
inline constexpr std::string_view client_hash_key =
    "Tor safe cookie authentication controller-to-server hash";

using nonce = std::array<std::uint8_t, nonce_size>;
using safecookie_hash = std::array<std::uint8_t, 32>;
using bytes_in = std::span<const std::uint8_t>;

// A fresh 32-octet nonce from the CSPRNG.
result<nonce, auth_error> make_nonce();

safecookie_hash server_hash(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce);
safecookie_hash client_hash(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce);

// True when `claimed` is the server hash for these inputs; constant time. A controller
// must check this before it answers with its own hash.
bool server_hash_matches(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce,
                         bytes_in claimed);

// The same for the controller's answer, as a server checks it.
bool client_hash_matches(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce,
                         bytes_in claimed);

}  // namespace torctl::auth
