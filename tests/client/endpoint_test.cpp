// Endpoint parsing and discovery.
#include "torctl/client/endpoint.hpp"

#include <gtest/gtest.h>

#include <map>

namespace torctl::client {
namespace {

TEST(Endpoint, ParsesTheThreeForms) {
  EXPECT_EQ(*parse_endpoint("127.0.0.1:9051"), endpoint::tcp("127.0.0.1", 9051));
  EXPECT_EQ(*parse_endpoint("localhost:1"), endpoint::tcp("localhost", 1));
  EXPECT_EQ(*parse_endpoint("[::1]:9051"), endpoint::tcp("::1", 9051));
  EXPECT_EQ(*parse_endpoint("unix:/run/tor/control"), endpoint::unix_socket("/run/tor/control"));
  for (const char* text : {"127.0.0.1:9051", "[::1]:9051", "unix:/run/tor/control"}) {
    EXPECT_EQ(parse_endpoint(text)->to_string(), text);
  }
}

TEST(Endpoint, MistakesAreNamed) {
  const std::map<std::string, std::string> wrong = {
      {"127.0.0.1", "no port"},        {"127.0.0.1:", "1 to 65535"},
      {"127.0.0.1:0", "1 to 65535"},   {"127.0.0.1:65536", "1 to 65535"},
      {"127.0.0.1:90x", "1 to 65535"}, {":9051", "host is empty"},
      {"::1:9051", "needs brackets"},  {"[::1]9051", "followed by :PORT"},
      {"unix:", "path is empty"},
  };
  for (const auto& [text, why] : wrong) {
    const auto r = parse_endpoint(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_TRUE(r.error().is(errc::invalid_argument));
    EXPECT_NE(r.error().message.find(why), std::string::npos) << text << ": " << r.error().message;
  }
}

environment fake(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::vector<endpoint> usual = {endpoint::unix_socket("/run/tor/control"),
                                     endpoint::tcp("127.0.0.1", 9051),
                                     endpoint::tcp("127.0.0.1", 9151)};

TEST(Discovery, UsualPlacesWithoutTheEnvironment) {
  EXPECT_EQ(*discover_endpoints(fake({})), usual);
}

TEST(Discovery, EnvironmentComesFirstInItsOrder) {
  auto found = discover_endpoints(fake({{"TOR_CONTROL_IPC_PATH", "/tmp/ctl"},
                                        {"TOR_CONTROL_HOST", "10.0.0.1"},
                                        {"TOR_CONTROL_PORT", "9999"}}));
  ASSERT_TRUE(found.has_value());
  std::vector<endpoint> expected = {endpoint::unix_socket("/tmp/ctl"),
                                    endpoint::tcp("10.0.0.1", 9999)};
  expected.insert(expected.end(), usual.begin(), usual.end());
  EXPECT_EQ(*found, expected);
  EXPECT_EQ(discover_endpoints(fake({{"TOR_CONTROL_PORT", "9052"}}))->front(),
            endpoint::tcp("127.0.0.1", 9052));
  EXPECT_EQ(discover_endpoints(fake({{"TOR_CONTROL_HOST", "::1"}}))->front(),
            endpoint::tcp("::1", 9051));
}

TEST(Discovery, AMalformedPortIsAnErrorNotASilentFallback) {
  auto found = discover_endpoints(fake({{"TOR_CONTROL_PORT", "ninety"}}));
  ASSERT_FALSE(found.has_value());
  EXPECT_NE(found.error().message.find("TOR_CONTROL_PORT"), std::string::npos);
}

}  // namespace
}  // namespace torctl::client
