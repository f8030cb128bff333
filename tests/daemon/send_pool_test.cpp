// The shared sends of one flush (send_pool.hpp): every job sent once, its octets in
// order, what the kernel did not take reported, errors reported without a signal, and
// the helper threads taking part, over round after round.
#include "send_pool.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace torctl::daemon {
namespace {

// A connected pair of Unix stream sockets: jobs send on `ours`, the test reads `theirs`.
struct socket_pair {
  int ours = -1, theirs = -1;
  socket_pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~socket_pair() {
    if (ours >= 0) ::close(ours);
    if (theirs >= 0) ::close(theirs);
  }
  socket_pair(const socket_pair&) = delete;
  socket_pair& operator=(const socket_pair&) = delete;

  // What has arrived, without waiting.
  std::string drain() const {
    std::string got;
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(theirs, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n <= 0) break;
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
  }
};

// One job per connection, each sending `head` then `tail` as two pieces.
struct round_of_sends {
  std::vector<std::string> heads, tails;
  std::vector<iovec> pieces;
  std::vector<send_job> jobs;

  round_of_sends(const std::vector<socket_pair>& sockets, int round) {
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      heads.push_back("round " + std::to_string(round) + " connection " + std::to_string(i));
      tails.push_back(std::string(i % 7 + 1, static_cast<char>('a' + round % 26)) + ";");
    }
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      pieces.push_back(iovec{heads[i].data(), heads[i].size()});
      pieces.push_back(iovec{tails[i].data(), tails[i].size()});
    }
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      send_job j;
      j.fd = sockets[i].ours;
      j.pieces = &pieces[2 * i];
      j.count = 2;
      jobs.push_back(j);
    }
  }
  std::string expected(std::size_t i) const { return heads[i] + tails[i]; }
};

// `rounds` rounds of one send per connection, read back now and then (so that no
// socket fills): each connection gets every round's octets, in order.
void check_rounds(send_pool& pool, std::size_t connections, int rounds) {
  const std::vector<socket_pair> sockets(connections);
  std::vector<std::string> expected(connections);
  for (int r = 0; r < rounds; ++r) {
    round_of_sends round(sockets, r);
    pool.run(round.jobs);
    for (std::size_t i = 0; i < connections; ++i) {
      ASSERT_EQ(round.jobs[i].error, 0) << "round " << r << " connection " << i;
      ASSERT_EQ(round.jobs[i].sent, round.expected(i).size()) << "round " << r;
      expected[i] += round.expected(i);
    }
    if (r % 50 == 49 || r + 1 == rounds) {
      for (std::size_t i = 0; i < connections; ++i) {
        ASSERT_EQ(sockets[i].drain(), expected[i]) << "connection " << i << " by round " << r;
        expected[i].clear();
      }
    }
  }
}

TEST(SendPool, WithoutHelpersTheCallerSendsEveryJob) {
  send_pool pool(0);
  EXPECT_EQ(pool.helpers(), 0U);
  check_rounds(pool, 40, 100);
  EXPECT_EQ(pool.sends(), 4000U);
  EXPECT_EQ(pool.helped(), 0U);
}

TEST(SendPool, FewerJobsThanTheThresholdAreSentByTheCallerAlone) {
  send_pool pool(2);
  check_rounds(pool, min_shared_sends - 1, 200);
  EXPECT_EQ(pool.sends(), 200 * (min_shared_sends - 1));
  EXPECT_EQ(pool.helped(), 0U);
}

TEST(SendPool, HelpersShareManyRoundsAndEveryOctetArrivesInOrder) {
  send_pool pool(2);
  EXPECT_EQ(pool.helpers(), 2U);
  check_rounds(pool, 256, 300);
  EXPECT_EQ(pool.sends(), 300U * 256U);
  // 76,800 sends of a microsecond or so each: a helper that never woke, or never got a
  // job, shows here.
  EXPECT_GT(pool.helped(), 0U);
}

TEST(SendPool, RoundsOfChangingSizeAlternateBetweenAloneAndShared) {
  send_pool pool(1);
  for (int r = 0; r < 40; ++r) check_rounds(pool, r % 2 == 0 ? 3 : 64, 5);
  EXPECT_EQ(pool.sends(), 20U * 3U * 5U + 20U * 64U * 5U);
}

TEST(SendPool, AFullSocketReportsWhatItTookThenEagain) {
  send_pool pool(1);
  std::vector<socket_pair> sockets(min_shared_sends);
  const int small = 4096;
  for (const socket_pair& s : sockets) {
    ASSERT_EQ(::setsockopt(s.ours, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  }
  std::string big(1 << 20, 'x');
  std::vector<iovec> piece(sockets.size(), iovec{big.data(), big.size()});
  std::vector<send_job> jobs(sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    jobs[i].fd = sockets[i].ours;
    jobs[i].pieces = &piece[i];
    jobs[i].count = 1;
  }
  pool.run(jobs);
  for (const send_job& j : jobs) {
    EXPECT_EQ(j.error, 0);
    EXPECT_GT(j.sent, 0U);
    EXPECT_LT(j.sent, big.size());  // the kernel took only what fitted
  }
  pool.run(jobs);  // now nothing fits
  for (const send_job& j : jobs) {
    EXPECT_EQ(j.sent, 0U);
    EXPECT_TRUE(j.error == EAGAIN || j.error == EWOULDBLOCK) << j.error;
  }
}

TEST(SendPool, APeerThatHasGoneIsAnErrorNotASignal) {
  send_pool pool(1);
  std::vector<socket_pair> sockets(min_shared_sends);
  std::string text = "for nobody";
  iovec piece{text.data(), text.size()};
  std::vector<send_job> jobs(sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    ::close(sockets[i].theirs);
    sockets[i].theirs = -1;
    jobs[i].fd = sockets[i].ours;
    jobs[i].pieces = &piece;
    jobs[i].count = 1;
  }
  pool.run(jobs);  // SIGPIPE would end the test program here
  for (const send_job& j : jobs) {
    EXPECT_EQ(j.sent, 0U);
    EXPECT_EQ(j.error, EPIPE);
  }
}

TEST(SendPool, AnIdlePoolStopsAtOnce) {
  for (int i = 0; i < 20; ++i) {
    send_pool pool(3);
    EXPECT_EQ(pool.helpers(), 3U);
  }
  send_pool capped(max_send_helpers + 5);
  EXPECT_EQ(capped.helpers(), max_send_helpers);
}

}  // namespace
}  // namespace torctl::daemon
