// A file fetched through the network's client: SOCKS5 into client0, three hops through
// auth0, relay0 and exit0 in some order, out of the exit to an HTTP server on loopback,
// and back, octet for octet.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "error.hpp"
#include "http_fetch.hpp"
#include "http_target.hpp"
#include "socks5.hpp"
#include "testnet_environment.hpp"

namespace torctl::testnet {
namespace {

// More than a megabyte, and not a round number, so that a response cut at a buffer or
// cell boundary shows.
constexpr std::size_t body_size = (std::size_t{2} << 20) + 12'345;
constexpr std::uint64_t body_seed = 0x7e57'ae75;
// Bounds on each wait: a stream through a ready loopback network opens in well under a
// second and carries megabytes per second.
constexpr std::chrono::seconds stream_timeout{20};
constexpr std::chrono::seconds transfer_timeout{30};

// The first offset where two strings differ, or the shorter length.
std::size_t first_difference(const std::string& a, const std::string& b) {
  const auto [at_a, at_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<std::size_t>(at_a - a.begin());
}

const node& first_client(const network& net) {
  for (const node& n : net.nodes) {
    if (n.role == role::client) return n;
  }
  throw error("the network has no client");
}

TEST(TestnetSocksFetch, TwoMegabytesArriveThroughTheClientOctetForOctet) {
  const network net = running_network();
  http_target target(generated_body(body_size, body_seed));
  tcp_socket stream = socks5_connect(first_client(net).socks_port, loopback_address, target.port(),
                                     clock::now() + stream_timeout);
  const http_response response = http_get(stream, "/blob", clock::now() + transfer_timeout);

  EXPECT_EQ(response.status, 200) << response.head;
  ASSERT_EQ(response.body.size(), target.body().size());
  EXPECT_TRUE(response.body == target.body())
      << "first difference at offset " << first_difference(response.body, target.body());
  EXPECT_EQ(target.requests_served(), 1);
}

}  // namespace
}  // namespace torctl::testnet
