// The command writer: exact output, and refusals of everything that could smuggle a
// second command or argument. tests/integration/tor_command_test.cpp checks with the
// real tor that what is written is read back as the same value.
#include "torctl/text/command.hpp"

#include <gtest/gtest.h>

namespace torctl::text {
namespace {

std::string written(const command& c) {
  const auto out = c.finish();
  EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().reason);
  return out ? *out : "";
}

std::string_view refusal(const command& c) {
  const auto out = c.finish();
  EXPECT_FALSE(out.has_value()) << "accepted: " << (out ? *out : "");
  return out ? "" : out.error().reason;
}

TEST(Command, WordsPairsAndQuotedStrings) {
  EXPECT_EQ(written(command("GETINFO").word("version").word("config-file")),
            "GETINFO version config-file\r\n");
  EXPECT_EQ(written(command("SETCONF").pair("SocksPort", "9050").pair("Nickname", "moria1")),
            "SETCONF SocksPort=9050 Nickname=moria1\r\n");
  EXPECT_EQ(written(command("SETCONF").pair("ContactInfo", "Jane \"J\" Doe \\o/")),
            "SETCONF ContactInfo=\"Jane \\\"J\\\" Doe \\\\o/\"\r\n");
  EXPECT_EQ(written(command("SETCONF").pair("ContactInfo", "")), "SETCONF ContactInfo=\"\"\r\n");
  EXPECT_EQ(written(command("SETCONF").pair_quoted("SocksPort", "9050")),
            "SETCONF SocksPort=\"9050\"\r\n");
  EXPECT_EQ(written(command("AUTHENTICATE").quoted("pass word")), "AUTHENTICATE \"pass word\"\r\n");
  EXPECT_EQ(written(command("MAPADDRESS").pair("1.2.3.4", "a=b.example")),
            "MAPADDRESS 1.2.3.4=a=b.example\r\n");
  EXPECT_EQ(written(command("QUIT")), "QUIT\r\n");
}

TEST(Command, MultiLineDataIsDotStuffedAndCrlfEnded) {
  EXPECT_EQ(written(command("LOADCONF").data("SocksPort 9050\n.hidden\n..\nlast")),
            "+LOADCONF\r\nSocksPort 9050\r\n..hidden\r\n...\r\nlast\r\n.\r\n");
  EXPECT_EQ(written(command("LOADCONF").data("a\r\nb\r\n")), "+LOADCONF\r\na\r\nb\r\n.\r\n");
  EXPECT_EQ(written(command("LOADCONF").data("")), "+LOADCONF\r\n.\r\n");
  EXPECT_EQ(written(command("POSTDESCRIPTOR").word("purpose=general").data(".")),
            "+POSTDESCRIPTOR purpose=general\r\n..\r\n.\r\n");
}

TEST(Command, NothingCanEndTheLineEarly) {
  for (std::string_view value :
       {std::string_view("a\r\nGETINFO version"), std::string_view("a\nQUIT"),
        std::string_view("a\rb"), std::string_view("a\0b", 3)}) {
    EXPECT_FALSE(refusal(command("SETCONF").pair("ContactInfo", value)).empty());
    EXPECT_FALSE(refusal(command("SETCONF").pair_quoted("ContactInfo", value)).empty());
    EXPECT_FALSE(refusal(command("AUTHENTICATE").quoted(value)).empty());
    EXPECT_FALSE(refusal(command("GETINFO").word(value)).empty());
  }
  EXPECT_FALSE(refusal(command("LOADCONF").data(std::string_view("a\0b", 3))).empty());
  EXPECT_FALSE(refusal(command("LOADCONF").data("a\rb\n")).empty());
}

TEST(Command, NoArgumentCanBecomeTwo) {
  EXPECT_FALSE(refusal(command("GETINFO").word("version config-file")).empty());
  EXPECT_FALSE(refusal(command("GETINFO").word("")).empty());
  EXPECT_FALSE(refusal(command("GETINFO").word("a\"b")).empty());
  EXPECT_FALSE(refusal(command("GETINFO").word("a\\b")).empty());
  EXPECT_FALSE(refusal(command("SETCONF").pair("Contact Info", "x")).empty());
  EXPECT_FALSE(refusal(command("SETCONF").pair("ContactInfo=x Nickname", "y")).empty());
  EXPECT_FALSE(refusal(command("SETCONF").pair("", "y")).empty());
  EXPECT_FALSE(refusal(command("SETCONF").pair_quoted("a\"b", "y")).empty());
}

TEST(Command, KeywordsAreLetters) {
  EXPECT_FALSE(refusal(command("GET INFO")).empty());
  EXPECT_FALSE(refusal(command("+LOADCONF")).empty());
  EXPECT_FALSE(refusal(command("")).empty());
  EXPECT_FALSE(refusal(command("GETINFO\r\nQUIT")).empty());
}

TEST(Command, FirstMistakeIsTheOneReported) {
  const command c = command("SETCONF").pair("a b", "x").quoted("\n").word("ok");
  EXPECT_EQ(refusal(c), command("SETCONF").pair("a b", "x").finish().error().reason);
}

}  // namespace
}  // namespace torctl::text
