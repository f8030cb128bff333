// The three line grammars (SETCONF, GETCONF, CONFVALUE) and the decisions they embody.
#include "torctl/tc/config_lines.hpp"

#include <optional>
#include <random>

#include "tc/reference_grammar.hpp"
#include "tc/scan.hpp"
#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using entries = std::vector<config_entry>;

template <class Grammar>
std::vector<typename Grammar::element> decode_list(std::string_view body) {
  auto count = Grammar::validate(as_bytes(body));
  EXPECT_TRUE(count.has_value()) << quoted(body) << ": " << (count ? "" : count.error().reason);
  if (!count) return {};
  const auto list = wire_list<Grammar>::from_validated(as_bytes(body), *count);
  std::vector<typename Grammar::element> out(list.begin(), list.end());
  EXPECT_EQ(out.size(), list.size());
  return out;
}

template <class Grammar>
error_code rejection(std::string_view body) {
  auto count = Grammar::validate(as_bytes(body));
  EXPECT_FALSE(count.has_value()) << quoted(body) << " was accepted";
  return count ? error_code::unspecified : count.error().code;
}

TEST(SetconfLines, ReadLikeATorrc) {
  EXPECT_EQ(decode_list<setconf_grammar>("  SocksPort \t 9050  \r\n\n\t\nNickname\r\n"
                                         "ExitPolicy accept *:80\nExitPolicy reject *:*"),
            (entries{{"SocksPort", "9050"},
                     {"Nickname", std::nullopt},
                     {"ExitPolicy", "accept *:80"},
                     {"ExitPolicy", "reject *:*"}}));
}

TEST(SetconfLines, KeyWithOnlyBlanksAfterItRestoresTheDefault) {
  EXPECT_EQ(decode_list<setconf_grammar>("Nickname   \n"), (entries{{"Nickname", std::nullopt}}));
}

TEST(SetconfLines, HashAndQuotesAreOrdinaryOctets) {
  EXPECT_EQ(decode_list<setconf_grammar>("ContactInfo \"me\" # you\n"),
            (entries{{"ContactInfo", "\"me\" # you"}}));
}

TEST(SetconfLines, EmptyAndBlankBodiesHoldNoEntries) {
  EXPECT_TRUE(decode_list<setconf_grammar>("").empty());
  EXPECT_TRUE(decode_list<setconf_grammar>("\n \r\n\t\n").empty());
}

TEST(SetconfLines, ValueKeepsInnerBlanksAndHighOctets) {
  EXPECT_EQ(decode_list<setconf_grammar>("ContactInfo a  b\tc \xc3\xa9\n"),
            (entries{{"ContactInfo", "a  b\tc \xc3\xa9"}}));
}

TEST(SetconfLines, BareCrInsideALineIsRefused) {
  EXPECT_EQ(rejection<setconf_grammar>("Nickname a\rb\n"), error_code::syntax);
  EXPECT_EQ(rejection<setconf_grammar>("Nick\rname\n"), error_code::syntax);
}

TEST(ConfvalueLines, ExactlyOneSpaceThenTheValueVerbatim) {
  EXPECT_EQ(decode_list<confvalue_grammar>("SocksPort 9050\nORPort\nContactInfo \n"
                                           "Log  notice stderr \nLast x"),
            (entries{{"SocksPort", "9050"},
                     {"ORPort", std::nullopt},
                     {"ContactInfo", ""},
                     {"Log", " notice stderr "},
                     {"Last", "x"}}));
}

TEST(ConfvalueLines, NoBlankLinesNoLeadingSpaceNoTabSeparator) {
  EXPECT_EQ(rejection<confvalue_grammar>("A 1\n\nB 2\n"), error_code::syntax);
  EXPECT_EQ(rejection<confvalue_grammar>(" A 1\n"), error_code::syntax);
  EXPECT_EQ(rejection<confvalue_grammar>("A\t1\n"), error_code::syntax);
  EXPECT_EQ(rejection<confvalue_grammar>("A\r\n"), error_code::syntax);
}

TEST(ConfvalueLines, ValueIsAnythingButNl) {
  // The spec's "non-NL value": a CR or NUL inside is data, kept verbatim.
  const std::string_view body("A x\ry\r\nB \0\xff\n", 12);
  EXPECT_EQ(decode_list<confvalue_grammar>(body),
            (entries{{"A", "x\ry\r"}, {"B", std::string_view("\0\xff", 2)}}));
}

TEST(GetconfKeys, TrimmedBlankLinesSkipped) {
  EXPECT_EQ(decode_list<getconf_grammar>(" SocksPort \r\n\nHiddenServiceOptions\nversion"),
            (std::vector<std::string_view>{"SocksPort", "HiddenServiceOptions", "version"}));
  EXPECT_TRUE(decode_list<getconf_grammar>("").empty());
}

TEST(GetconfKeys, BlankInsideAKeyIsRefused) {
  EXPECT_EQ(rejection<getconf_grammar>("Socks Port\n"), error_code::syntax);
}

TEST(ConfigEntryEncoding, SetconfRefusesWhatTorWouldMisread) {
  const auto reason = [](config_entry e) {
    auto size = setconf_grammar::measure(e);
    EXPECT_FALSE(size.has_value()) << e.key;
    return size ? encode_errc::body_too_large : size.error().kind;
  };
  EXPECT_EQ(reason({"Nickname", ""}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nickname", " x"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nickname", "x\t"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nickname", "a\nSocksPort 1"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nickname", "a\rb"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nickname", std::string_view("a\0b", 3)}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"", "x"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Socks Port", "x"}), encode_errc::invalid_field);
  EXPECT_EQ(reason({"Nick\xc3\xa9", "x"}), encode_errc::invalid_field);
}

