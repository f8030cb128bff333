// torctl against a real Tor in the text protocol: every subcommand, its readable output
// and its JSON, events from a live Tor, passwords hashed by torctl accepted by Tor and
// Tor's hashes verified by torctl, and each class of failure with its exit status. One
// offline Tor (SAFECOOKIE) serves the suite; tests needing another start their own.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "cli/torctl_runner.hpp"
#include "support/tor_process.hpp"

namespace torctl::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Its SOCKS port opens only with the network enabled; the one authority it knows of is on
// loopback, where nothing answers, so it reaches nothing beyond 127.0.0.1.
const std::vector<std::string> suite_torrc = {
    "CookieAuthentication 1", "DisableNetwork 0", "SocksPort 127.0.0.1:auto",
    "UseDefaultFallbackDirs 0",
    "DirAuthority nowhere orport=1 no-v2 v3ident=" + std::string(40, 'A') + " 127.0.0.1:1 " +
        std::string(40, 'B')};

// True while `pid` runs: it exists and is not a zombie. (It is tor_process's to reap.)
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const std::size_t end = line.rfind(')');
  return end != std::string::npos && end + 2 < line.size() && line[end + 2] != 'Z';
}

class TorctlOverText : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    tor_ = tor_process::start(suite_torrc, error).release();
    ASSERT_NE(tor_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete tor_;
    tor_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(tor_, nullptr) << "tor did not start"; }

  static std::string address() { return "127.0.0.1:" + std::to_string(tor_->control_port()); }
  static std::vector<std::string> with_control(std::vector<std::string> args) {
    args.insert(args.begin(), {"--control", address()});
    return args;
  }
  static torctl_result text(std::vector<std::string> args, const torctl_options& o = {}) {
    return run_torctl(with_control(std::move(args)), o);
  }
  static json text_json(std::vector<std::string> args, int expected_status = 0) {
    args.insert(args.begin(), "--json");
    const torctl_result r = text(args);
    EXPECT_EQ(r.status, expected_status) << r.describe();
    return json::parse(r.out);
  }
  static void ok(const std::vector<std::string>& args) {
    const torctl_result r = text(args);
    ASSERT_EQ(r.status, 0) << r.describe();
  }

  static tor_process* tor_;
};

tor_process* TorctlOverText::tor_ = nullptr;

TEST_F(TorctlOverText, GetconfEveryValueInOrderAndSetconfAllOrNothing) {
  ok({"setconf", "ExitPolicy=accept *:443", "ExitPolicy=reject *:*", "Nickname=textA"});
  const torctl_result r = text({"getconf", "ExitPolicy", "Nickname", "ContactInfo"});
  EXPECT_EQ(r.out,
            "OPTION       VALUE\n"
            "ExitPolicy   accept *:443\n"
            "ExitPolicy   reject *:*\n"
            "Nickname     textA\n"
            "ContactInfo  (default)\n")
      << r.describe();
  const json j = text_json({"getconf", "ExitPolicy"});
  ASSERT_EQ(j["options"].size(), 2u) << j;
  EXPECT_EQ(j["options"][0], json({{"key", "ExitPolicy"}, {"value", "accept *:443"}}));

  const torctl_result refused = text({"--json", "setconf", "Nickname=textB", "NoSuchOption=1"});
  EXPECT_EQ(refused.status, 1) << refused.describe();
  EXPECT_EQ(json::parse(refused.out)["error"]["tor_status"], 552);
  EXPECT_TRUE(contains(refused.err, "NoSuchOption")) << refused.err;
  EXPECT_EQ(text_json({"getconf", "Nickname"})["options"][0]["value"], "textA");

  // A key alone is the default again (RESETCONF), not an empty value.
  ok({"setconf", "ExitPolicy", "Nickname"});
  const json reset = text_json({"getconf", "ExitPolicy", "Nickname"});
  EXPECT_EQ(reset["options"][0]["value"], nullptr) << reset;
  EXPECT_EQ(reset["options"][1]["value"], nullptr) << reset;

  const torctl_result unknown = text({"getconf", "NoSuchOption"});
  EXPECT_EQ(unknown.status, 1) << unknown.describe();
  EXPECT_TRUE(contains(unknown.err, "552")) << unknown.err;
}

TEST_F(TorctlOverText, SaveconfWritesTorsTorrc) {
  ok({"setconf", "ContactInfo=saved-by-torctl"});
  const torctl_result r = text({"saveconf", "--force"});
  ASSERT_EQ(r.status, 0) << r.describe();
  EXPECT_EQ(r.out, "configuration saved\n");
  EXPECT_TRUE(contains(read_file(tor_->directory() + "/torrc"), "ContactInfo saved-by-torctl"));
  ok({"setconf", "ContactInfo"});
  EXPECT_EQ(text_json({"saveconf"})["ok"], true);
}

