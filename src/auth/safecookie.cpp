#include "torctl/auth/safecookie.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <vector>

#include "torctl/auth/secret.hpp"

namespace torctl::auth {

namespace {

safecookie_hash keyed_hash(std::string_view key, bytes_in cookie, bytes_in client_nonce,
                           bytes_in server_nonce) {
  std::vector<std::uint8_t> message(cookie.begin(), cookie.end());
  message.insert(message.end(), client_nonce.begin(), client_nonce.end());
  message.insert(message.end(), server_nonce.begin(), server_nonce.end());
  safecookie_hash out{};
  unsigned int length = 0;
  const unsigned char* done = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                   message.data(), message.size(), out.data(), &length);
  wipe(message);  // it holds the cookie
  // HMAC-SHA256 cannot fail on valid input; an OpenSSL failure here is not recoverable.
  if (done == nullptr || length != out.size()) std::abort();
  return out;
}

}  // namespace

result<nonce, auth_error> make_nonce() {
  nonce n{};
  if (!random_bytes(n)) {
    return failure{auth_error{auth_errc::rng_failure, "the system's random source failed"}};
  }
  return n;
}

safecookie_hash server_hash(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce) {
  return keyed_hash(server_hash_key, cookie, client_nonce, server_nonce);
}

safecookie_hash client_hash(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce) {
  return keyed_hash(client_hash_key, cookie, client_nonce, server_nonce);
}

bool server_hash_matches(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce,
                         bytes_in claimed) {
  return constant_time_equal(server_hash(cookie, client_nonce, server_nonce), claimed);
}

bool client_hash_matches(bytes_in cookie, bytes_in client_nonce, bytes_in server_nonce,
                         bytes_in claimed) {
  return constant_time_equal(client_hash(cookie, client_nonce, server_nonce), claimed);
}

}  // namespace torctl::auth
