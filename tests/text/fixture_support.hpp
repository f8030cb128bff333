// Reading the captured fixtures of tests/fixtures/text/ in the text-protocol tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/text/reply.hpp"

namespace torctl::text::testing {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(TORCTL_FIXTURES) + "/text/" + name + ".txt", std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every reply in `input`, fed in pieces of `chunk` octets; fails the test on an error or
// on input that ends inside a reply.
inline std::vector<reply> read_all(std::string_view input, std::size_t chunk,
                                   reply_limits limits = {}) {
  reply_reader reader(limits);
  std::vector<reply> out;
  for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
    std::string_view piece = input.substr(offset, chunk);
    while (!piece.empty()) {
      read_step step = reader.read(piece);
      EXPECT_NE(step.status, read_status::malformed) << step.error;
      if (step.status == read_status::malformed) return out;
      piece.remove_prefix(step.consumed);
      if (step.status == read_status::complete) out.push_back(std::move(step.reply));
    }
  }
  EXPECT_EQ(reader.buffered(), 0u) << "input ended inside a reply";
  return out;
}

// The single reply in `text`.
inline reply one_reply(std::string_view text) {
  std::vector<reply> replies = read_all(text, text.size());
  EXPECT_EQ(replies.size(), 1u) << text;
  return replies.empty() ? reply{} : std::move(replies.front());
}

}  // namespace torctl::text::testing
