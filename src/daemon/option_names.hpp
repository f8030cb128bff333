// Internal: Tor's option names compare without regard to case ("socksport" is SocksPort).
#pragma once

#include <string_view>

namespace torctl::daemon {

inline bool same_option(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace torctl::daemon
