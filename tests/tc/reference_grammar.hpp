// The CONFVALUE grammar written as plainly as possible, to check the fast validator
// against (unit tests and the fuzz target): the number of lines, or nullopt for a
// malformed body.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "torctl/tc/config_lines.hpp"

namespace torctl::tc::testing {

inline std::optional<std::size_t> reference_confvalue_count(std::string_view body) {
  std::size_t count = 0;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    const std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    const std::size_t space = line.find(' ');
    if (!is_valid_key(line.substr(0, space))) return std::nullopt;
    ++count;
  }
  return count;
}

}  // namespace torctl::tc::testing
