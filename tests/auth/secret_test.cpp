// Secrets: wiped, moved without copies, compared by content.
#include "torctl/auth/secret.hpp"

#include <gtest/gtest.h>

#include <array>

namespace torctl::auth {
namespace {

TEST(Secret, WipedOnClearAndComparedByContent) {
  secret a(std::string_view("hunter2"));
  secret b(std::string_view("hunter2"));
  secret c(std::string_view("hunter3"));
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  secret moved = std::move(a);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(moved.size(), 7u);
  moved.clear();
  EXPECT_TRUE(moved.empty());
  std::array<std::uint8_t, 4> raw = {1, 2, 3, 4};
  wipe(raw);
  EXPECT_EQ(raw, (std::array<std::uint8_t, 4>{}));
}

TEST(Secret, ConstantTimeEqualNeedsEqualLengths) {
  const std::array<std::uint8_t, 3> a = {1, 2, 3};
  const std::array<std::uint8_t, 2> b = {1, 2};
  EXPECT_FALSE(constant_time_equal(a, b));
  EXPECT_TRUE(constant_time_equal(a, a));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

TEST(Secret, RandomBytesAreNotAllZero) {
  std::array<std::uint8_t, 32> out{};
  ASSERT_TRUE(random_bytes(out));
  EXPECT_NE(out, (std::array<std::uint8_t, 32>{}));
}

}  // namespace
}  // namespace torctl::auth
