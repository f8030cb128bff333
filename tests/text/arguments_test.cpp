// The argument reader: positional and KEYWORD=value arguments, quoted strings with spaces
// and escapes, empty arguments, and unterminated quotes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "torctl/text/arguments.hpp"

namespace torctl::text {
namespace {

struct seen {
  std::string key, value;
  bool quoted;
  friend bool operator==(const seen&, const seen&) = default;
};

std::vector<seen> all(std::string_view line) {
  std::vector<seen> out;
  argument_reader reader(line);
  for (argument arg; reader.next(arg);) {
    out.push_back({std::string(arg.key), arg.decoded(), arg.quoted});
  }
  EXPECT_FALSE(reader.failed()) << line;
  return out;
}

TEST(Arguments, PositionalAndKeywordArguments) {
  EXPECT_EQ(
      all("1 BUILT PURPOSE=GENERAL"),
      (std::vector<seen>{{"", "1", false}, {"", "BUILT", false}, {"PURPOSE", "GENERAL", false}}));
  EXPECT_EQ(all(""), std::vector<seen>{});
}

TEST(Arguments, QuotedValuesKeepTheirSpacesAndLoseTheirEscapes) {
  EXPECT_EQ(
      all(R"(SUMMARY="Connecting to a relay" X="a\"b\\c\n")"),
      (std::vector<seen>{{"SUMMARY", "Connecting to a relay", true}, {"X", "a\"b\\c\n", true}}));
  EXPECT_EQ(all(R"(a "2026-12-03 19:14:54" EXPIRES="2026-12-03 19:14:54")"),
            (std::vector<seen>{{"", "a", false},
                               {"", "2026-12-03 19:14:54", true},
                               {"EXPIRES", "2026-12-03 19:14:54", true}}));
}

TEST(Arguments, EmptyArgumentsBetweenDoubleSpaces) {
  EXPECT_EQ(all("1.2.3.4  NEVER"),
            (std::vector<seen>{{"", "1.2.3.4", false}, {"", "", false}, {"", "NEVER", false}}));
}

TEST(Arguments, OnlyKeywordShapedPrefixesAreKeys) {
  // '$' cannot start a keyword: an old-style "$FP=nick" path is positional.
  EXPECT_EQ(all("$AB=nick a=b=c =x"),
            (std::vector<seen>{{"", "$AB=nick", false}, {"a", "b=c", false}, {"", "=x", false}}));
  EXPECT_TRUE(is_keyword("ISO_FIELDS"));
  EXPECT_FALSE(is_keyword("A-B"));
  EXPECT_FALSE(is_keyword(""));
}

TEST(Arguments, UnterminatedQuotesFail) {
  for (std::string_view line : {"X=\"abc", "\"", "a \"b\\\"", "X=\"ends in backslash\\"}) {
    argument_reader reader(line);
    argument arg;
    while (reader.next(arg)) {
    }
    EXPECT_TRUE(reader.failed()) << line;
  }
}

TEST(Arguments, RestIsWhatRemains) {
  argument_reader reader("NOTICE some free text here");
  ASSERT_TRUE(reader.next().has_value());
  EXPECT_EQ(reader.rest(), "some free text here");
}

}  // namespace
}  // namespace torctl::text

namespace torctl::text {
namespace {

TEST(Arguments, NamesCompareWithoutRegardToAsciiCase) {
  EXPECT_TRUE(equal_ignoring_case("SocksPort", "socksport"));
  EXPECT_TRUE(equal_ignoring_case("HUP", "hup"));
  EXPECT_TRUE(equal_ignoring_case("", ""));
  EXPECT_FALSE(equal_ignoring_case("SocksPort", "SocksPorts"));
  EXPECT_FALSE(equal_ignoring_case("a_b", "a-b"));
  EXPECT_FALSE(equal_ignoring_case("\xc3\xa9", "\xc3\x89")) << "only ASCII letters fold";
}

}  // namespace
}  // namespace torctl::text
