// Typed reply parsers over the captured fixtures (PROTOCOLINFO, GETINFO and GETCONF
// key-values, MAPADDRESS, address-mappings/*), their failures, and round trips of
// generated replies and commands through the writers and readers.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fixture_support.hpp"
#include "torctl/text/address_map.hpp"
#include "torctl/text/arguments.hpp"
#include "torctl/text/command.hpp"
#include "torctl/text/keyvalue.hpp"
#include "torctl/text/protocolinfo.hpp"

namespace torctl::text {
namespace {

using testing::fixture;
using testing::one_reply;
using testing::read_all;

TEST(Protocolinfo, CapturedReply) {
  auto info = parse_protocolinfo(one_reply(fixture("protocolinfo")));
  ASSERT_TRUE(info.has_value()) << info.error();
  EXPECT_EQ(info->version, 1u);
  EXPECT_EQ(info->methods, (std::vector<std::string>{"COOKIE", "SAFECOOKIE", "HASHEDPASSWORD"}));
  EXPECT_TRUE(info->offers("SAFECOOKIE"));
  EXPECT_FALSE(info->offers("NULL"));
  EXPECT_EQ(info->cookie_file, "/var/lib/tor-capture/data/control_auth_cookie");
  EXPECT_EQ(info->tor_version, "0.4.9.11");
  EXPECT_TRUE(info->other_lines.empty());
}

TEST(Protocolinfo, AnyOrderEscapesAndUnknownLines) {
  auto info = parse_protocolinfo(
      one_reply("250-VERSION Tor=\"0.5.0\" EXTRA=1\r\n250-FUTURE thing\r\n250-PROTOCOLINFO 1 2\r\n"
                "250-AUTH METHODS=NULL COOKIEFILE=\"/a \\\"b\\\"\\\\c\"\r\n250 OK\r\n"));
  ASSERT_TRUE(info.has_value()) << info.error();
  EXPECT_EQ(info->methods, std::vector<std::string>{"NULL"});
  EXPECT_EQ(info->cookie_file, "/a \"b\"\\c");
  EXPECT_EQ(info->tor_version, "0.5.0");
  EXPECT_EQ(info->other_lines, std::vector<std::string>{"FUTURE thing"});
}

TEST(Protocolinfo, MalformedRepliesFail) {
  for (const char* text : {
           "514 Authentication required.\r\n",
           "250-AUTH METHODS=NULL\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250 OK\r\n",
           "250-PROTOCOLINFO one\r\n250-AUTH METHODS=NULL\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250-AUTH COOKIEFILE=\"x\"\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"x\r\n250 OK\r\n",
       }) {
    auto info = parse_protocolinfo(one_reply(text));
    EXPECT_FALSE(info.has_value()) << text;
  }
}

TEST(KeyValues, GetconfWithUnsetAndRepeatedOptions) {
  auto single = parse_key_values(one_reply(fixture("getconf")), value_form::quoted);
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ(*single, (std::vector<key_value>{{"SocksPort", "0"},
                                             {"ORPort", std::nullopt},
                                             {"Nickname", std::nullopt},
                                             {"ContactInfo", std::nullopt},
                                             {"HiddenServiceOptions", std::nullopt}}));
  const auto replies = read_all(fixture("getconf_multi"), 4096);
  ASSERT_EQ(replies.size(), 2u);  // SETCONF's OK, then GETCONF's answer
  auto multi = parse_key_values(replies[1], value_form::quoted);
  ASSERT_TRUE(multi.has_value());
  EXPECT_EQ(*multi, (std::vector<key_value>{{"SocksPolicy", "accept 127.0.0.1"},
                                            {"SocksPolicy", "reject *"}}));
}

TEST(KeyValues, GetinfoRawAndDataValues) {
  auto several = parse_key_values(one_reply(fixture("getinfo_several")), value_form::raw);
  ASSERT_TRUE(several.has_value());
  ASSERT_EQ(several->size(), 4u);
  EXPECT_EQ((*several)[0], (key_value{"version", "0.4.9.11"}));
  // GETINFO values are raw: the quotes inside stay.
  EXPECT_EQ((*several)[1].value, "NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY=\"Starting\"");
  EXPECT_EQ((*several)[3], (key_value{"net/listeners/socks", ""}));
  auto data = parse_key_values(one_reply(fixture("getinfo_data")), value_form::raw);
  ASSERT_TRUE(data.has_value());
  ASSERT_EQ(data->size(), 1u);
  EXPECT_EQ((*data)[0].key, "config/names");
  EXPECT_EQ((*data)[0].value->rfind("__AllDirActionsPrivate Boolean\n", 0), 0u);
}

TEST(KeyValues, FailuresNameTheProblem) {
  EXPECT_FALSE(parse_key_values(one_reply("552 Unrecognized key \"x\"\r\n"), value_form::raw));
  EXPECT_FALSE(parse_key_values(one_reply("250-=x\r\n250 OK\r\n"), value_form::raw));
  EXPECT_FALSE(parse_key_values(one_reply("250 Key=\"open\r\n"), value_form::quoted));
  EXPECT_FALSE(parse_key_values(one_reply("250 Key=\"a\"b\r\n"), value_form::quoted));
}

TEST(KeyValues, ReadOneAtATimeInOrderUpToAMalformedEntry) {
  std::vector<key_value> seen;
  const key_value_sink keep = [](void* into, key_value&& e) {
    static_cast<std::vector<key_value>*>(into)->push_back(std::move(e));
  };
  const reply good = one_reply("250-a=1\r\n250-b\r\n250 OK\r\n");
  EXPECT_EQ(read_key_values(good, value_form::raw, keep, &seen), "");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (key_value{"a", "1"}));
  EXPECT_EQ(seen[1], (key_value{"b", std::nullopt}));
  seen.clear();
  const reply bad = one_reply("250-a=\"x\"\r\n250-b=\"open\r\n250 OK\r\n");
  EXPECT_EQ(read_key_values(bad, value_form::quoted, keep, &seen),
            "an entry's quoted value is malformed");
  ASSERT_EQ(seen.size(), 1u);  // the entry before the bad one
  EXPECT_EQ(seen[0], (key_value{"a", "x"}));
}

TEST(Mapaddress, CapturedRepliesIncludingServerChoices) {
  auto entries = parse_mapaddress(one_reply(fixture("mapaddress")));
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  // 0.0.0.0 and "." asked Tor to choose: it answered with addresses of its own.
  EXPECT_EQ((*entries)[0].to, "torproject.org");
  EXPECT_EQ((*entries)[0].from.rfind("127.", 0), 0u);
  EXPECT_NE((*entries)[1].from.find(".virtual"), std::string::npos);
  EXPECT_EQ((*entries)[2], (mapaddress_entry{250, "a.example", "b.example", ""}));
  for (const auto& e : *entries) EXPECT_TRUE(e.ok());
}

TEST(Mapaddress, MixedReplyKeepsEachPairsOutcome) {
  auto entries = parse_mapaddress(one_reply(fixture("mapaddress_mixed")));
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].status, 512);
  EXPECT_NE((*entries)[0].error.find("1.2.3.4=*.example.com"), std::string::npos);
  EXPECT_EQ((*entries)[1], (mapaddress_entry{250, "a.example", "b.example", ""}));
  EXPECT_EQ((*entries)[2].error, "syntax error: invalid address 'bad%addr'");
  EXPECT_FALSE(parse_mapaddress(one_reply("250 noequals\r\n")).has_value());
}

