// The client's move-only callable (include/torctl/client/detail/unique_function.hpp):
// small callables kept inline, large ones on the heap, each destroyed exactly once.
#include "torctl/client/detail/unique_function.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace torctl::client::detail {
namespace {

// Counts live copies through a shared counter.
struct tracked {
  explicit tracked(std::shared_ptr<int> n) : live(std::move(n)) { ++*live; }
  tracked(tracked&& o) noexcept : live(o.live) { ++*live; }
  tracked(const tracked&) = delete;
  ~tracked() { --*live; }
  std::shared_ptr<int> live;
};

using small_fn = unique_function<int(int), 64>;

TEST(UniqueFunction, SmallCallablesAreInlineAndLargeOnesAreNot) {
  auto small = [n = 1](int x) { return x + n; };
  auto large = [pad = std::array<char, 200>{}](int x) { return x + pad[0]; };
  static_assert(small_fn::stores_inline<decltype(small)>);
  static_assert(!small_fn::stores_inline<decltype(large)>);
  small_fn a = small;
  small_fn b = large;
  EXPECT_EQ(a(41), 42);
  EXPECT_EQ(b(42), 42);
}

TEST(UniqueFunction, MovingCarriesTheCallableAndEmptiesTheSource) {
  for (bool big : {false, true}) {
    auto live = std::make_shared<int>(0);
    {
      small_fn f;
      if (big) {
        f = [t = tracked(live), pad = std::array<char, 200>{}](int x) { return x + pad[1]; };
      } else {
        f = [t = tracked(live)](int x) { return x * 2; };
      }
      EXPECT_EQ(*live, 1);
      small_fn g = std::move(f);
      EXPECT_FALSE(f);  // NOLINT: the moved-from state is specified
      ASSERT_TRUE(g);
      EXPECT_EQ(*live, 1);
      EXPECT_EQ(g(21), big ? 21 : 42);
      small_fn h;
      h = std::move(g);
      EXPECT_EQ(*live, 1);
      h = {};  // assigning empty destroys the callable
      EXPECT_EQ(*live, 0);
      EXPECT_FALSE(h);
    }
    EXPECT_EQ(*live, 0) << (big ? "heap" : "inline");
  }
}

TEST(UniqueFunction, TakesMoveOnlyArguments) {
  unique_function<std::string(std::unique_ptr<std::string>)> f =
      [](std::unique_ptr<std::string> s) { return *s + "!"; };
  EXPECT_EQ(f(std::make_unique<std::string>("done")), "done!");
}

}  // namespace
}  // namespace torctl::client::detail
