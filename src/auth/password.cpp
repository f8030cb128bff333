#include "torctl/auth/password.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "encoding.hpp"
#include "torctl/auth/secret.hpp"

namespace torctl::auth {

namespace {

constexpr std::size_t stored_size = s2k_salt_size + 1 + s2k_digest_size;  // 29 octets
constexpr std::string_view hex_prefix = "16:";

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

s2k_digest s2k_sha1(const s2k_salt& salt, std::uint8_t indicator, std::string_view password) {
  // salt | password, hashed again and again until `count` octets have gone in.
  std::vector<std::uint8_t> block(salt.begin(), salt.end());
  block.insert(block.end(), password.begin(), password.end());
  std::uint64_t count = std::max<std::uint64_t>(s2k_count(indicator), block.size());

  std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
  s2k_digest digest{};
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  while (ok && count > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(count, block.size()));
    ok = EVP_DigestUpdate(ctx.get(), block.data(), take) == 1;
    count -= take;
  }
  unsigned int length = 0;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1;
  wipe(block);
  // SHA-1 cannot fail on valid input; an OpenSSL failure here is not recoverable.
  if (!ok || length != digest.size()) std::abort();
  return digest;
}

std::string hash_password_with_salt(std::string_view password, const s2k_salt& salt,
                                    std::uint8_t indicator) {
  const s2k_digest digest = s2k_sha1(salt, indicator, password);
  std::vector<std::uint8_t> stored(salt.begin(), salt.end());
  stored.push_back(indicator);
  stored.insert(stored.end(), digest.begin(), digest.end());
  return std::string(hex_prefix) + encoding::to_hex(stored);
}

result<std::string, auth_error> hash_password(std::string_view password) {
  s2k_salt salt{};
  if (!random_bytes(salt)) {
    return failure{auth_error{auth_errc::rng_failure, "the system's random source failed"}};
  }
  return hash_password_with_salt(password, salt);
}

result<bool, auth_error> verify_password(std::string_view password, std::string_view stored) {
  // Tor's two forms: "16:" + exactly 58 hex digits, or base64 of exactly 29 octets.
  std::optional<std::vector<std::uint8_t>> decoded;
  if (stored.substr(0, hex_prefix.size()) == hex_prefix) {
    decoded = encoding::from_hex(stored.substr(hex_prefix.size()));
  } else {
    decoded = encoding::from_base64(stored);
  }
  if (!decoded || decoded->size() != stored_size) {
    return failure{auth_error{auth_errc::bad_hash,
                              "hashed password is neither \"16:\" and 58 hex digits nor base64 "
                              "of 29 octets"}};
  }
  const std::uint8_t indicator = (*decoded)[s2k_salt_size];
  if (s2k_count(indicator) > max_s2k_count) {
    return failure{auth_error{auth_errc::hash_too_costly,
                              "hashed password asks for " + std::to_string(s2k_count(indicator)) +
                                  " octets of hashing; at most 16 MiB are allowed"}};
  }
  s2k_salt salt{};
  std::copy_n(decoded->begin(), s2k_salt_size, salt.begin());
  const s2k_digest digest = s2k_sha1(salt, indicator, password);
  return constant_time_equal(digest, std::span(*decoded).subspan(s2k_salt_size + 1));
}

}  // namespace torctl::auth
