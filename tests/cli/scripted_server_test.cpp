// Servers that are not what torctl expects, scripted here: an HTTP server (connection
// class, 3), and control ports that stop answering or break the protocol after
// authentication (the "anything else" class, 5).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/scripted_server.hpp"
#include "cli/torctl_runner.hpp"

namespace torctl::testing {
namespace {

TEST(TorctlScriptedServers, AnHttpServerIsNotAControlPort) {
  scripted_server server([](scripted_server& s) {
    s.read_line();
    s.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  const torctl_result r = run_torctl({"--control", server.address(), "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, server.address() + " is an HTTP server, not a control port"))
      << r.err;
}

TEST(TorctlScriptedServers, NoAnswerWithinTheCommandTimeoutIsStatusFive) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();  // GETCONF, never answered
    s.read_line();  // until torctl gives up and closes
  });
  const torctl_result r = run_torctl({"--json", "--control", server.address(), "--command-timeout",
                                      "300ms", "getconf", "SocksPort"});
  EXPECT_EQ(r.status, 5) << r.describe();
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["class"], "failure");
  EXPECT_EQ(j["error"]["code"], "timeout");
  EXPECT_TRUE(contains(r.err, "within 300 ms")) << r.err;
}

TEST(TorctlScriptedServers, AReplyThatBreaksTheGrammarIsStatusFive) {
  scripted_server server([](scripted_server& s) {
    s.authenticate();
    s.read_line();
    s.send("this is not a reply\r\n");
    s.read_line();
  });
  const torctl_result r = run_torctl({"--json", "--control", server.address(), "getconf", "x"});
  EXPECT_EQ(r.status, 5) << r.describe();
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "protocol_error") << r.out;
}

}  // namespace
}  // namespace torctl::testing
