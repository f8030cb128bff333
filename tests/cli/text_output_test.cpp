// The output helpers of torctl: units, durations, tables, escaping.
#include "cli/text_output.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace torctl::cli {
namespace {

TEST(HumanBytes, SmallCountsInOctetsLargerInBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(1229), "1.2 KiB");
  EXPECT_EQ(human_bytes(3482), "3.4 KiB");
  EXPECT_EQ(human_bytes((1u << 20) - 1), "1.0 MiB");  // not "1024.0 KiB"
  EXPECT_EQ(human_bytes(std::uint64_t{5} << 30), "5.0 GiB");
}

TEST(ParseDuration, NumbersWithUnitsAndBareSeconds) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1'500));
  EXPECT_EQ(parse_duration("2m"), milliseconds(120'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("10"), milliseconds(10'000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  for (const char* text : {"", "s", "10x", "-1s", "1e20h", "ten", "5 s", "nan"}) {
    EXPECT_FALSE(parse_duration(text).has_value()) << text;
  }
}

TEST(Table, ColumnsAlignOnTheWidestCellAndTheLastIsNotPadded) {
  table t({"OPTION", "VALUE"});
  t.add({"SocksPort", "9050"});
  t.add({"Nickname", "(default)"});
  t.add({"Ünïcode", "x"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(),
            "OPTION     VALUE\n"
            "SocksPort  9050\n"
            "Nickname   (default)\n"
            "Ünïcode    x\n");
}

TEST(Printable, ControlCharactersBecomeEscapesAndUtf8Stays) {
  EXPECT_EQ(printable("plain ü"), "plain ü");
  EXPECT_EQ(printable(std::string("a\nb\r\x1b[31m\x7f", 10)), "a\\x0Ab\\x0D\\x1B[31m\\x7F");
  EXPECT_EQ(printable(std::string("nul\0", 4)), "nul\\x00");
}

}  // namespace
}  // namespace torctl::cli
