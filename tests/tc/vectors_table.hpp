// The byte-exact vectors for every TC message (spec section 3), written by hand from the
// spec's layouts rather than captured from the encoder. vectors_test.cpp checks them.
#pragma once

#include <string_view>
#include <vector>

#include "torctl/tc/message.hpp"

namespace torctl::tc::testing {

// One vector: a whole frame as `from` sends it, and the message it carries.
struct vector_case {
  std::string_view name;
  sender from;
  std::string_view hex;  // Length, Type, Body
  message expected;
};

// Canonical vectors: decode gives `expected`, and encoding `expected` gives the bytes. The
// messages view storage that lives as long as the program.
const std::vector<vector_case>& vectors();

struct noncanonical_case {
  std::string_view name;
  sender from;
  std::string_view hex;
  message expected;
  std::string_view canonical_hex;
};

const std::vector<noncanonical_case>& noncanonical_vectors();

}  // namespace torctl::tc::testing
