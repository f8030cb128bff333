// torctl against torctld, in TC: every subcommand TC has, its readable output and its
// JSON, and each class of failure with its exit status. One torctld (with its offline
// Tor) serves the whole suite; tests that change its configuration put it back.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli/torctl_runner.hpp"
#include "daemon/torctld_process.hpp"
#include "support/tor_process.hpp"

namespace torctl::testing {
namespace {

using nlohmann::json;

class TorctlOverTc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    torctld_ = torctld_process::start({}, error).release();
    ASSERT_NE(torctld_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete torctld_;
    torctld_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(torctld_, nullptr) << "torctld did not start"; }

  static std::string address() { return "127.0.0.1:" + std::to_string(torctld_->port()); }

  // torctl --protocol tc --control ADDRESS ARGS...
  static torctl_result tc(std::vector<std::string> args, const torctl_options& o = {}) {
    args.insert(args.begin(), {"--protocol", "tc", "--control", address()});
    return run_torctl(args, o);
  }
  static json tc_json(std::vector<std::string> args, int expected_status = 0) {
    args.insert(args.begin(), "--json");
    const torctl_result r = tc(args);
    EXPECT_EQ(r.status, expected_status) << r.describe();
    return json::parse(r.out);
  }
  static void ok(const std::vector<std::string>& args) {
    const torctl_result r = tc(args);
    ASSERT_EQ(r.status, 0) << r.describe();
  }

  static torctld_process* torctld_;
};

torctld_process* TorctlOverTc::torctld_ = nullptr;

TEST_F(TorctlOverTc, GetconfPrintsAnAlignedTableAndJson) {
  const torctl_result r = tc({"getconf", "SocksPort", "Nickname", "version"});
  ASSERT_EQ(r.status, 0) << r.describe();
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "OPTION     VALUE");
  EXPECT_EQ(lines[1], "SocksPort  0");
  EXPECT_EQ(lines[2], "Nickname   (default)");
  EXPECT_TRUE(std::regex_match(lines[3], std::regex(R"(version    0\.\d+\.\d+\.\d+.*)")))
      << lines[3];

  const json j = tc_json({"getconf", "SocksPort", "Nickname"});
  ASSERT_EQ(j["options"].size(), 2u) << j;
  EXPECT_EQ(j["options"][0], json({{"key", "SocksPort"}, {"value", "0"}}));
  EXPECT_EQ(j["options"][1], json({{"key", "Nickname"}, {"value", nullptr}}));
}

TEST_F(TorctlOverTc, EveryValueOfAMultiValuedOptionOnARowOfItsOwnInOrder) {
  ok({"setconf", "ExitPolicy=accept *:443", "ExitPolicy=accept *:80", "ExitPolicy=reject *:*"});
  const torctl_result r = tc({"getconf", "ExitPolicy"});
  EXPECT_EQ(r.out,
            "OPTION      VALUE\n"
            "ExitPolicy  accept *:443\n"
            "ExitPolicy  accept *:80\n"
            "ExitPolicy  reject *:*\n")
      << r.describe();
  const json j = tc_json({"getconf", "ExitPolicy"});
  ASSERT_EQ(j["options"].size(), 3u) << j;
  EXPECT_EQ(j["options"][1]["value"], "accept *:80");
  ok({"setconf", "ExitPolicy"});
  EXPECT_EQ(tc_json({"getconf", "ExitPolicy"})["options"][0]["value"], nullptr);
}

TEST_F(TorctlOverTc, SetconfChangesAllOrNothingAndAKeyAloneRestoresTheDefault) {
  const json set = tc_json({"setconf", "Nickname=cliA", "ContactInfo=cli@example.com"});
  EXPECT_EQ(set["ok"], true);
  EXPECT_EQ(set["options"][0], json({{"key", "Nickname"}, {"value", "cliA"}}));

  const torctl_result refused = tc({"setconf", "Nickname=cliB", "NoSuchOption=1"});
  EXPECT_EQ(refused.status, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "NoSuchOption")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "0x0004")) << refused.err;
  const json after = tc_json({"getconf", "Nickname", "ContactInfo"});
  EXPECT_EQ(after["options"][0]["value"], "cliA") << "a refused SETCONF changed something";

  const json bad = tc_json({"setconf", "NoSuchOption=1"}, 1);
  EXPECT_EQ(bad["error"]["class"], "refused");
  EXPECT_EQ(bad["error"]["tc_code"], 4);

  ok({"setconf", "Nickname", "ContactInfo"});
  const json reset = tc_json({"getconf", "Nickname", "ContactInfo"});
  EXPECT_EQ(reset["options"][0]["value"], nullptr) << reset;
  EXPECT_EQ(reset["options"][1]["value"], nullptr) << reset;
}

