// Secret bytes: wiped when they go away, compared in constant time, never printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace torctl::auth {

// Overwrites `bytes` with zeros in a way the compiler may not optimize away.
void wipe(std::span<std::uint8_t> bytes) noexcept;

// True when both spans hold the same octets. The time taken depends on the lengths only,
// never on where the contents differ.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// Fills `out` from the operating system's CSPRNG (through OpenSSL); false on failure.
[[nodiscard]] bool random_bytes(std::span<std::uint8_t> out) noexcept;

// An owning buffer for a secret (a cookie, a password, a key), wiped on destruction and
// on every reassignment. Copies are deliberate (copy()), moves leave the source empty.
class secret {
 public:
  secret() = default;
  explicit secret(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  explicit secret(std::string_view text) : bytes_(text.begin(), text.end()) {}
  ~secret() { clear(); }

  secret(const secret&) = delete;
  secret& operator=(const secret&) = delete;
  secret(secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  secret& operator=(secret&& other) noexcept {
    if (this != &other) {
      clear();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }

  secret copy() const { return secret(view()); }
  void clear() noexcept {
    wipe(bytes_);
    bytes_.clear();
  }

  std::span<const std::uint8_t> view() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }

  friend bool operator==(const secret& a, const secret& b) noexcept {
    return constant_time_equal(a.view(), b.view());
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace torctl::auth