TEST_F(TorctlOverText, EverySignalButTheTwoThatEndTor) {
  for (const char* name : {"reload", "dump", "debug", "newnym", "cleardnscache", "heartbeat",
                           "dormant", "active", "HUP", "USR2"}) {
    const torctl_result r = text({"signal", name});
    EXPECT_EQ(r.status, 0) << name << "\n" << r.describe();
  }
  EXPECT_EQ(text_json({"signal", "NEWNYM"}), json({{"ok", true}, {"signal", "NEWNYM"}}));
}

TEST(TorctlOverTextAlone, SignalShutdownAndHaltEndTor) {
  for (const char* name : {"shutdown", "halt"}) {
    std::string error;
    auto tor = tor_process::start({}, error);
    ASSERT_NE(tor, nullptr) << error;
    const torctl_result r = run_torctl(
        {"--control", "127.0.0.1:" + std::to_string(tor->control_port()), "signal", name});
    EXPECT_EQ(r.status, 0) << name << "\n" << r.describe();
    const auto deadline = clock::now() + 20s;
    while (running(tor->pid()) && clock::now() < deadline) std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(running(tor->pid())) << "tor still runs after " << name;
  }
}

TEST_F(TorctlOverText, MapaddressChosenByTorForEachKindAndTheMappings) {
  const torctl_result given = text({"mapaddress", "text-given.example", "127.0.0.1"});
  ASSERT_EQ(given.status, 0) << given.describe();
  EXPECT_EQ(given.out, "text-given.example -> 127.0.0.1\n");
  const std::regex ipv4(R"(\d+\.\d+\.\d+\.\d+)"), ipv6(R"(\[?[0-9a-fA-F:]+\]?)"),
      hostname(R"([a-z0-9]+\.virtual)");
  const std::pair<const char*, const std::regex*> kinds[] = {
      {"ipv4", &ipv4}, {"ipv6", &ipv6}, {"hostname", &hostname}};
  for (const auto& [kind, pattern] : kinds) {
    const json m = text_json({"mapaddress", "--choose", kind, std::string(kind) + ".example"});
    const std::string from = m["from"];
    EXPECT_TRUE(std::regex_match(from, *pattern)) << kind << ": " << m;
    EXPECT_EQ(m["to"], std::string(kind) + ".example");
  }
  const json all = text_json({"mappings"});
  bool saw_given = false;
  for (const json& m : all["mappings"]) {
    saw_given = saw_given || (m["from"] == "text-given.example" && m["to"] == "127.0.0.1");
    EXPECT_TRUE(m.contains("expires")) << m;
  }
  EXPECT_TRUE(saw_given) << all;
  const torctl_result table = text({"mappings"});
  EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(\ntext-given\.example +127\.0\.0\.1 )")))
      << table.describe();
}

TEST_F(TorctlOverText, InfoPrintsOneLineValuesInATableAndDataBlocksIndented) {
  const torctl_result r = text({"info", "version", "config-text"});
  ASSERT_EQ(r.status, 0) << r.describe();
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(version  0\.\d+\.\d+\.\d+.*)"))) << lines[0];
  EXPECT_EQ(lines[1], "config-text:");
  EXPECT_TRUE(contains(r.out, "\n  CookieAuthentication 1\n")) << r.out;

  const json j = text_json({"info", "version", "net/listeners/socks"});
  ASSERT_EQ(j["values"].size(), 2u) << j;
  EXPECT_EQ(j["values"][0]["key"], "version");
  EXPECT_TRUE(contains(j["values"][1]["value"], "127.0.0.1:")) << j;

  const torctl_result unknown = text({"info", "no/such/key"});
  EXPECT_EQ(unknown.status, 1) << unknown.describe();
}

TEST_F(TorctlOverText, RawPrintsTheReplyAsTorSentIt) {
  const torctl_result r = text({"raw", "GETINFO", "version"});
  ASSERT_EQ(r.status, 0) << r.describe();
  EXPECT_TRUE(std::regex_match(r.out, std::regex("250-version=0\\.[0-9.]+.*\n250 OK\n"))) << r.out;

  const torctl_result block = text({"raw", "GETINFO config-text"});
  EXPECT_TRUE(std::regex_search(block.out, std::regex("^250\\+config-text=\n"))) << block.out;
  EXPECT_TRUE(contains(block.out, "\n.\n250 OK\n")) << block.out;

  const json j = text_json({"raw", "GETINFO", "version"});
  EXPECT_EQ(j["status"], 250);
  EXPECT_EQ(j["lines"][0]["separator"], "-");
  EXPECT_EQ(j["lines"][1]["text"], "OK");

  const torctl_result refused = text({"raw", "NOSUCHCOMMAND"});
  EXPECT_EQ(refused.status, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.out, "510 Unrecognized command")) << refused.out;
}

