#include "torctl/auth/secret.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>

namespace torctl::auth {

void wipe(std::span<std::uint8_t> bytes) noexcept {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

bool constant_time_equal(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
  // Lengths are not secret (a cookie is 32 octets, a hash 20); contents are.
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool random_bytes(std::span<std::uint8_t> out) noexcept {
  if (out.size() > static_cast<std::size_t>(INT_MAX)) return false;
  return out.empty() || RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

}  // namespace torctl::auth
