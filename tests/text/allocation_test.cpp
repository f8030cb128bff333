// Reading replies in place and parsing events allocates nothing once the reader's
// storage has grown to the largest reply: the event hot path is allocation-free.
// Counted by tests/support/allocation_counter.cpp.
#include <gtest/gtest.h>

#include "fixture_support.hpp"
#include "support/allocation_counter.hpp"
#include "torctl/text/event.hpp"

namespace torctl::text {
namespace {

// Reads every reply of `input` in place, parsing events; returns how many events parsed.
std::size_t read_and_parse(reply_reader& reader, std::string_view input) {
  std::size_t events = 0;
  while (!input.empty()) {
    const read_step step = reader.read_in_place(input);
    EXPECT_NE(step.status, read_status::malformed) << step.error;
    if (step.status != read_status::complete) break;
    input.remove_prefix(step.consumed);
    if (!reader.last().is_event()) continue;
    auto parsed = parse_event(reader.last());
    EXPECT_TRUE(parsed.has_value());
    if (parsed) ++events;
  }
  return events;
}

TEST(TextAllocation, InPlaceReadingAndEventParsingAllocateNothing) {
  // CONF_CHANGED builds a vector of changes, so the mix leaves it out.
  std::string input;
  for (const reply& r : testing::read_all(testing::fixture("events_network"), 4096)) {
    if (r.lines.front().text == "CONF_CHANGED") continue;
    input += *write_reply(r);
  }
  reply_reader reader;
  const std::size_t warm = read_and_parse(reader, input);  // grows the reader's storage
  ASSERT_GT(warm, 40u);
  const long before = torctl::testing::allocation_count();
  std::size_t events = 0;
  for (int i = 0; i < 10; ++i) events += read_and_parse(reader, input);
  const long during = torctl::testing::allocation_count() - before;
  EXPECT_EQ(events, 10 * warm);
  EXPECT_EQ(during, 0) << "allocations while parsing " << events << " events";
}

TEST(TextAllocation, ReadOwnsEachReplyAndAllocates) {
  // The contrast: read() hands each reply over, so each needs storage of its own.
  reply_reader reader;
  const long before = torctl::testing::allocation_count();
  const read_step step = reader.read(std::string_view("650 BW 1 2 and a text past SSO\r\n"));
  ASSERT_EQ(step.status, read_status::complete);
  EXPECT_GE(torctl::testing::allocation_count() - before, 2);
}

TEST(TextAllocation, ReadRepliesGivenBackAreReadAgainWithoutAllocating) {
  // How the client reads its command replies: each is handed over, read into the
  // caller's value, and given back for the next one.
  const std::string_view answer = "250-version=0.4.9.11 and past SSO\r\n250 OK\r\n";
  reply_reader reader;
  for (int i = 0; i < 2; ++i) {  // warm: the lines and their strings reach their size
    read_step step = reader.read(answer);
    ASSERT_EQ(step.status, read_status::complete);
    reader.recycle(std::move(step.reply));
  }
  const long before = torctl::testing::allocation_count();
  for (int i = 0; i < 100; ++i) {
    read_step step = reader.read(answer);
    ASSERT_EQ(step.status, read_status::complete);
    ASSERT_EQ(step.reply.lines.size(), 2u);
    EXPECT_EQ(step.reply.lines[0].text, "version=0.4.9.11 and past SSO");
    reader.recycle(std::move(step.reply));
  }
  EXPECT_EQ(torctl::testing::allocation_count() - before, 0);
}

}  // namespace
}  // namespace torctl::text
