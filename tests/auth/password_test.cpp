// Tor's hashed control passwords, checked against hashes made by the real tor.
#include "torctl/auth/password.hpp"

#include <gtest/gtest.h>

namespace torctl::auth {
namespace {

// Captured with Debian's tor 0.4.9.11:
//   tor --hash-password testpass
//   tor --hash-password 'quote" back\slash'
constexpr std::string_view tor_hash_testpass =
    "16:0A997FCD1C9E0C5960A9E60028B533D4CEED044E35958E9106347B1509";
constexpr std::string_view tor_hash_quote_backslash =
    "16:C9AE54F107E6B3A8607BE60F4C3D96A67AC79DD45BC017B1EEB9F74099";
// The 29 octets of tor_hash_testpass in base64, the form of Tor's TC era.
constexpr std::string_view base64_testpass = "Cpl/zRyeDFlgqeYAKLUz1M7tBE41lY6RBjR7FQk=";

bool verifies(std::string_view password, std::string_view stored) {
  const auto r = verify_password(password, stored);
  EXPECT_TRUE(r.has_value()) << stored << ": " << (r ? "" : r.error().message);
  return r.has_value() && *r;
}

TEST(Password, TorsHashesVerify) {
  EXPECT_TRUE(verifies("testpass", tor_hash_testpass));
  EXPECT_TRUE(verifies("quote\" back\\slash", tor_hash_quote_backslash));
}

TEST(Password, WrongPasswordsDoNot) {
  EXPECT_FALSE(verifies("testpas", tor_hash_testpass));
  EXPECT_FALSE(verifies("testpass ", tor_hash_testpass));
  EXPECT_FALSE(verifies("", tor_hash_testpass));
  EXPECT_FALSE(verifies("TESTPASS", tor_hash_testpass));
}

TEST(Password, LowerCaseHexAndBase64FormsVerify) {
  std::string lower(tor_hash_testpass);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verifies("testpass", lower));
  EXPECT_TRUE(verifies("testpass", base64_testpass));
  EXPECT_TRUE(verifies("testpass", base64_testpass.substr(0, base64_testpass.size() - 1)));
  EXPECT_FALSE(verifies("wrong", base64_testpass));
}

TEST(Password, SameSaltGivesTorsExactOutput) {
  // Salt and indicator taken from tor_hash_testpass: our digest must be Tor's.
  const s2k_salt salt = {0x0A, 0x99, 0x7F, 0xCD, 0x1C, 0x9E, 0x0C, 0x59};
  EXPECT_EQ(hash_password_with_salt("testpass", salt), tor_hash_testpass);
}

TEST(Password, FreshHashesVerifyAndDiffer) {
  const auto a = hash_password("correct horse");
  const auto b = hash_password("correct horse");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b) << "salts must differ";
  EXPECT_EQ(a->size(), 3u + 58u);
  EXPECT_EQ(a->substr(0, 3), "16:");
  EXPECT_EQ(a->substr(19, 2), "60") << "tor's indicator, 65,536 octets";
  EXPECT_TRUE(verifies("correct horse", *a));
  EXPECT_FALSE(verifies("correct horsE", *a));
}

TEST(Password, CountFollowsTheIndicator) {
  EXPECT_EQ(s2k_count(0x60), 65536u);
  EXPECT_EQ(s2k_count(0x00), 16u << 6);
  EXPECT_EQ(s2k_count(0xFF), 31ull << 21);
  // With a count shorter than salt + password, the whole block is hashed once.
  const s2k_salt salt{};
  EXPECT_NE(s2k_sha1(salt, 0x00, std::string(2000, 'a')),
            s2k_sha1(salt, 0x00, std::string(1999, 'a')));
}

TEST(Password, MalformedStoredHashesAreRefused) {
  for (std::string_view stored :
       {"", "16:", "16:0A99", "16:0A997FCD1C9E0C5960A9E60028B533D4CEED044E35958E9106347B15",
        "16:0A997FCD1C9E0C5960A9E60028B533D4CEED044E35958E9106347B150900",
        "16:0A997FCD1C9E0C5960A9E60028B533D4CEED044E35958E9106347B150Z",
        "Cpl/zRyeDFlgqeYAKLUz1M7tBE41lY6RBjR7FQ", "Cpl/zRyeDFlgqeYAKLUz1M7tBE41lY6RBjR7FQk!",
        "not a hash at all"}) {
    const auto r = verify_password("testpass", stored);
    ASSERT_FALSE(r.has_value()) << "accepted " << stored;
    EXPECT_EQ(r.error().code, auth_errc::bad_hash);
    EXPECT_EQ(r.error().message.find("testpass"), std::string::npos) << "leaks the password";
  }
}

TEST(Password, CostlyIndicatorsAreRefusedBeforeHashing) {
  const s2k_salt salt{};
  std::string stored = hash_password_with_salt("x", salt, 0x60);
  stored.replace(19, 2, "C1");  // (16 + 1) << (12 + 6): 4.4 MB, still allowed
  EXPECT_TRUE(verify_password("x", stored).has_value());
  stored.replace(19, 2, "FF");  // 65 MB
  const auto r = verify_password("x", stored);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, auth_errc::hash_too_costly);
}

}  // namespace
}  // namespace torctl::auth
