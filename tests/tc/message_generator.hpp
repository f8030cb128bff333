// Random TC messages for round-trip tests and benchmarks. Reproducible: the generator
// uses std::mt19937 (fully specified by the standard) and its own range reduction
// instead of the library's distributions, whose output differs between libraries.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "torctl/tc/message.hpp"

namespace torctl::tc::testing {

class message_generator {
 public:
  explicit message_generator(std::uint32_t seed) : rng_(seed) {}

  // A random valid message of any of the 13 types; views point into this generator.
  message any() { return of_type(static_cast<message_type>(below(message_type_count))); }

  message of_type(message_type type);

  // The side that sends messages of `type`.
  static sender from(message_type type) { return *sent_by(static_cast<std::uint16_t>(type)); }

 private:
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }
  bool coin() { return below(2) == 0; }

  std::string_view keep(std::string s) { return strings_.emplace_back(std::move(s)); }
  std::string_view text(std::size_t max, std::string_view alphabet);
  std::string_view binary(std::size_t max, bool allow_nul);
  std::string_view key() { return text(24, key_alphabet); }
  std::string_view value(bool for_setconf);
  address random_address();
  event_payload random_event();

  template <class T>
  std::span<const T> keep_list(std::vector<T> v) {
    if constexpr (std::is_same_v<T, config_entry>) {
      return entry_lists_.emplace_back(std::move(v));
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      return key_lists_.emplace_back(std::move(v));
    } else {
      return code_lists_.emplace_back(std::move(v));
    }
  }

  static constexpr std::string_view key_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:*!~";

  std::mt19937 rng_;
  std::deque<std::string> strings_;
  std::deque<std::vector<config_entry>> entry_lists_;
  std::deque<std::vector<std::string_view>> key_lists_;
  std::deque<std::vector<event_code>> code_lists_;
};

}  // namespace torctl::tc::testing
