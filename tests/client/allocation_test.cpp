// How often the client allocates per command, counted on the thread that runs its event
// loop (tests/support/allocation_counter.cpp). A sequential GETINFO round trip is the
// client's hot path; what it allocates is listed in the test, so that a change adding an
// allocation there fails here and has to say why.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "client/text_client_fixture.hpp"
#include "support/allocation_counter.hpp"

namespace torctl::client::testing_text {
namespace {

using torctl::testing::thread_allocation_count;

// Answers every GETINFO version until the client closes.
void answer_versions(peer_session& s) {
  while (auto line = s.read_line()) {
    if (*line != "GETINFO version") return;
    s.send("250-version=0.4.9.11\r\n250 OK\r\n");
  }
}

// Allocations per sequential round trip on the loop's thread, the caller's own vector of
// keys left out.
asio::awaitable<double> allocations_per_round_trip(connection& c, int rounds) {
  long counted = 0;
  for (int i = 0; i < rounds; ++i) {
    std::vector<std::string> keys{"version"};
    const long before = thread_allocation_count();
    auto r = co_await c.get_info(std::move(keys));
    counted += thread_allocation_count() - before;
    EXPECT_TRUE(r.has_value());
    if (!r || r->size() != 1 || (*r)[0].value != "0.4.9.11") {
      ADD_FAILURE() << "unexpected answer";
      co_return -1;
    }
  }
  co_return static_cast<double>(counted) / rounds;
}

using ClientAllocation = TextClient;

TEST_F(ClientAllocation, ASequentialGetinfoRoundTripAllocatesOnlyItsCommandAndItsValues) {
  serve(answer_versions);
  connection c = open_ok();
  // Warm: the queues, buffers and Asio's recycled frames reach their working size.
  ASSERT_GE(torctl::testing::run_sync(io_, allocations_per_round_trip(c, 50)), 0);
  const double per_round_trip = torctl::testing::run_sync(io_, allocations_per_round_trip(c, 500));
  // What remains: the command's line ("GETINFO version\r\n", longer than a string keeps
  // inline) and the vector of values handed to the caller. The pending command, its
  // completions, the reply (its lines' storage serves the next reply) and the hand-over
  // to the caller's coroutine allocate nothing.
  std::printf("allocations per sequential GETINFO round trip: %.2f\n", per_round_trip);
  EXPECT_LE(per_round_trip, 2.0);
  EXPECT_GE(per_round_trip, 1.0) << "the counter saw nothing: is it linked in?";
}

}  // namespace
}  // namespace torctl::client::testing_text
