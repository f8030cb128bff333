// The link's queue of pending commands (src/client/ring.hpp).
#include "client/ring.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace torctl::client::detail {
namespace {

TEST(Ring, KeepsOrderAcrossWrapAroundAndGrowth) {
  ring<int> r;
  int next_in = 0, next_out = 0;
  // Pushes run ahead of pops so that the front wraps around and the array grows from a
  // wrapped state (8, 16, 32 slots).
  for (int round = 0; round < 30; ++round) {
    r.emplace_back() = next_in++;
    r.emplace_back() = next_in++;
    ASSERT_EQ(r.front(), next_out);
    r.pop_front();
    ++next_out;
  }
  ASSERT_EQ(r.size(), static_cast<std::size_t>(next_in - next_out));
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i], next_out + static_cast<int>(i));
  while (!r.empty()) {
    EXPECT_EQ(r.front(), next_out++);
    r.pop_front();
  }
  EXPECT_EQ(next_out, next_in);
}

TEST(Ring, APoppedElementReleasesWhatItHeld) {
  ring<std::shared_ptr<int>> r;
  auto held = std::make_shared<int>(7);
  r.emplace_back() = held;
  r.emplace_back() = std::make_shared<int>(8);
  EXPECT_EQ(held.use_count(), 2);
  r.pop_front();
  EXPECT_EQ(held.use_count(), 1);
  EXPECT_EQ(*r.front(), 8);
}

TEST(Ring, SwapExchangesContents) {
  ring<int> a, b;
  a.emplace_back() = 1;
  a.emplace_back() = 2;
  a.swap(b);
  EXPECT_TRUE(a.empty());
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], 1);
  EXPECT_EQ(b[1], 2);
}

TEST(Ring, AnEmptiedLargeQueueStartsAfreshAndStillWorks) {
  ring<int> r;
  for (int i = 0; i < 1000; ++i) r.emplace_back() = i;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(r.front(), i);
    r.pop_front();
  }
  EXPECT_TRUE(r.empty());
  r.emplace_back() = 5;
  EXPECT_EQ(r.front(), 5);
}

}  // namespace
}  // namespace torctl::client::detail