TEST(AddressMappings, CapturedDataAndEmptyValues) {
  auto kv = parse_key_values(one_reply(fixture("address_mappings")), value_form::raw);
  ASSERT_TRUE(kv.has_value());
  ASSERT_EQ(kv->size(), 2u);
  auto control = parse_address_mappings(*(*kv)[0].value);
  ASSERT_TRUE(control.has_value());
  ASSERT_EQ(control->size(), 3u);
  EXPECT_EQ((*control)[1], (address_mapping{"a.example", "b.example", std::nullopt}));
  auto config = parse_address_mappings(*(*kv)[1].value);
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->empty());
}

TEST(AddressMappings, ExpiryEmptyTargetsOldFormAndFailures) {
  auto timed = parse_address_mappings("a b \"2026-12-03 19:14:54\"\r\nc  NEVER\n");
  ASSERT_TRUE(timed.has_value());
  EXPECT_EQ(*timed, (std::vector<address_mapping>{{"a", "b", "2026-12-03 19:14:54"},
                                                  {"c", "", std::nullopt}}));
  auto old = parse_address_mappings("a b\n", false);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->front().to, "b");
  EXPECT_FALSE(parse_address_mappings("a\n"));
  EXPECT_FALSE(parse_address_mappings("a b\n"));
  EXPECT_FALSE(parse_address_mappings("a b \"open\n"));
}