TEST(ConfigEntryEncoding, ConfvalueCarriesEmptyAndBlankEdgedValues) {
  EXPECT_EQ(*confvalue_grammar::measure({"ContactInfo", ""}), 13u);
  EXPECT_EQ(*confvalue_grammar::measure({"Log", " x "}), 8u);
  EXPECT_EQ(*confvalue_grammar::measure({"ORPort", std::nullopt}), 7u);
  EXPECT_EQ(*confvalue_grammar::measure({"Log", "a\rb"}), 8u);
  EXPECT_FALSE(confvalue_grammar::measure({"Log", "a\nb"}).has_value());
}

TEST(ConfigEntryEncoding, GetconfKeysMustBeKeys) {
  EXPECT_EQ(*getconf_grammar::measure("SocksPort"), 10u);
  EXPECT_FALSE(getconf_grammar::measure("").has_value());
  EXPECT_FALSE(getconf_grammar::measure("a b").has_value());
}

TEST(ConfigCharacters, KeysAndValues) {
  EXPECT_TRUE(is_valid_key("HiddenServiceDir"));
  EXPECT_TRUE(is_valid_key("__OwningControllerProcess"));
  EXPECT_FALSE(is_valid_key(""));
  EXPECT_FALSE(is_valid_key("a b"));
  EXPECT_FALSE(is_valid_key("a\x7f"));
  EXPECT_TRUE(is_valid_setconf_value(""));
  EXPECT_TRUE(is_valid_setconf_value("accept *:80 \t\xff and a longer tail"));
  EXPECT_FALSE(is_valid_setconf_value(std::string_view("\0", 1)));
  EXPECT_FALSE(is_valid_setconf_value("0123456789abcdef\r"));
  EXPECT_FALSE(is_valid_setconf_value("\n"));
  EXPECT_TRUE(is_valid_confvalue_value(std::string_view("a\0b\rc", 5)));
  EXPECT_FALSE(is_valid_confvalue_value("a\nb"));
}

TEST(WireList, BuiltAndDecodedListsCompareByElements) {
  const entries built_entries = {{"SocksPort", "9050"}, {"Nickname", std::nullopt}};
  const setconf_lines built(built_entries);
  const std::string_view wire = "SocksPort 9050\nNickname\n";
  const auto decoded = setconf_lines::from_validated(as_bytes(wire), 2);
  EXPECT_EQ(built, decoded);
  const entries other_entries = {{"SocksPort", "9051"}, {"Nickname", std::nullopt}};
  EXPECT_NE(built, setconf_lines(other_entries));
  EXPECT_NE(built, setconf_lines(std::span(built_entries).first(1)));
  EXPECT_EQ(built.size(), 2u);
  EXPECT_TRUE(setconf_lines().empty());
}

}  // namespace
}  // namespace torctl::tc

namespace torctl::tc {
namespace {

using testing::reference_confvalue_count;

// Bodies of random lines (short and long keys and values, key-only and empty values)
// with, half of the time, one fault somewhere: the fast paths work in 64-octet blocks and
// skip long values with memchr, so faults and line ends must be found at every offset.
// Each body is validated twice, by the AVX-512 path where the processor has one and by
// the SSE2 (or portable) path: both must agree with the plain reading, and on the reason.
TEST(ConfvalueLines, FastValidationAgreesWithAPlainReading) {
  std::mt19937 rng(64);
  const auto below = [&](std::uint32_t n) { return static_cast<std::size_t>(rng() % n); };
  for (int round = 0; round < 3000; ++round) {
    std::string body;
    const std::size_t lines = below(40);
    for (std::size_t i = 0; i < lines; ++i) {
      const std::size_t key_length = 1 + (below(10) == 0 ? below(150) : below(20));
      body += std::string(key_length, static_cast<char>('A' + below(26)));
      if (below(4) != 0) {
        body += ' ';
        const std::size_t length = below(8) == 0 ? below(400) : below(70);
        for (std::size_t j = 0; j < length; ++j) {
          char c = static_cast<char>(below(256));
          body += c == '\n' ? 'v' : c;
        }
      }
      if (i + 1 < lines || below(2) == 0) body += '\n';
    }
    if (!body.empty() && below(2) == 0) {
      static constexpr char faults[] = {'\n', ' ', '\t', '\x01', '\x7f', '\xc3', '\r'};
      body[below(static_cast<std::uint32_t>(body.size()))] =
          faults[below(static_cast<std::uint32_t>(std::size(faults)))];
    }
    const auto expected = reference_confvalue_count(body);
    std::optional<std::string_view> first_reason;
    for (const bool wide : {true, false}) {
      scan::allow_avx512(wide);
      const auto fast = confvalue_grammar::validate(as_bytes(body));
      scan::allow_avx512(true);
      ASSERT_EQ(fast.has_value(), expected.has_value())
          << "round " << round << (wide ? " (widest path)" : " (SSE2 path)") << ": "
          << quoted(body);
      if (!expected) {
        if (first_reason) {
          EXPECT_EQ(fast.error().reason, *first_reason) << "round " << round;
        }
        first_reason = fast.error().reason;
        continue;
      }
      ASSERT_EQ(*fast, *expected) << "round " << round;
      const auto list = confvalue_lines::from_validated(as_bytes(body), *fast);
      std::size_t walked = 0;
      for (const config_entry& e : list) walked += e.key.empty() ? 0u : 1u;
      ASSERT_EQ(walked, *expected);
    }
  }
}

}  // namespace
}  // namespace torctl::tc