TEST_F(TorctlOverTc, GetconfOfAnUnknownOptionIsRefused) {
  const torctl_result r = tc({"getconf", "NoSuchOption"});
  EXPECT_EQ(r.status, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "unrecognized configuration key")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_F(TorctlOverTc, SaveconfWritesTheTorrc) {
  ok({"setconf", "Nickname=cliSaved"});
  const torctl_result r = tc({"saveconf"});
  ASSERT_EQ(r.status, 0) << r.describe();
  EXPECT_EQ(r.out, "configuration saved\n");
  const std::string torrc = torctld_->directory() + "/data/torrc";
  EXPECT_TRUE(contains(read_file(torrc), "Nickname cliSaved")) << read_file(torrc);
  ok({"setconf", "Nickname"});
  EXPECT_EQ(tc_json({"saveconf"})["ok"], true);
  EXPECT_FALSE(contains(read_file(torrc), "cliSaved")) << read_file(torrc);
}

TEST_F(TorctlOverTc, SignalsByNameInAnyCase) {
  for (const char* name : {"reload", "DUMP", "Debug", "hup", "usr1"}) {
    const torctl_result r = tc({"signal", name});
    EXPECT_EQ(r.status, 0) << name << "\n" << r.describe();
    EXPECT_TRUE(std::regex_match(r.out, std::regex("sent [A-Z]+\n"))) << r.out;
  }
  const json j = tc_json({"signal", "dump"});
  EXPECT_EQ(j, json({{"ok", true}, {"signal", "DUMP"}}));
}

TEST_F(TorctlOverTc, MapaddressWithAChosenOrAGivenAddressAndTheMappings) {
  const torctl_result given = tc({"mapaddress", "tc-given.example", "127.0.0.1"});
  ASSERT_EQ(given.status, 0) << given.describe();
  EXPECT_EQ(given.out, "tc-given.example -> 127.0.0.1\n");

  const json chosen = tc_json({"mapaddress", "--choose", "ipv4", "tc-chosen.example"});
  const std::string from = chosen["from"];
  EXPECT_TRUE(std::regex_match(from, std::regex(R"(\d+\.\d+\.\d+\.\d+)"))) << chosen;
  EXPECT_NE(from, "0.0.0.0") << "the server did not choose";
  EXPECT_EQ(chosen["to"], "tc-chosen.example");

  const json all = tc_json({"mappings"});
  bool saw_given = false, saw_chosen = false;
  for (const json& m : all["mappings"]) {
    saw_given = saw_given || (m["from"] == "tc-given.example" && m["to"] == "127.0.0.1");
    saw_chosen = saw_chosen || (m["from"] == from && m["to"] == "tc-chosen.example");
  }
  EXPECT_TRUE(saw_given && saw_chosen) << all;
  const torctl_result table = tc({"mappings"});
  ASSERT_EQ(table.status, 0) << table.describe();
  EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(^FROM +TO +EXPIRES \(UTC\)\n)")))
      << table.out;
  EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(\ntc-given\.example +127\.0\.0\.1 +)")))
      << table.out;

  ok({"mapaddress", "tc-given.example", "tc-given.example"});  // removes it
  EXPECT_FALSE(contains(tc({"mappings"}).out, "tc-given.example"));
}

TEST_F(TorctlOverTc, RawSendsOneFrameAndPrintsTheAnswers) {
  // GETCONF "SocksPort\n"
  const torctl_result r = tc({"raw", "GETCONF", "536f636b73506f72740a"});
  ASSERT_EQ(r.status, 0) << r.describe();
  EXPECT_EQ(r.out, "CONFVALUE SocksPort=\"0\"\n");

  const json j = tc_json({"raw", "3", "53 6f 63 6b 73 50 6f 72 74 0a"});
  ASSERT_EQ(j["frames"].size(), 1u) << j;
  EXPECT_EQ(j["frames"][0]["name"], "CONFVALUE");
  EXPECT_EQ(j["frames"][0]["type"], 4);
  EXPECT_EQ(j["frames"][0]["body"], "536f636b73506f727420300a");

  const torctl_result refused = tc({"raw", "SIGNAL", "07"});
  EXPECT_EQ(refused.status, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.out, "ERROR 0x0006")) << refused.out;

  const torctl_result all = tc({"raw", "0x000c"});
  ASSERT_EQ(all.status, 0) << all.describe();
  EXPECT_EQ(lines_of(all.out).back(), "DONE") << all.out;
}

