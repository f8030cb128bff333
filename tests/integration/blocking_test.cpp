// The blocking facade against a real tor: the same operations, each call returning when
// its operation has completed, events with a timeout.
#include <gtest/gtest.h>

#include "support/tor_process.hpp"
#include "torctl/client/blocking.hpp"

namespace torctl::client {
namespace {

using namespace std::chrono_literals;

TEST(Blocking, OperationsAndEventsOnARealTor) {
  std::string error;
  auto tor = testing::tor_process::start({"CookieAuthentication 1"}, error);
  ASSERT_NE(tor, nullptr) << error;
  connect_options o;
  o.endpoints = {endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(tor->control_port()))};
  auto c = blocking_connection::open(std::move(o));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->remote().port, tor->control_port());

  const auto version = c->get_info({"version"});
  ASSERT_TRUE(version.has_value()) << version.error().message;
  EXPECT_EQ(version->front().value.substr(0, 4), "0.4.");
  ASSERT_TRUE(c->set_events({"CONF_CHANGED"}).has_value());
  ASSERT_TRUE(c->set_conf({{"ContactInfo", "blocking"}}).has_value());
  const auto conf = c->get_conf({"ContactInfo"});
  ASSERT_TRUE(conf.has_value());
  EXPECT_EQ(conf->front().value, "blocking");
  const auto e = c->next_event(10s);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->name(), "CONF_CHANGED");
  const auto none = c->next_event(200ms);
  ASSERT_FALSE(none.has_value());
  EXPECT_TRUE(none.error().is(errc::timeout));

  c->close();
  const auto after = c->get_info({"version"});
  ASSERT_FALSE(after.has_value());
  EXPECT_TRUE(after.error().is(errc::not_connected)) << after.error().message;
}

TEST(Blocking, OpenFailsWithTheReason) {
  connect_options o;
  o.endpoints = {endpoint::unix_socket("/nonexistent/control")};
  auto c = blocking_connection::open(std::move(o));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().is(errc::connection_failed));
  EXPECT_NE(c.error().message.find("/nonexistent/control"), std::string::npos);
}

}  // namespace
}  // namespace torctl::client
