// SAFECOOKIE hashes: what each depends on, and the server-hash check. Interoperability
// with the real tor is shown in tests/integration/tor_auth_test.cpp.
#include "torctl/auth/safecookie.hpp"

#include <gtest/gtest.h>

namespace torctl::auth {
namespace {

TEST(Safecookie, HashesDependOnEveryInputAndDiffer) {
  const auto cookie = std::array<std::uint8_t, 32>{1, 2, 3};
  const auto client = make_nonce();
  const auto server = make_nonce();
  ASSERT_TRUE(client && server);
  EXPECT_NE(*client, *server);
  const auto s = server_hash(cookie, *client, *server);
  const auto c = client_hash(cookie, *client, *server);
  EXPECT_NE(s, c) << "the two directions use different keys";
  auto other_cookie = cookie;
  other_cookie[31] ^= 1;
  EXPECT_NE(server_hash(other_cookie, *client, *server), s);
  EXPECT_NE(server_hash(cookie, *server, *client), s) << "nonce order matters";
}

TEST(Safecookie, MatchingIsExact) {
  const auto cookie = std::array<std::uint8_t, 32>{9};
  const nonce client{1}, server{2};
  auto claimed = server_hash(cookie, client, server);
  EXPECT_TRUE(server_hash_matches(cookie, client, server, claimed));
  EXPECT_FALSE(client_hash_matches(cookie, client, server, claimed));
  claimed[0] ^= 0x80;
  EXPECT_FALSE(server_hash_matches(cookie, client, server, claimed));
  EXPECT_FALSE(server_hash_matches(cookie, client, server, std::span(claimed).first(31)));
  const auto answer = client_hash(cookie, client, server);
  EXPECT_TRUE(client_hash_matches(cookie, client, server, answer));
}

}  // namespace
}  // namespace torctl::auth