// Waits for the first line of a `torctl events` child, making `cause` happen every
// 200 ms until it comes: the child prints nothing before its subscription is made.
std::optional<std::string> first_event(torctl_child& child, const std::function<void()>& cause) {
  const auto deadline = clock::now() + 30s;
  while (clock::now() < deadline) {
    cause();
    if (auto line = child.next_line(clock::now() + 200ms)) return line;
  }
  return std::nullopt;
}

TEST_F(TorctlOverText, EventsPrintsReadableLinesUntilTheCountIsReached) {
  torctl_child child(with_control({"events", "conf_changed", "SIGNAL", "--count", "2"}));
  int n = 0;
  const auto line = first_event(child, [&] {
    ok({"setconf", "ContactInfo=event-" + std::to_string(++n)});
  });
  ASSERT_TRUE(line.has_value()) << child.finish(1s).describe();
  EXPECT_TRUE(
      std::regex_match(*line, std::regex(R"(\d\d:\d\d:\d\d CONF_CHANGED ContactInfo=event-\d+)")))
      << *line;
  ok({"signal", "dump"});
  const torctl_result r = child.finish(20s);
  EXPECT_EQ(r.status, 0) << r.describe();
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(R"(\d\d:\d\d:\d\d SIGNAL DUMP)"))) << lines[1];
  ok({"setconf", "ContactInfo"});
}

