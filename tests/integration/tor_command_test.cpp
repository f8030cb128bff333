// Command injection, settled by the real tor: each value either reaches tor as exactly
// itself (SETCONF ContactInfo=value, then GETCONF reads it back) or is refused by the
// writer. Nothing in between: no value may set a second option or run a second command.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/tor_process.hpp"
#include "torctl/auth/password.hpp"
#include "torctl/text/command.hpp"
#include "torctl/text/keyvalue.hpp"

namespace torctl::text {
namespace {

using torctl::testing::control_connection;
using torctl::testing::tor_process;

class TorCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto hashed = auth::hash_password("injection test");
    ASSERT_TRUE(hashed.has_value());
    std::string error;
    tor_ = tor_process::start({"HashedControlPassword " + *hashed}, error);
    ASSERT_NE(tor_, nullptr) << error;
    connection_ = std::make_unique<control_connection>(tor_->control_port());
    const auto line = command("AUTHENTICATE").quoted("injection test").finish();
    ASSERT_TRUE(line.has_value());
    ASSERT_EQ(send(*line), std::vector<std::string>{"250 OK"});
  }

  // Sends an already-written command (it ends in CRLF) and returns the reply lines.
  std::vector<std::string> send(const std::string& written) {
    return connection_->command(written.substr(0, written.size() - 2));
  }

  // Sends a GETCONF and reads its entries with the codec's own reader and parser.
  std::vector<key_value> read_back(const std::string& written) {
    std::string wire;
    for (const std::string& l : send(written)) wire += l + "\r\n";
    reply_reader reader;
    read_step step = reader.read(wire);
    EXPECT_EQ(step.status, read_status::complete) << wire;
    const auto entries = parse_key_values(step.reply, value_form::quoted);
    EXPECT_TRUE(entries.has_value()) << wire;
    return entries ? *entries : std::vector<key_value>{};
  }

  std::unique_ptr<tor_process> tor_;
  std::unique_ptr<control_connection> connection_;
};

TEST_F(TorCommand, EveryValueArrivesAsItselfOrIsRefused) {
  const std::vector<std::string> values = {
      "plain",
      "two words",
      "  leading and trailing  ",
      "quote \" inside",
      "\"starts and ends with quotes\"",
      "back\\slash",
      "\\\\double\\\\",
      "trailing backslash\\",
      "key=value",
      "Nickname=evil",
      "x\" Nickname=\"evil",
      "tab\there",
      "utf-8 \xc3\xa9",
      "",
      "a\r\nSETCONF Nickname=evil",
      "a\nSETCONF Nickname=evil",
      std::string("nul\0Nickname=evil", 17),
      "cr\ronly",
  };
  std::size_t refused = 0;
  for (const std::string& value : values) {
    const auto line = command("SETCONF").pair("ContactInfo", value).finish();
    if (!line.has_value()) {
      ++refused;
      EXPECT_TRUE(value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos)
          << "refused a value that carries no line breaker";
      continue;
    }
    ASSERT_EQ(send(*line), std::vector<std::string>{"250 OK"}) << *line;
    const auto got = read_back("GETCONF ContactInfo Nickname\r\n");
    ASSERT_EQ(got.size(), 2u) << *line;
    EXPECT_EQ(got[0].key, "ContactInfo");
    if (value.empty()) {
      EXPECT_EQ(got[0].value, std::nullopt) << "an empty value reads back as unset";
    } else {
      EXPECT_EQ(got[0].value, value) << *line;
    }
    EXPECT_EQ(got[1], (key_value{"Nickname", std::nullopt}))
        << "a value set a second option: " << *line;
  }
  EXPECT_EQ(refused, 4u);
  // The connection is still in step: one command, one reply.
  EXPECT_EQ(send("GETINFO version\r\n").back(), "250 OK");
}

}  // namespace
}  // namespace torctl::text
