// Internal: reaching an endpoint, opening an authenticated link on it, and reconnecting.
#pragma once

#include <asio/awaitable.hpp>
#include <memory>

#include "link.hpp"
#include "torctl/client/options.hpp"

namespace torctl::client::detail {

// Connects a stream socket to `target` (TCP, resolving a name, or a Unix socket) within
// `timeout`. Fails with connection_failed naming the endpoint and the reason.
asio::awaitable<result<socket_type, error>> connect_socket(asio::any_io_executor ex,
                                                           const endpoint& target,
                                                           std::chrono::milliseconds timeout);

// Connects to the first endpoint that answers, authenticates, and sets up reconnecting
// if the options ask for it.
asio::awaitable<result<std::shared_ptr<link>, error>> open_link(asio::any_io_executor ex,
                                                                connect_options options);

}  // namespace torctl::client::detail
