// Helpers shared by the TC codec tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/tc/message.hpp"
#include "torctl/tc/message_text.hpp"

namespace torctl::tc {

// gtest prints messages with their readable form.
inline void PrintTo(const message& m, std::ostream* os) {
  *os << to_string(m);
}

}  // namespace torctl::tc

namespace torctl::tc::testing {

using bytes = std::vector<std::uint8_t>;

// "0004 0002 ab" -> bytes; spaces are ignored. Test data only: asserts on bad hex.
inline bytes from_hex(std::string_view hex) {
  bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    EXPECT_GE(v, 0) << "bad hex digit in test data: " << c;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  EXPECT_LT(high, 0) << "odd number of hex digits in test data";
  return out;
}

inline std::string to_hex(bytes_view b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t c : b) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Text as bytes, NULs and all: text_bytes("ab\0c") keeps the NUL.
template <std::size_t N>
bytes text_bytes(const char (&s)[N]) {
  return bytes(s, s + N - 1);
}
inline bytes text_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// A description turned into a valid gtest parameter name: letters and digits kept, every
// other character an underscore.
inline std::string gtest_name(std::string_view description) {
  std::string out;
  for (char c : description) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += alnum ? c : '_';
  }
  return out;
}

// A frame header followed by `body`.
inline bytes framed(std::uint16_t type, const bytes& body) {
  // Sized up front: GCC 12 warns falsely (-Warray-bounds) on insert() into a small vector.
  bytes out(4 + body.size());
  out[0] = static_cast<std::uint8_t>(body.size() >> 8);
  out[1] = static_cast<std::uint8_t>(body.size());
  out[2] = static_cast<std::uint8_t>(type >> 8);
  out[3] = static_cast<std::uint8_t>(type);
  std::copy(body.begin(), body.end(), out.begin() + 4);
  return out;
}

inline bytes encode_or_fail(const message& m) {
  bytes out;
  auto written = encode_append(m, out);
  EXPECT_TRUE(written.has_value()) << (written ? "" : written.error().reason);
  return out;
}

// Reads every message in `input`, fed in chunks of at most `chunk` octets, and returns
// their readable forms ("malformed 0x0003: reason" for errors). Rendering each message
// at once keeps the strings independent of the reader's buffer.
inline std::vector<std::string> read_all(bytes_view input, sender from, std::size_t chunk) {
  message_reader reader(from);
  std::vector<std::string> out;
  std::size_t offset = 0;
  while (offset < input.size()) {
    const std::size_t end = std::min(input.size(), offset + chunk);
    bytes_view piece = input.subspan(offset, end - offset);
    while (!piece.empty()) {
      auto step = reader.read(piece);
      piece = piece.subspan(step.consumed);
      if (step.status == decode_status::complete) out.push_back(to_string(step.message));
      if (step.status == decode_status::malformed) {
        out.push_back("malformed " + std::to_string(static_cast<int>(step.error.code)) + ": " +
                      std::string(step.error.reason));
      }
    }
    offset = end;
  }
  EXPECT_EQ(reader.buffered(), 0u) << "input ended inside a frame";
  return out;
}

}  // namespace torctl::tc::testing
