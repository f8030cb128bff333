// The shared log of one event code (event_log.hpp): frames encoded once, cursors that
// see what comes after them, chunks that roll over and are freed behind the last reader.
#include "event_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "torctl/tc/message.hpp"

namespace torctl::daemon {
namespace {

// The frames from `c` to the end, decoded, with their numbers; moves `c` to the end.
std::vector<std::pair<std::uint64_t, std::string>> read_to_end(event_cursor& c) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  while (!c.at_end()) {
    const event_chunk& chunk = *c.chunk;
    const std::size_t begin = chunk.begin_of(c.frame);
    const tc::bytes_view frame(chunk.data.get() + begin, chunk.ends[c.frame] - begin);
    tc::message_reader reader(tc::sender::server);
    const auto step = reader.read(frame);
    EXPECT_EQ(step.status, tc::decode_status::complete);
    EXPECT_EQ(step.consumed, frame.size());
    const auto* e = std::get_if<tc::event_message>(&step.message);
    const auto* log = e ? std::get_if<tc::log_message_event>(&e->payload) : nullptr;
    out.emplace_back(chunk.numbers[c.frame], log ? std::string(log->message) : "?");
    c.position += frame.size();
    ++c.frame;
  }
  return out;
}

tc::event_payload message(const std::string& text) {
  return tc::log_message_event{text};
}

TEST(EventLog, ACursorSeesOnlyWhatComesAfterIt) {
  event_log log;
  ASSERT_TRUE(log.append(message("before"), 0));
  event_cursor c = log.end();
  EXPECT_TRUE(c.at_end());
  const std::string a = "first", b = "second";
  ASSERT_TRUE(log.append(message(a), 7));
  ASSERT_TRUE(log.append(message(b), 9));
  const auto seen = read_to_end(c);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0], (std::pair<std::uint64_t, std::string>{7, "first"}));
  EXPECT_EQ(seen[1], (std::pair<std::uint64_t, std::string>{9, "second"}));
  EXPECT_EQ(c.position, log.appended());
  EXPECT_EQ(log.frames_appended(), 3U);
}

TEST(EventLog, ChunksRollOverAndGoOnceNoCursorNeedsThem) {
  event_log log;
  event_cursor c = log.end();
  std::weak_ptr<event_chunk> first = c.chunk;
  const std::string text(1000, 'x');
  std::uint64_t n = 0;
  while (log.appended() < 3 * chunk_octets) ASSERT_TRUE(log.append(message(text), n++));
  const auto seen = read_to_end(c);
  ASSERT_EQ(seen.size(), n);
  for (std::uint64_t i = 0; i < n; ++i) EXPECT_EQ(seen[i].first, i);
  EXPECT_EQ(c.position, log.appended());
  EXPECT_TRUE(first.expired()) << "the first chunk outlived its last reader";
}

TEST(EventLog, ACursorBehindKeepsItsChunksAlive) {
  event_log log;
  event_cursor slow = log.end();
  std::weak_ptr<event_chunk> first = slow.chunk;
  const std::string text(1000, 'y');
  for (std::uint64_t i = 0; log.appended() < 2 * chunk_octets; ++i) {
    ASSERT_TRUE(log.append(message(text), i));
  }
  EXPECT_FALSE(first.expired());
  EXPECT_EQ(log.appended() - slow.position, log.appended());  // everything is unsent
  slow = event_cursor{};
  EXPECT_TRUE(first.expired());
}

TEST(EventLog, AFrameLargerThanAChunkGetsOneOfItsOwn) {
  event_log log;
  event_cursor c = log.end();
  const std::string big(0xFFFF - 3, 'z');  // the largest log message one frame holds
  ASSERT_TRUE(log.append(message("small"), 1));
  ASSERT_TRUE(log.append(message(big), 2));
  ASSERT_TRUE(log.append(message("after"), 3));
  const auto seen = read_to_end(c);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[1].second.size(), big.size());
  EXPECT_EQ(seen[2].second, "after");
}

TEST(EventLog, APayloadThatCannotBeEncodedIsRefusedAndNothingIsAppended) {
  event_log log;
  const std::string with_nul("a\0b", 3);
  EXPECT_FALSE(log.append(message(with_nul), 1));
  EXPECT_FALSE(log.append(message(std::string(0x10000, 'q')), 2));  // over one frame
  EXPECT_EQ(log.appended(), 0U);
  EXPECT_EQ(log.frames_appended(), 0U);
}

}  // namespace
}  // namespace torctl::daemon
