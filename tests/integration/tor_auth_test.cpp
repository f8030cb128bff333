// Authentication against Debian's real tor, started by the test: a password hashed here
// is accepted by tor, a hash made by tor verifies here, and SAFECOOKIE completes with the
// server hash checked before the answer is sent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/encoding.hpp"
#include "support/tor_process.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/auth/password.hpp"
#include "torctl/auth/safecookie.hpp"

namespace torctl::auth {
namespace {

using torctl::testing::control_connection;
using torctl::testing::tor_process;

constexpr std::string_view password = "correct horse battery";

// The value of KEY=VALUE (VALUE unquoted, or quoted without escapes) in a reply line.
std::string field(const std::string& line, const std::string& key) {
  const std::size_t at = line.find(key + "=");
  if (at == std::string::npos) return "";
  std::size_t start = at + key.size() + 1;
  if (start < line.size() && line[start] == '"') {
    const std::size_t close = line.find('"', start + 1);
    return line.substr(start + 1, close - start - 1);
  }
  return line.substr(start, line.find(' ', start) - start);
}

class TorAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto hashed = hash_password(password);
    ASSERT_TRUE(hashed.has_value());
    std::string error;
    tor_ =
        tor_process::start({"CookieAuthentication 1", "HashedControlPassword " + *hashed}, error);
    ASSERT_NE(tor_, nullptr) << error;
  }

  std::unique_ptr<tor_process> tor_;
};

TEST_F(TorAuth, PasswordHashedHereIsAcceptedByTor) {
  control_connection good(tor_->control_port());
  ASSERT_TRUE(good.connected());
  EXPECT_EQ(good.command("AUTHENTICATE \"" + std::string(password) + "\""),
            std::vector<std::string>{"250 OK"});
  const auto version = good.command("GETINFO version");
  ASSERT_FALSE(version.empty());
  EXPECT_EQ(version.back(), "250 OK");

  control_connection bad(tor_->control_port());
  const auto refused = bad.command("AUTHENTICATE \"correct horse\"");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].substr(0, 4), "515 ") << refused[0];
}

TEST_F(TorAuth, SafecookieCompletesWithTheServerHashChecked) {
  control_connection c(tor_->control_port());
  ASSERT_TRUE(c.connected());
  const auto info = c.command("PROTOCOLINFO 1");
  ASSERT_GE(info.size(), 2u);
  const std::string cookie_file = field(info[1], "COOKIEFILE");
  EXPECT_NE(info[1].find("SAFECOOKIE"), std::string::npos) << info[1];
  EXPECT_EQ(cookie_file, tor_->cookie_path());
  const auto cookie = read_cookie_file(cookie_file);
  ASSERT_TRUE(cookie.has_value()) << cookie.error().message;

  const auto client_nonce = make_nonce();
  ASSERT_TRUE(client_nonce.has_value());
  const auto challenge = c.command("AUTHCHALLENGE SAFECOOKIE " + encoding::to_hex(*client_nonce));
  ASSERT_EQ(challenge.size(), 1u);
  ASSERT_EQ(challenge[0].substr(0, 18), "250 AUTHCHALLENGE ") << challenge[0];
  const auto their_hash = encoding::from_hex(field(challenge[0], "SERVERHASH"));
  const auto server_nonce = encoding::from_hex(field(challenge[0], "SERVERNONCE"));
  ASSERT_TRUE(their_hash && server_nonce);
  ASSERT_TRUE(server_hash_matches(cookie->view(), *client_nonce, *server_nonce, *their_hash))
      << "tor's server hash does not match: the cookie or the key string is wrong";

  const auto answer = client_hash(cookie->view(), *client_nonce, *server_nonce);
  EXPECT_EQ(c.command("AUTHENTICATE " + encoding::to_hex(answer)),
            std::vector<std::string>{"250 OK"});
  EXPECT_EQ(c.command("GETINFO version").back(), "250 OK");
}

TEST_F(TorAuth, WrongSafecookieAnswerIsRefusedByTor) {
  control_connection c(tor_->control_port());
  const auto cookie = read_cookie_file(tor_->cookie_path());
  ASSERT_TRUE(cookie.has_value()) << cookie.error().message;
  const nonce client_nonce{7};
  const auto challenge = c.command("AUTHCHALLENGE SAFECOOKIE " + encoding::to_hex(client_nonce));
  ASSERT_EQ(challenge.size(), 1u);
  const auto server_nonce = encoding::from_hex(field(challenge[0], "SERVERNONCE"));
  ASSERT_TRUE(server_nonce.has_value());
  // The server's hash, sent back as if it were ours: the keys differ, so tor refuses.
  const auto wrong = server_hash(cookie->view(), client_nonce, *server_nonce);
  const auto refused = c.command("AUTHENTICATE " + encoding::to_hex(wrong));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].substr(0, 4), "515 ") << refused[0];
}

TEST(TorHashPassword, TorsOutputVerifiesHere) {
  int status = -1;
  const std::string out = torctl::testing::run_and_capture(
      {torctl::testing::tor_program(), "--hash-password", "s3cret \"quoted\"", "--quiet"}, status);
  ASSERT_EQ(status, 0) << "tor --hash-password failed; is Debian's tor installed? "
                       << "(scripts/install-deps.sh)";
  std::string hash = out.substr(0, out.find('\n'));
  ASSERT_EQ(hash.substr(0, 3), "16:") << out;
  EXPECT_TRUE(*verify_password("s3cret \"quoted\"", hash));
  EXPECT_FALSE(*verify_password("s3cret \"quoted", hash));
}

}  // namespace
}  // namespace torctl::auth
