// The scanning primitives against plain loops, for every length up to 80 and every
// position of the octet that stops them, so that each of the 16-, 8- and 1-octet paths
// and their hand-overs are exercised. (The sanitizer build repeats this without SSE2.)
#include "tc/scan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace torctl::tc {
namespace {

std::size_t slow_key_length(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && scan::is_key_octet(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

std::size_t slow_find(const std::string& s, std::string_view stops) {
  std::size_t i = 0;
  while (i < s.size() && stops.find(s[i]) == std::string_view::npos) ++i;
  return i;
}

// Octets that must stop a key, and some that must not.
const std::string key_stoppers = std::string("\x00\x01\t\n\r \x7f\x80\xc3\xff", 10);
const std::string line_stoppers = std::string("\n\r\x00", 3);

TEST(Scan, KeyLengthStopsAtEveryNonKeyOctetAtEveryPosition) {
  for (std::size_t length = 0; length <= 80; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (char stop : key_stoppers) {
        std::string s(length, 'k');
        for (std::size_t i = 0; i < length; ++i) s[i] = static_cast<char>(0x21 + (i * 7) % 94);
        if (at < length) s[at] = stop;
        const char* end = s.data() + s.size();
        EXPECT_EQ(scan::key_length<true>(s.data(), end), slow_key_length(s))
            << "length " << length << " stop at " << at;
        EXPECT_EQ(scan::key_length<false>(s.data(), end), slow_key_length(s))
            << "length " << length << " stop at " << at;
      }
    }
  }
}

TEST(Scan, FindStopAndFindNewlineAtEveryPosition) {
  for (std::size_t length = 0; length <= 80; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (char stop : line_stoppers) {
        // Values may hold anything else, including octets next to the stoppers in value.
        std::string s(length, ' ');
        for (std::size_t i = 0; i < length; ++i) {
          s[i] = static_cast<char>(0x0B + (i * 37) % 240);
          if (s[i] == '\r') s[i] = '\x0e';
        }
        if (at < length) s[at] = stop;
        const char* end = s.data() + s.size();
        const auto where = [&](const char* p) { return static_cast<std::size_t>(p - s.data()); };
        EXPECT_EQ(where(scan::find_stop<true>(s.data(), end)), slow_find(s, line_stoppers))
            << "length " << length << " stop at " << at;
        EXPECT_EQ(where(scan::find_stop<false>(s.data(), end)), slow_find(s, line_stoppers))
            << "length " << length << " stop at " << at;
        EXPECT_EQ(where(scan::find_newline(s.data(), end)), slow_find(s, "\n"))
            << "length " << length << " stop at " << at;
      }
    }
  }
}

TEST(Scan, FindNewlineBeyondTheInlineStretch) {
  for (std::size_t at : {127u, 128u, 129u, 200u, 4095u}) {
    std::string s(5000, 'v');
    s[at] = '\n';
    EXPECT_EQ(scan::find_newline(s.data(), s.data() + s.size()), s.data() + at);
  }
  const std::string none(300, 'v');
  EXPECT_EQ(scan::find_newline(none.data(), none.data() + none.size()), none.data() + none.size());
}

TEST(Scan, WordMasksAreExact) {
  // A match right above a high octet or a borrow-prone neighbour must not leak.
  const std::uint64_t w = scan::word::load("\x01\x00\xff\x0a\x0b\x21\x20\x7f");
  EXPECT_EQ(scan::word::equal(w, 0x00), 0x80ULL << 8);
  EXPECT_EQ(scan::word::equal(w, 0x0a), 0x80ULL << 24);
  EXPECT_EQ(scan::word::below(w, 0x21),
            (0x80ULL) | (0x80ULL << 8) | (0x80ULL << 24) | (0x80ULL << 32) | (0x80ULL << 48));
}

}  // namespace
}  // namespace torctl::tc