// Random replies: written with write_reply, read back, equal.
reply random_reply(std::mt19937& rng) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::string alphabet = "aZ09 =\"\\.-+_~$\t";
  const auto text = [&](int max) {
    std::string s;
    for (int i = pick(max + 1); i > 0; --i) s += alphabet[static_cast<std::size_t>(pick(15))];
    return s;
  };
  reply r;
  const bool event = pick(4) == 0;
  const int lines = 1 + pick(5);
  for (int i = 0; i < lines; ++i) {
    reply_line& line = r.lines.emplace_back();
    line.status = static_cast<std::uint16_t>(event ? 650 : 200 + pick(400));
    line.separator = i + 1 == lines ? ' ' : (pick(2) == 0 ? '-' : '+');
    line.text = text(20);
    if (line.separator == '+') {
      line.data.emplace();
      for (int j = pick(5); j > 0; --j) *line.data += (pick(3) == 0 ? "." : "") + text(10) + "\n";
    }
  }
  return r;
}

TEST(RoundTrip, GeneratedRepliesSurviveWriteAndRead) {
  std::mt19937 rng(20261203);
  std::vector<reply> generated;
  std::string stream;
  for (int i = 0; i < 2000; ++i) {
    generated.push_back(random_reply(rng));
    auto written = write_reply(generated.back());
    ASSERT_TRUE(written.has_value()) << written.error();
    stream += *written;
  }
  EXPECT_EQ(read_all(stream, stream.size()), generated);
  EXPECT_EQ(read_all(stream, 7), generated);
}

TEST(RoundTrip, WriterRefusesWhatTheGrammarCannotCarry) {
  const auto line = [](std::uint16_t status, char sep, std::string text) {
    return reply_line{status, sep, std::move(text), std::nullopt};
  };
  EXPECT_FALSE(write_reply(reply{}));
  EXPECT_FALSE(write_reply(reply{{line(1000, ' ', "x")}}));
  EXPECT_EQ(*write_reply(reply{{line(50, ' ', "x")}}), "050 x\r\n");
  EXPECT_FALSE(write_reply(reply{{line(250, ' ', "a\r\n250 OK")}}));
  EXPECT_FALSE(write_reply(reply{{line(250, '-', "x")}}));
  EXPECT_FALSE(write_reply(reply{{line(250, ' ', "x"), line(250, ' ', "y")}}));
  EXPECT_FALSE(write_reply(reply{{line(250, '+', "x="), line(250, ' ', "OK")}}));
  reply nul{{line(250, '+', "x="), line(250, ' ', "OK")}};
  nul.lines[0].data = std::string("a\0b", 3);
  EXPECT_FALSE(write_reply(nul));
}

// Random values through the command writer come back, byte for byte, from the argument
// reader (which reads arguments as Tor's quoted-string rule does), or are refused.
TEST(RoundTrip, GeneratedCommandArgumentsReadBackExactly) {
  std::mt19937 rng(7);
  int sent = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string value;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n) {
      value += static_cast<char>(rng() % 128);
    }
    auto written = command("SETCONF").pair("Opt", value).pair_quoted("Other", value).finish();
    const bool unsafe = value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
    ASSERT_EQ(written.has_value(), !unsafe) << "value of " << value.size() << " octets";
    if (!written) continue;
    ++sent;
    std::string_view line = *written;
    ASSERT_EQ(line.substr(line.size() - 2), "\r\n");
    line.remove_suffix(2);
    argument_reader args(line.substr(line.find(' ') + 1));
    std::vector<std::string> got;
    for (argument arg; args.next(arg);) got.push_back(std::string(arg.key) + "=" + arg.decoded());
    ASSERT_EQ(got, (std::vector<std::string>{"Opt=" + value, "Other=" + value}));
  }
  EXPECT_GT(sent, 1000);
}

}  // namespace
}  // namespace torctl::text
