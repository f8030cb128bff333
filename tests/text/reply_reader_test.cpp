// The reply reader over replies and events captured from a real tor
// (tests/fixtures/text/, see capture.py there), whole, split at every offset, one octet
// at a time and with bare LFs; then a table of malformed input and the limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture_support.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::text {
namespace {

using testing::fixture;
using testing::read_all;

const std::vector<std::string> fixture_names = {
    "protocolinfo", "authenticate",     "getinfo_version", "getinfo_several", "getinfo_data",
    "getconf",      "getconf_multi",    "errors",          "mapaddress",      "address_mappings",
    "events",       "mapaddress_mixed", "events_network"};

TEST(ReplyReader, EveryFixtureReadsTheSameSplitAnywhere) {
  for (const std::string& name : fixture_names) {
    const std::string input = fixture(name);
    const std::vector<reply> whole = read_all(input, input.size());
    ASSERT_FALSE(whole.empty()) << name;
    EXPECT_EQ(read_all(input, 1), whole) << name << ", one octet at a time";
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
      reply_reader reader;
      std::vector<reply> got;
      for (std::string_view piece :
           {std::string_view(input).substr(0, cut), std::string_view(input).substr(cut)}) {
        while (!piece.empty()) {
          read_step step = reader.read(piece);
          ASSERT_NE(step.status, read_status::malformed) << step.error;
          piece.remove_prefix(step.consumed);
          if (step.status == read_status::complete) got.push_back(std::move(step.reply));
        }
      }
      ASSERT_EQ(got, whole) << name << ", cut at " << cut;
    }
  }
}

// read_in_place yields the same replies as read, its storage reused between them.
std::vector<reply> read_all_in_place(std::string_view input, std::size_t chunk) {
  reply_reader reader;
  std::vector<reply> out;
  for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
    std::string_view piece = input.substr(offset, chunk);
    while (!piece.empty()) {
      const read_step step = reader.read_in_place(piece);
      EXPECT_NE(step.status, read_status::malformed) << step.error;
      if (step.status == read_status::malformed) return out;
      EXPECT_TRUE(step.reply.lines.empty());
      piece.remove_prefix(step.consumed);
      if (step.status == read_status::complete) out.push_back(reader.last());
    }
  }
  return out;
}

TEST(ReplyReader, InPlaceReadingGivesTheSameReplies) {
  std::string all;
  for (const std::string& name : fixture_names) all += fixture(name);
  const std::vector<reply> expected = read_all(all, all.size());
  EXPECT_EQ(read_all_in_place(all, all.size()), expected);
  EXPECT_EQ(read_all_in_place(all, 1), expected);
  EXPECT_EQ(read_all_in_place(all, 61), expected);
}

TEST(ReplyReader, ARecycledReplyLeavesNothingOfItselfInTheNext) {
  reply_reader reader;
  read_step first = reader.read(std::string_view("250+a=\r\nline\r\n.\r\n250-b=2\r\n250 OK\r\n"));
  ASSERT_EQ(first.status, read_status::complete);
  ASSERT_EQ(first.reply.lines.size(), 3u);
  reader.recycle(std::move(first.reply));
  const read_step second = reader.read(std::string_view("552 Unrecognized key \"x\"\r\n"));
  ASSERT_EQ(second.status, read_status::complete);
  ASSERT_EQ(second.reply.lines.size(), 1u);
  EXPECT_EQ(second.reply.lines[0].status, 552);
  EXPECT_EQ(second.reply.lines[0].text, "Unrecognized key \"x\"");
  EXPECT_FALSE(second.reply.lines[0].data.has_value());
}