// torctld forwards its Tor's events; an offline Tor still reports bandwidth every second.
TEST_F(TorctlOverTc, EventsArePrintedAsLinesOrJsonUntilTheCount) {
  const torctl_result r = tc({"events", "bw", "CIRC", "--count", "2", "--timeout", "20s"});
  ASSERT_EQ(r.status, 0) << r.describe();
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const std::string& l : lines) {
    EXPECT_TRUE(std::regex_match(l, std::regex(R"(\d\d:\d\d:\d\d BW     0 B read, 0 B written)")))
        << l;
  }
  const torctl_result j = tc({"--json", "events", "BW", "--count", "1", "--timeout", "20s"});
  ASSERT_EQ(j.status, 0) << j.describe();
  const json e = json::parse(j.out);
  EXPECT_EQ(e["event"], "BW");
  EXPECT_EQ(e["read"], 0);
  EXPECT_EQ(e["written"], 0);
  EXPECT_EQ(e["line"], "EVENT bandwidth read=0 written=0");

  const torctl_result timed =
      tc({"events", "CIRC", "STREAM", "ORCONN", "notice", "--timeout", "300ms"});
  EXPECT_EQ(timed.status, 0) << timed.describe();
  const torctl_result unknown = tc({"events", "NEWCONSENSUS", "--timeout", "1s"});
  EXPECT_EQ(unknown.status, 2) << unknown.describe();
  EXPECT_TRUE(contains(unknown.err, "TC has no event")) << unknown.err;
}

// A log message over TC, caused by a reload.
TEST_F(TorctlOverTc, LogEventsOverTc) {
  torctl_child child({"--protocol", "tc", "--control", address(), "events", "NOTICE", "--count",
                      "1", "--timeout", "20s"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::optional<std::string> line;
  while (!line && std::chrono::steady_clock::now() < deadline) {
    ok({"signal", "reload"});
    line = child.next_line(std::chrono::steady_clock::now() + std::chrono::milliseconds(300));
  }
  ASSERT_TRUE(line.has_value()) << child.finish(std::chrono::seconds(1)).describe();
  EXPECT_TRUE(std::regex_match(*line, std::regex(R"(\d\d:\d\d:\d\d LOG    .+)"))) << *line;
  EXPECT_EQ(child.finish(std::chrono::seconds(5)).status, 0);
}

TEST_F(TorctlOverTc, TheTextProtocolAgainstTorctldIsToldToUseTc) {
  const torctl_result r = run_torctl({"--json", "--control", address(), "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "add --protocol tc")) << r.err;
  EXPECT_EQ(json::parse(r.out)["error"]["code"], "wrong_service");
}

// torctld's own password and cookie policy, set and cleared through torctl itself.
TEST_F(TorctlOverTc, PasswordsAndCookiesAreCheckedAndFailuresAreStatusFour) {
  torctl_options with_password;
  with_password.input = "tc-secret\n";
  const torctl_result hashed = run_torctl({"hash-password"}, with_password);
  ASSERT_EQ(hashed.status, 0) << hashed.describe();
  const std::string hash = hashed.out.substr(0, hashed.out.size() - 1);
  ok({"setconf", "HashedControlPassword=" + hash});

  const torctl_result none = tc({"--json", "getconf", "Nickname"});
  EXPECT_EQ(none.status, 4) << none.describe();
  EXPECT_EQ(json::parse(none.out)["error"]["class"], "authentication");
  torctl_options wrong;
  wrong.input = "not-it\n";
  EXPECT_EQ(tc({"--password", "getconf", "Nickname"}, wrong).status, 4);
  EXPECT_EQ(tc({"--password", "getconf", "Nickname"}, with_password).status, 0);
  torctl_options env;
  env.environment = {"TOR_CONTROL_PASSWD=tc-secret"};
  EXPECT_EQ(tc({"getconf", "Nickname"}, env).status, 0);

  // The cookie too, then neither.
  const torctl_result cookie_on = tc(
      {"--password", "setconf", "CookieAuthentication=1", "HashedControlPassword"}, with_password);
  ASSERT_EQ(cookie_on.status, 0) << cookie_on.describe();
  const std::string cookie = torctld_->directory() + "/data/control_auth_cookie";
  EXPECT_EQ(tc({"getconf", "Nickname"}).status, 4);
  const std::string fake = torctld_->directory() + "/fake_cookie";
  std::ofstream(fake) << std::string(32, 'x');
  EXPECT_EQ(tc({"--cookie", fake, "getconf", "Nickname"}).status, 4);
  torctl_options cookie_env;
  cookie_env.environment = {"TOR_CONTROL_COOKIE_AUTH_FILE=" + cookie};
  EXPECT_EQ(tc({"getconf", "Nickname"}, cookie_env).status, 0);
  ok({"--cookie", cookie, "setconf", "CookieAuthentication"});
  EXPECT_EQ(tc({"getconf", "Nickname"}).status, 0) << "the policy was not put back";
}

// Last, on a torctld of its own: halt ends Tor, and torctld with it.
TEST(TorctlOverTcAlone, SignalHaltIsDoneAndEndsTorctld) {
  std::string error;
  auto torctld = torctld_process::start({}, error);
  ASSERT_NE(torctld, nullptr) << error;
  const torctl_result r =
      run_torctl({"--protocol", "tc", "--control", "127.0.0.1:" + std::to_string(torctld->port()),
                  "signal", "halt"});
  EXPECT_EQ(r.status, 0) << r.describe();
  EXPECT_TRUE(torctld->wait_exit(20'000).has_value()) << "torctld still runs after HALT";
}

}  // namespace
}  // namespace torctl::testing
