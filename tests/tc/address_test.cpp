// Addresses: the three types, null addresses, text forms.
#include "torctl/tc/address.hpp"

#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::from_hex;

TEST(Address, NullAddressesMeanServerChooses) {
  EXPECT_TRUE(address::null_of(address_type::ipv4).is_null());
  EXPECT_TRUE(address::null_of(address_type::ipv6).is_null());
  EXPECT_TRUE(address::null_of(address_type::hostname).is_null());
  EXPECT_TRUE(address::ipv4({0, 0, 0, 0}).is_null());
  EXPECT_TRUE(address::hostname(".").is_null());
  EXPECT_FALSE(address::ipv4({0, 0, 0, 1}).is_null());
  EXPECT_FALSE(address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).is_null());
  EXPECT_FALSE(address::hostname("..").is_null());
  EXPECT_FALSE(address::hostname("a.").is_null());
}

TEST(Address, TextForms) {
  EXPECT_EQ(address::ipv4({127, 192, 0, 10}).to_string(), "127.192.0.10");
  EXPECT_EQ(address::ipv6({}).to_string(), "::");
  EXPECT_EQ(address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).to_string(), "::1");
  EXPECT_EQ(address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}).to_string(),
            "2001:db8::1:0:0:1");  // the first of two equal zero runs is shortened
  EXPECT_EQ(address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}).to_string(),
            "2001:db8:0:1:1:1:1:1");  // a single zero group is not shortened
  EXPECT_EQ(address::hostname("example.com").to_string(), "example.com");
}

TEST(Address, LiteralsAreReadBackFromText) {
  EXPECT_EQ(address_from_literal("127.192.0.10"), address::ipv4({127, 192, 0, 10}));
  EXPECT_EQ(address_from_literal("::"), address::ipv6({}));
  EXPECT_EQ(address_from_literal("[::0]"), address::ipv6({}));
  EXPECT_EQ(address_from_literal("[::1]"),
            address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  for (const char* text :
       {"example.com", ".", "", "[]", "1.2.3", "1.2.3.4.5", "::g", "[::1", "127.0.0.1 "}) {
    EXPECT_EQ(address_from_literal(text), std::nullopt) << text;
  }
  EXPECT_EQ(address_from_literal(std::string(100, '1')), std::nullopt);
}

TEST(Address, EqualityFollowsTypeAndValue) {
  EXPECT_EQ(address::ipv4({1, 2, 3, 4}), address::ipv4({1, 2, 3, 4}));
  EXPECT_NE(address::ipv4({1, 2, 3, 4}), address::ipv4({1, 2, 3, 5}));
  EXPECT_NE(address::ipv4({}), address::ipv6({}));
  EXPECT_EQ(address::hostname("a"), address::hostname("a"));
  EXPECT_NE(address::hostname("a"), address::hostname("b"));
}

TEST(Address, DecodeAdvancesPastEachForm) {
  const auto wire = from_hex("01 7f000001  02 00000000000000000000000000000001  03 612e6200  ff");
  bytes_view rest(wire);
  const auto a = decode_address(rest);
  const auto b = decode_address(rest);
  const auto c = decode_address(rest);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->to_string(), "127.0.0.1");
  EXPECT_EQ(b->to_string(), "::1");
  EXPECT_EQ(c->host(), "a.b");
  EXPECT_EQ(rest.size(), 1u);
  const auto d = decode_address(rest);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, error_code::syntax);
}

TEST(Address, HostnamesMayCarryUtf8) {
  const auto wire = from_hex("03 c3a92e6f6e696f6e 00");
  bytes_view rest(wire);
  const auto a = decode_address(rest);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host(), "\xc3\xa9.onion");
  EXPECT_EQ(*measure_address(*a), 10u);
}

TEST(Address, IpOctetsMatchTheType) {
  EXPECT_EQ(address::ipv4({1, 2, 3, 4}).ip_octets().size(), 4u);
  EXPECT_EQ(address::ipv6({}).ip_octets().size(), 16u);
  EXPECT_TRUE(address::hostname("x").ip_octets().empty());
}

}  // namespace
}  // namespace torctl::tc