TEST(ReplyReader, RecyclingAfterTheNextReplyBeganChangesNothing) {
  reply_reader reader;
  read_step first = reader.read(std::string_view("250-a=1\r\n250 OK\r\n250-b="));
  ASSERT_EQ(first.status, read_status::complete);
  ASSERT_EQ(reader.read(std::string_view("250-b=")).status, read_status::need_more);
  ASSERT_EQ(reader.read(std::string_view("2\r\n")).status, read_status::need_more);
  reader.recycle(std::move(first.reply));  // a line of the next reply is already kept
  const read_step rest = reader.read(std::string_view("250 OK\r\n"));
  ASSERT_EQ(rest.status, read_status::complete);
  ASSERT_EQ(rest.reply.lines.size(), 2u);
  EXPECT_EQ(rest.reply.lines[0].text, "b=2");
  EXPECT_EQ(rest.reply.lines[1].text, "OK");
}

TEST(ReplyReader, BareLfReadsLikeCrlf) {
  for (const std::string& name : fixture_names) {
    const std::string crlf = fixture(name);
    std::string lf;
    for (std::size_t i = 0; i < crlf.size(); ++i) {
      if (!(crlf[i] == '\r' && i + 1 < crlf.size() && crlf[i + 1] == '\n')) lf += crlf[i];
    }
    EXPECT_EQ(read_all(lf, lf.size()), read_all(crlf, crlf.size())) << name;
  }
}

TEST(ReplyReader, ProtocolinfoFixture) {
  const auto replies = read_all(fixture("protocolinfo"), 4096);
  ASSERT_EQ(replies.size(), 1u);
  const reply& r = replies[0];
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.is_event());
  EXPECT_EQ(r.lines[0].text, "PROTOCOLINFO 1");
  EXPECT_EQ(r.lines[0].separator, '-');
  EXPECT_EQ(r.lines[1].text.rfind("AUTH METHODS=COOKIE,SAFECOOKIE,HASHEDPASSWORD ", 0), 0u);
  EXPECT_EQ(r.lines[2].text, "VERSION Tor=\"0.4.9.11\"");
  EXPECT_EQ(r.message(), "OK");
}

TEST(ReplyReader, DataReplyFixture) {
  const auto replies = read_all(fixture("getinfo_data"), 4096);
  ASSERT_EQ(replies.size(), 1u);
  const reply& r = replies[0];
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].separator, '+');
  EXPECT_EQ(r.lines[0].text, "config/names=");
  ASSERT_TRUE(r.lines[0].data.has_value());
  EXPECT_NE(r.lines[0].data->find("\nSocksPort Dependent\n"), std::string::npos);
  EXPECT_EQ(r.lines[0].data->find('\r'), std::string::npos);
  EXPECT_EQ(r.lines[1].text, "OK");
}

TEST(ReplyReader, ErrorsFixtureKeepsOneReplyPerCommand) {
  const auto replies = read_all(fixture("errors"), 4096);
  std::vector<std::uint16_t> codes;
  for (const reply& r : replies) codes.push_back(r.status());
  EXPECT_EQ(codes, (std::vector<std::uint16_t>{552, 552, 513, 510, 552}));
  EXPECT_EQ(replies[0].message(), "Unrecognized key \"nosuchkey\"");
}

TEST(ReplyReader, OneReplyMayMixStatusCodes) {
  const auto replies = read_all(fixture("mapaddress_mixed"), 4096);
  ASSERT_EQ(replies.size(), 1u);
  const reply& r = replies[0];
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0].status, 512);
  EXPECT_EQ(r.lines[1].status, 250);
  EXPECT_EQ(r.status(), 512);
  EXPECT_FALSE(r.ok());
}

TEST(ReplyReader, EventsAndRepliesComeOutInTorsOrder) {
  const auto replies = read_all(fixture("events"), 4096);
  std::string order;
  for (const reply& r : replies) order += r.is_event() ? 'E' : 'R';
  // As in events.txt: R = a reply to a command, E = an event.
  EXPECT_EQ(order, "REREEREREREEEEEEER");
  std::size_t conf_changed = 0;
  for (const reply& r : replies) {
    if (r.is_event() && r.lines.front().text == "CONF_CHANGED") {
      ++conf_changed;
      EXPECT_GE(r.lines.size(), 3u);
      EXPECT_EQ(r.message(), "OK");
    }
  }
  EXPECT_EQ(conf_changed, 2u);
  EXPECT_EQ(replies.back().status(), 250);
}

}  // namespace
}  // namespace torctl::text

