// The decoder's hot path makes no heap allocation per message: once a reader has
// buffered its largest frame, reading and walking any number of messages allocates
// nothing. Counted by tests/support/allocation_counter.cpp.
#include <vector>

#include "support/allocation_counter.hpp"
#include "tc/message_generator.hpp"
#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;

// Touches every element of a decoded message, as a consumer would.
std::size_t walk(const message& m) {
  std::size_t n = 0;
  if (const auto* s = std::get_if<setconf_message>(&m)) {
    for (const auto& e : s->lines) n += e.key.size() + (e.value ? e.value->size() : 0);
  } else if (const auto* c = std::get_if<confvalue_message>(&m)) {
    for (const auto& e : c->lines) n += e.key.size() + (e.value ? e.value->size() : 0);
  } else if (const auto* g = std::get_if<getconf_message>(&m)) {
    for (auto key : g->keys) n += key.size();
  } else if (const auto* e = std::get_if<setevents_message>(&m)) {
    for (auto code : e->codes) n += static_cast<std::size_t>(code);
  }
  return n;
}

// Decodes `wire` in chunks of `chunk` octets; returns the messages seen.
std::size_t read_stream(message_reader& reader, const bytes& wire, std::size_t chunk,
                        std::size_t& touched) {
  std::size_t messages = 0;
  for (std::size_t offset = 0; offset < wire.size();) {
    bytes_view piece(wire.data() + offset, std::min(chunk, wire.size() - offset));
    offset += piece.size();
    while (!piece.empty()) {
      const auto step = reader.read(piece);
      piece = piece.subspan(step.consumed);
      if (step.status == decode_status::complete) {
        ++messages;
        touched += walk(step.message);
      }
    }
  }
  return messages;
}

TEST(Allocation, ReadingMessagesAllocatesNothingAfterWarmUp) {
  testing::message_generator gen(7);
  bytes wire[2];
  std::size_t expected[2] = {};
  for (int i = 0; i < 2000; ++i) {
    const message m = gen.any();
    const auto side = static_cast<std::size_t>(testing::message_generator::from(type_of(m)));
    ASSERT_TRUE(encode_append(m, wire[side]).has_value());
    ++expected[side];
  }
  for (std::size_t side = 0; side < 2; ++side) {
    message_reader reader(static_cast<sender>(side));
    // Warm up: one largest frame, split, makes the reader's buffer reach its bound.
    const message_type big_type = side == 0 ? message_type::authenticate : message_type::error;
    const bytes big =
        testing::framed(static_cast<std::uint16_t>(big_type), bytes(max_body_size, 'x'));
    std::size_t touched = 0;
    ASSERT_EQ(read_stream(reader, big, 1000, touched), 1u);

    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{65536}}) {
      const long before = torctl::testing::allocation_count();
      const std::size_t seen = read_stream(reader, wire[side], chunk, touched);
      const long during = torctl::testing::allocation_count() - before;
      EXPECT_EQ(seen, expected[side]);
      EXPECT_EQ(during, 0) << "side " << side << ", chunks of " << chunk;
    }
    EXPECT_GT(touched, 0u);
  }
}

// The counter itself works (a test that could not fail would prove nothing).
TEST(Allocation, CounterSeesAllocations) {
  // Through a volatile pointer, so that the compiler cannot elide the allocations.
  static std::vector<int>* volatile escape = nullptr;
  const long before = torctl::testing::allocation_count();
  escape = new std::vector<int>(100);
  escape->at(99) = 7;
  delete escape;
  EXPECT_GE(torctl::testing::allocation_count() - before, 2);
}

}  // namespace
}  // namespace torctl::tc
