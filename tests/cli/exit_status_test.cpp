// Every error the client library can report falls in the class docs/cli.md gives it.
#include "cli/exit_status.hpp"

#include <gtest/gtest.h>

namespace torctl::cli {
namespace {

using client::errc;

TEST(ExitStatus, EveryClientErrorHasItsDocumentedClass) {
  const std::pair<errc, int> expected[] = {
      {errc::invalid_argument, 2},
      {errc::not_supported, 2},
      {errc::connection_failed, 3},
      {errc::wrong_service, 3},
      {errc::not_connected, 3},
      {errc::queue_full, 5},
      {errc::connection_lost, 3},
      {errc::timeout, 5},
      {errc::cancelled, 5},
      {errc::authentication_unavailable, 4},
      {errc::authentication_failed, 4},
      {errc::server_not_authentic, 4},
      {errc::refused, 1},
      {errc::protocol_error, 5},
      {errc::event_queue_overflow, 5},
      {errc::launch_failed, 5},
  };
  for (const auto& [e, status] : expected) {
    const client::error error(e, "x");
    EXPECT_EQ(code(classify(error)), status) << errc_name(error);
    EXPECT_NE(errc_name(error), "unknown");
  }
  EXPECT_EQ(code(classify(client::error())), 5) << "an error of no known kind";
  EXPECT_EQ(name(exit_status::authentication), "authentication");
}

}  // namespace
}  // namespace torctl::cli
