// hash-password without a Tor: the password comes from standard input (never argv unless
// forced), the hash is Tor's "16:" form, and --verify says yes with 0 and no with 1.
// tor_cli_test.cpp checks the same hashes against the real Tor.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "cli/torctl_runner.hpp"

namespace torctl::testing {
namespace {

const std::regex tor_hash("16:[0-9A-F]{58}");

std::string hash_of(const std::string& password) {
  torctl_options o;
  o.input = password + "\n";
  const torctl_result r = run_torctl({"hash-password"}, o);
  EXPECT_EQ(r.status, 0) << r.describe();
  EXPECT_EQ(r.out.back(), '\n');
  return r.out.substr(0, r.out.size() - 1);
}

int verify(const std::string& hash, const std::string& input) {
  torctl_options o;
  o.input = input;
  return run_torctl({"hash-password", "--verify", hash}, o).status;
}

TEST(TorctlHashPassword, ReadsOneLineOfStandardInputAndPrintsTorsForm) {
  const std::string hash = hash_of("correct horse");
  EXPECT_TRUE(std::regex_match(hash, tor_hash)) << hash;
  EXPECT_NE(hash_of("correct horse"), hash) << "each hash has a fresh salt";
  EXPECT_EQ(verify(hash, "correct horse\n"), 0);
  EXPECT_EQ(verify(hash, "correct horse\r\n"), 0) << "a CRLF line end is not the password's";
  EXPECT_EQ(verify(hash, "correct horse"), 0) << "the last line may lack its line end";
  EXPECT_EQ(verify(hash, "Correct horse\n"), 1);
  EXPECT_EQ(verify(hash, "correct horse \n"), 1);
}

TEST(TorctlHashPassword, TheCommandLineArgumentOnlyWhenForced) {
  const torctl_result forced = run_torctl({"hash-password", "--insecure-password-arg", "s3cret"});
  ASSERT_EQ(forced.status, 0) << forced.describe();
  const std::string hash = forced.out.substr(0, forced.out.size() - 1);
  EXPECT_TRUE(std::regex_match(hash, tor_hash)) << hash;
  EXPECT_EQ(verify(hash, "s3cret\n"), 0);
  // A bare word is not taken as the password.
  const torctl_result bare = run_torctl({"hash-password", "s3cret"});
  EXPECT_EQ(bare.status, 2) << bare.describe();
}

TEST(TorctlHashPassword, JsonAndFailures) {
  torctl_options o;
  o.input = "pw\n";
  const torctl_result made = run_torctl({"--json", "hash-password"}, o);
  ASSERT_EQ(made.status, 0) << made.describe();
  const std::string hash = nlohmann::json::parse(made.out)["hash"];
  EXPECT_TRUE(std::regex_match(hash, tor_hash)) << hash;

  o.input = "other\n";
  const torctl_result no = run_torctl({"--json", "hash-password", "--verify", hash}, o);
  EXPECT_EQ(no.status, 1) << no.describe();
  EXPECT_EQ(nlohmann::json::parse(no.out)["match"], false);

  o.input = "";
  const torctl_result empty = run_torctl({"hash-password"}, o);
  EXPECT_EQ(empty.status, 2) << empty.describe();
  EXPECT_NE(empty.err.find("no password on standard input"), std::string::npos) << empty.err;

  o.input = "pw\n";
  const torctl_result malformed = run_torctl({"hash-password", "--verify", "16:XYZ"}, o);
  EXPECT_EQ(malformed.status, 2) << malformed.describe();
  EXPECT_NE(malformed.err.find("58 hex digits"), std::string::npos) << malformed.err;
}

}  // namespace
}  // namespace torctl::testing