TEST_F(TorctlOverText, EventsAsJsonLines) {
  torctl_child child(with_control({"--json", "events", "CONF_CHANGED", "BW", "--count", "3"}));
  const auto line = first_event(child, [] {});
  ASSERT_TRUE(line.has_value()) << child.finish(1s).describe();
  ok({"setconf", "ContactInfo=json-event"});
  const torctl_result r = child.finish(20s);
  ASSERT_EQ(r.status, 0) << r.describe();
  bool saw_bw = false, saw_change = false;
  for (const std::string& l : lines_of(r.out)) {
    const json e = json::parse(l);
    EXPECT_TRUE(std::regex_match(e["time"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << e;
    if (e["event"] == "BW") {
      saw_bw = true;
      EXPECT_TRUE(e["read"].is_number_unsigned() && e["written"].is_number_unsigned()) << e;
    }
    if (e["event"] == "CONF_CHANGED") {
      saw_change = true;
      EXPECT_EQ(e["changes"], json::array({{{"key", "ContactInfo"}, {"value", "json-event"}}}));
    }
  }
  EXPECT_TRUE(saw_bw && saw_change) << r.out;
  ok({"setconf", "ContactInfo"});
}

TEST_F(TorctlOverText, EventsEndWithStatusZeroOnInterruptAndAtTheTimeLimit) {
  torctl_child child(with_control({"events", "BW"}));
  const auto line = first_event(child, [] {});  // Tor sends BW every second
  ASSERT_TRUE(line.has_value()) << child.finish(1s).describe();
  EXPECT_TRUE(std::regex_match(
      *line,
      std::regex(R"(\d\d:\d\d:\d\d BW +\d+(\.\d)? [KMG]?i?B read, \d+(\.\d)? [KMG]?i?B written)")))
      << *line;
  child.send(SIGINT);
  EXPECT_EQ(child.finish(5s).status, 0);

  const auto start = clock::now();
  const torctl_result timed = text({"events", "SIGNAL", "--timeout", "500ms"});
  EXPECT_EQ(timed.status, 0) << timed.describe();
  EXPECT_GE(clock::now() - start, 500ms);

  const torctl_result short_count =
      text({"events", "SIGNAL", "--count", "1", "--timeout", "300ms"});
  EXPECT_EQ(short_count.status, 5) << short_count.describe();
  EXPECT_TRUE(contains(short_count.err, "0 of 1 events")) << short_count.err;

  const torctl_result unknown = text({"events", "NO_SUCH_EVENT", "--timeout", "1s"});
  EXPECT_EQ(unknown.status, 1) << unknown.describe();
  EXPECT_TRUE(contains(unknown.err, "552")) << unknown.err;
}

TEST_F(TorctlOverText, DiscoveryByEnvironmentAndCookieFiles) {
  torctl_options env;
  env.environment = {"TOR_CONTROL_PORT=" + std::to_string(tor_->control_port())};
  EXPECT_EQ(run_torctl({"info", "version"}, env).status, 0);
  env.environment.push_back("TOR_CONTROL_COOKIE_AUTH_FILE=" + tor_->cookie_path());
  EXPECT_EQ(run_torctl({"info", "version"}, env).status, 0);
  EXPECT_EQ(text({"--cookie", tor_->cookie_path(), "info", "version"}).status, 0);

  const torctl_result missing =
      text({"--json", "--cookie", "/nonexistent/cookie", "getconf", "Nickname"});
  EXPECT_EQ(missing.status, 4) << missing.describe();
  EXPECT_EQ(json::parse(missing.out)["error"]["code"], "authentication_unavailable");
  EXPECT_TRUE(contains(missing.err, "/nonexistent/cookie")) << missing.err;
}

TEST_F(TorctlOverText, TheWrongKindOfPortIsStatusThreeAndNamesTheFix) {
  const json listeners = text_json({"info", "net/listeners/socks"});
  std::string socks = listeners["values"][0]["value"];
  socks.erase(std::remove(socks.begin(), socks.end(), '"'), socks.end());
  const torctl_result r = run_torctl({"--control", socks, "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, socks + " is a Tor SOCKS port")) << r.err;
  EXPECT_TRUE(contains(r.err, "usually 9051")) << r.err;

  const torctl_result as_tc = text({"--protocol", "tc", "getconf", "SocksPort"});
  EXPECT_EQ(as_tc.status, 3) << as_tc.describe();
  EXPECT_TRUE(contains(as_tc.err, "leave out --protocol tc")) << as_tc.err;
}

// A password hashed by torctl, given to a real Tor as HashedControlPassword, opens its
// control port; wrong or missing passwords are status 4.
TEST(TorctlPasswords, TorAcceptsTorctlsHash) {
  torctl_options input;
  input.input = "pass word \"quoted\"\n";
  const torctl_result hashed = run_torctl({"hash-password"}, input);
  ASSERT_EQ(hashed.status, 0) << hashed.describe();
  const std::string hash = hashed.out.substr(0, hashed.out.size() - 1);
  std::string error;
  auto tor = tor_process::start({"HashedControlPassword " + hash}, error);
  ASSERT_NE(tor, nullptr) << error;
  const std::string where = "127.0.0.1:" + std::to_string(tor->control_port());

  EXPECT_EQ(run_torctl({"--control", where, "--password", "info", "version"}, input).status, 0);
  torctl_options env;
  env.environment = {"TOR_CONTROL_PASSWD=pass word \"quoted\""};
  EXPECT_EQ(run_torctl({"--control", where, "info", "version"}, env).status, 0);

  torctl_options wrong;
  wrong.input = "pass word\n";
  const torctl_result refused =
      run_torctl({"--json", "--control", where, "--password", "info", "version"}, wrong);
  EXPECT_EQ(refused.status, 4) << refused.describe();
  EXPECT_EQ(json::parse(refused.out)["error"]["code"], "authentication_failed");

  const torctl_result none = run_torctl({"--control", where, "info", "version"});
  EXPECT_EQ(none.status, 4) << none.describe();
  EXPECT_TRUE(contains(none.err, "--password")) << none.err;
}

// tor --hash-password's output, verified by torctl.
TEST(TorctlPasswords, TorctlVerifiesTorsHash) {
  int status = -1;
  const std::string out =
      run_and_capture({tor_program(), "--hash-password", "tor's own", "--quiet"}, status);
  ASSERT_EQ(status, 0) << "tor --hash-password failed: " << out;
  const auto lines = lines_of(out);
  ASSERT_FALSE(lines.empty());
  const std::string hash = lines.back();
  ASSERT_EQ(hash.rfind("16:", 0), 0u) << out;
  torctl_options right, wrong;
  right.input = "tor's own\n";
  wrong.input = "tor's own!\n";
  const torctl_result yes = run_torctl({"hash-password", "--verify", hash}, right);
  EXPECT_EQ(yes.status, 0) << yes.describe();
  EXPECT_EQ(yes.out, "the password matches\n");
  const torctl_result no = run_torctl({"hash-password", "--verify", hash}, wrong);
  EXPECT_EQ(no.status, 1) << no.describe();
  EXPECT_EQ(no.out, "the password does not match\n");
}

}  // namespace
}  // namespace torctl::testing
