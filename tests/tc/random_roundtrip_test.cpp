// Thousands of random messages: encode -> decode gives the same message, and the
// same bytes again when re-encoded; one long stream of them decodes in any chunking.
#include <cstdint>
#include <string>
#include <vector>

#include "tc/message_generator.hpp"
#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;
using testing::message_generator;

constexpr std::uint32_t seed = 20261203;
constexpr int message_count = 5000;

TEST(RandomRoundTrip, EveryMessageSurvivesEncodeDecodeEncode) {
  message_generator gen(seed);
  int per_type[message_type_count] = {};
  for (int i = 0; i < message_count; ++i) {
    const message original = gen.any();
    ++per_type[original.index()];
    const bytes wire = testing::encode_or_fail(original);
    frame_decoder frames;
    const auto step = frames.decode(wire);
    ASSERT_EQ(step.status, decode_status::complete) << to_string(original);
    ASSERT_EQ(step.consumed, wire.size());
    const auto decoded = decode(step.frame, message_generator::from(type_of(original)));
    ASSERT_TRUE(decoded.has_value()) << to_string(original) << ": " << decoded.error().reason;
    ASSERT_EQ(*decoded, original) << "message #" << i;
    ASSERT_EQ(testing::encode_or_fail(*decoded), wire) << "message #" << i;
  }
  for (int count : per_type) EXPECT_GT(count, 200) << "the generator skews its types";
}

// The same messages as one stream per direction, fed in pseudo-random chunk sizes.
TEST(RandomRoundTrip, StreamDecodesTheSameInAnyChunking) {
  message_generator gen(seed + 1);
  bytes wire[2];
  std::vector<std::string> expected[2];
  for (int i = 0; i < message_count; ++i) {
    const message m = gen.any();
    const auto side = static_cast<std::size_t>(message_generator::from(type_of(m)));
    const bytes one = testing::encode_or_fail(m);
    wire[side].insert(wire[side].end(), one.begin(), one.end());
    expected[side].push_back(to_string(m));
  }
  for (std::size_t side = 0; side < 2; ++side) {
    const auto from = static_cast<sender>(side);
    for (std::size_t chunk :
         {std::size_t{1}, std::size_t{3}, std::size_t{4096}, wire[side].size()}) {
      EXPECT_EQ(testing::read_all(wire[side], from, chunk), expected[side]) << "chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace torctl::tc
