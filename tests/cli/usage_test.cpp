// torctl's command line without a server: help on every subcommand, usage errors that
// name the mistake and the fix (exit status 2), and the connection failure class (3)
// against a port where nothing listens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/scripted_server.hpp"
#include "cli/torctl_runner.hpp"
#include "support/tor_process.hpp"

namespace torctl::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> subcommands = {"getconf",    "setconf",      "saveconf", "signal",
                                              "mapaddress", "mappings",     "info",     "events",
                                              "raw",        "hash-password"};

std::string closed_port() {
  return "127.0.0.1:" + std::to_string(free_port());
}

TEST(TorctlHelp, ListsEverySubcommandTheExitStatusesAndTheEnvironment) {
  const torctl_result r = run_torctl({"--help"});
  ASSERT_EQ(r.status, 0) << r.describe();
  for (const std::string& sub : subcommands) EXPECT_TRUE(contains(r.out, sub)) << sub;
  for (const char* line : {"0  success", "1  the server refused", "2  usage", "3  connection",
                           "4  authentication", "5  anything else"}) {
    EXPECT_TRUE(contains(r.out, line)) << line << "\n" << r.out;
  }
  for (const char* name : {"TOR_CONTROL_PORT", "TOR_CONTROL_IPC_PATH", "TOR_CONTROL_PASSWD",
                           "TOR_CONTROL_COOKIE_AUTH_FILE"}) {
    EXPECT_TRUE(contains(r.out, name)) << name;
  }
}

TEST(TorctlHelp, EverySubcommandHasHelpWithExamplesOfItself) {
  for (const std::string& sub : subcommands) {
    const torctl_result r = run_torctl({sub, "--help"});
    EXPECT_EQ(r.status, 0) << sub << "\n" << r.describe();
    EXPECT_TRUE(contains(r.out, "Examples:")) << sub << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "torctl " + sub) || contains(r.out, " " + sub + " ")) << sub << "\n"
                                                                                      << r.out;
  }
}

// Status 2 and a "torctl: " line naming the problem, whatever part of torctl found it.
void expect_usage_error(const std::vector<std::string>& args, const std::string& mentions) {
  const torctl_result r = run_torctl(args);
  std::string joined;
  for (const std::string& a : args) joined += a + " ";
  EXPECT_EQ(r.status, 2) << joined << "\n" << r.describe();
  EXPECT_TRUE(contains(r.err, "torctl: ")) << joined << "\n" << r.err;
  EXPECT_TRUE(contains(r.err, mentions)) << joined << "\nexpected: " << mentions << "\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << joined << "\n" << r.out;
}

TEST(TorctlUsage, CommandLineMistakesAreStatusTwoAndSaySo) {
  expect_usage_error({}, "A subcommand is required");
  expect_usage_error({"frobnicate"}, "\"frobnicate\" is not a subcommand");
  expect_usage_error({"--json", "getconfig", "SocksPort"}, "the subcommands are getconf, setconf");
  expect_usage_error({"getconf"}, "KEY is required");
  expect_usage_error({"getconf", "SocksPort", "--no-such-option"}, "--no-such-option");
  expect_usage_error({"--protocol", "binary", "getconf", "SocksPort"}, "binary");
  expect_usage_error({"--command-timeout", "soon", "getconf", "SocksPort"}, "not a duration");
  expect_usage_error({"events", "BW", "--timeout", "10x"}, "not a duration");
  expect_usage_error({"events", "BW", "--count", "0"}, "--count");
  expect_usage_error({"mapaddress", "--choose", "ipv5", "x"}, "ipv5");
}

TEST(TorctlUsage, MistakesFoundBeforeConnectingNameTheFix) {
  // Each names a port where nothing listens: status 2, not 3, proves nothing was tried.
  const std::string nowhere = closed_port();
  expect_usage_error({"--control", nowhere, "signal", "sighup-please"},
                     "use one of reload, shutdown, dump, debug, halt, newnym, cleardnscache, "
                     "heartbeat, active, dormant");
  expect_usage_error({"--control", nowhere, "--protocol", "tc", "signal", "newnym"},
                     "TC has reload, shutdown, dump, debug, halt");
  expect_usage_error({"--control", nowhere, "--protocol", "tc", "info", "version"},
                     "--protocol text");
  expect_usage_error({"--control", nowhere, "--protocol", "tc", "raw", "GETSOMETHING"},
                     "give a name (GETCONF, SETCONF, SIGNAL, ...) or a number");
  expect_usage_error({"--control", nowhere, "--protocol", "tc", "raw", "SIGNAL", "0"}, "hex");
  expect_usage_error({"--control", nowhere, "setconf", "=9050"}, "has no option name");
  expect_usage_error({"--control", nowhere, "mapaddress", "only-one"}, "expected FROM TO");
  expect_usage_error({"--control", "127.0.0.1", "getconf", "SocksPort"}, "HOST:PORT");
  expect_usage_error({"--control", "127.0.0.1:70000", "getconf", "SocksPort"}, "70000");
}

TEST(TorctlUsage, JsonErrorsAreOneObjectOnStandardOutput) {
  const torctl_result r =
      run_torctl({"--json", "--control", closed_port(), "--protocol", "tc", "signal", "newnym"});
  ASSERT_EQ(r.status, 2) << r.describe();
  const json j = json::parse(r.out);
  EXPECT_EQ(j["error"]["class"], "usage");
  EXPECT_EQ(j["error"]["exit"], 2);
  EXPECT_TRUE(contains(j["error"]["message"].get<std::string>(), "NEWNYM"));
  EXPECT_TRUE(contains(j["error"]["hint"].get<std::string>(), "--protocol text"));
}

TEST(TorctlConnection, NothingListeningIsStatusThreeNamingTheAddress) {
  const std::string nowhere = closed_port();
  const torctl_result r = run_torctl({"--control", nowhere, "--json", "getconf", "SocksPort"});
  ASSERT_EQ(r.status, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, nowhere + ": Connection refused")) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["error"]["class"], "connection");
  EXPECT_EQ(j["error"]["code"], "connection_failed");
}

// With no --control, TOR_CONTROL_PORT is the first place tried: a scripted control port
// there answers (a closed one would not do: discovery would go on to 127.0.0.1:9051,
// where this machine may run a Tor or torctld).
TEST(TorctlConnection, DiscoveryFollowsTheEnvironment) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();  // GETCONF SocksPort
    s.send("250 SocksPort=1234\r\n");
    s.read_line();
  });
  torctl_options o;
  o.environment = {"TOR_CONTROL_HOST=127.0.0.1",
                   "TOR_CONTROL_PORT=" + server.address().substr(server.address().find(':') + 1)};
  torctl_result r = run_torctl({"getconf", "SocksPort"}, o);
  ASSERT_EQ(r.status, 0) << r.describe();
  EXPECT_EQ(r.out, "OPTION     VALUE\nSocksPort  1234\n");

  o.environment = {"TOR_CONTROL_PORT=not-a-port"};
  r = run_torctl({"getconf", "SocksPort"}, o);
  EXPECT_EQ(r.status, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "TOR_CONTROL_PORT")) << r.err;

  o.environment = {"TORCTL_PROTOCOL=tc"};
  r = run_torctl({"--control", closed_port(), "info", "version"}, o);
  EXPECT_EQ(r.status, 2) << "TORCTL_PROTOCOL=tc is not honoured\n" << r.describe();
}

}  // namespace
}  // namespace torctl::testing