namespace torctl::text {
namespace {

TEST(ReplyReader, DataBlocksUndoDotStuffing) {
  const auto replies = read_all("250+x=\r\n..a\r\n..\r\n\r\nb\r\n.\r\n250 OK\r\n", 1000);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(*replies[0].lines[0].data, ".a\n.\n\nb\n");
}

TEST(ReplyReader, EmptyEndLineTextIsAllowed) {
  const auto replies = read_all("250 \r\n", 100);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].message(), "");
}

struct malformed_case {
  const char* description;
  std::string input;
};

TEST(ReplyReader, MalformedInputIsRefusedAndStaysRefused) {
  const std::vector<malformed_case> cases = {
      {"blank line", "\r\n"},
      {"status code alone", "250\r\n"},
      {"two-digit status", "25 OK\r\n"},
      {"letters for a status", "abc OK\r\n"},
      {"unknown separator", "250*OK\r\n"},
      {"reply turns into an event", "250-a\r\n650 b\r\n"},
      {"event status changes mid-reply", "650-CONF_CHANGED\r\n250 OK\r\n"},
  };
  for (const malformed_case& c : cases) {
    reply_reader reader;
    read_step step;
    std::string_view input = c.input;
    do {
      step = reader.read(input);
      input.remove_prefix(step.consumed);
    } while (step.status == read_status::complete && !input.empty());
    ASSERT_EQ(step.status, read_status::malformed) << c.description;
    EXPECT_FALSE(step.error.empty());
    const read_step again = reader.read(std::string_view("250 OK\r\n"));
    EXPECT_EQ(again.status, read_status::malformed) << c.description << ": must stay failed";
    EXPECT_EQ(again.consumed, 0u);
  }
}

TEST(ReplyReader, LineLimitIsExactAndBoundsBuffering) {
  const reply_limits limits{10, 1000};
  // "250 ABCDEF" is 10 octets: accepted with CRLF or LF.
  EXPECT_EQ(read_all("250 ABCDEF\r\n", 3, limits).size(), 1u);
  EXPECT_EQ(read_all("250 ABCDEF\n", 3, limits).size(), 1u);
  reply_reader reader(limits);
  const read_step over = reader.read(std::string_view("250 ABCDEFG\r\n"));
  EXPECT_EQ(over.status, read_status::malformed);
  // Without a line end, the reader refuses as soon as the limit is passed.
  reply_reader endless(limits);
  const read_step partial = endless.read(std::string_view("250 ABCDEFGHIJKLMNOP"));
  EXPECT_EQ(partial.status, read_status::malformed);
  EXPECT_LE(endless.buffered(), 11u);
}

TEST(ReplyReader, ReplyLimitCountsTextAndData) {
  const reply_limits limits{100, 30};
  EXPECT_EQ(read_all("250-0123456789\r\n250 0123456789\r\n", 5, limits).size(), 1u);
  reply_reader reader(limits);
  std::string_view input = "250-0123456789\r\n250-0123456789\r\n250 0123456789\r\n";
  read_step step;
  do {
    step = reader.read(input);
    input.remove_prefix(step.consumed);
  } while (step.status == read_status::need_more && !input.empty());
  EXPECT_EQ(step.status, read_status::malformed);
  reply_reader data_reader(limits);
  const read_step data = data_reader.read(
      std::string_view("250+x=\r\n0123456789\r\n0123456789\r\n0123456789\r\n.\r\n250 OK\r\n"));
  EXPECT_EQ(data.status, read_status::malformed);
}

}  // namespace
}  // namespace torctl::text
