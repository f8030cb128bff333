// Internal: the first exchange on a new link. Checks that the peer is a control port of
// the link's protocol (naming what it is otherwise: a SOCKS port, an HTTP server, the
// other protocol) and authenticates as options.hpp describes.
#pragma once

#include <asio/awaitable.hpp>
#include <memory>

#include "link.hpp"
#include "torctl/client/options.hpp"

namespace torctl::client::detail {

// What the server said about itself during authentication (text protocol only).
struct server_info {
  std::optional<std::string> tor_version;
};

asio::awaitable<result<server_info, error>> authenticate(std::shared_ptr<link> l,
                                                         const auth_options& auth);

// Turns the failure of a link's first command into what the user needs to hear, from
// the first octets the peer sent (link::first_octets).
error diagnose(const link& l, error failure);

}  // namespace torctl::client::detail
