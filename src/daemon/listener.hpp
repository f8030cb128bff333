// A listening socket of torctld's ("HOST:PORT" or "unix:PATH"): each connection it
// accepts becomes a session.
#pragma once

#include <asio/basic_socket_acceptor.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <memory>
#include <string>

#include "server_state.hpp"
#include "torctl/client/endpoint.hpp"
#include "torctl/result.hpp"

namespace torctl::daemon {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Binds and listens, or fails with one line ("127.0.0.1:9051: address already in use").
  // A Unix socket is made owner-only; a stale one (nothing listens on it) is replaced.
  static result<std::shared_ptr<listener>, std::string> open(server_state& state,
                                                             const client::endpoint& where);
  void start();
  void close();
  const client::endpoint& where() const noexcept { return where_; }

 private:
  listener(server_state& state, client::endpoint where);
  server_state& state_;
  client::endpoint where_;
  asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor_;
};

}  // namespace torctl::daemon
