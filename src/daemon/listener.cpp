#include "listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "session.hpp"

namespace torctl::daemon {

namespace {

// True if something accepts connections on the Unix socket at `path`.
bool in_use(const std::string& path) {
  asio::io_context io;
  asio::local::stream_protocol::socket probe(io);
  std::error_code ec;
  probe.connect(asio::local::stream_protocol::endpoint(path), ec);
  return !ec;
}

std::string peer_of(socket_type& s, const client::endpoint& where) {
  if (where.type == client::endpoint::kind::unix_socket) return "unix:" + where.path;
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getpeername(s.native_handle(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return "?";
  }
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
  ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  std::string shown = "[";  // appended, not concatenated: g++ 12 -O3 warns falsely on "[" + ...
  shown.append(text).append("]:").append(std::to_string(ntohs(in6->sin6_port)));
  return shown;
}

}  // namespace

listener::listener(server_state& state, client::endpoint where)
    : state_(state), where_(std::move(where)), acceptor_(state.executor) {}

result<std::shared_ptr<listener>, std::string> listener::open(server_state& state,
                                                              const client::endpoint& where) {
  std::shared_ptr<listener> l(new listener(state, where));
  std::error_code ec;
  asio::generic::stream_protocol::endpoint local;
  if (where.type == client::endpoint::kind::unix_socket) {
    if (where.path.size() >= sizeof(sockaddr_un::sun_path)) {
      return failure{where.to_string() + ": the socket path is too long"};
    }
    if (::access(where.path.c_str(), F_OK) == 0) {
      if (in_use(where.path)) return failure{where.to_string() + ": another program listens there"};
      ::unlink(where.path.c_str());
    }
    local = asio::local::stream_protocol::endpoint(where.path);
  } else {
    const auto address = asio::ip::make_address(where.host, ec);
    if (ec) return failure{where.to_string() + ": not an IP address"};
    local = asio::ip::tcp::endpoint(address, where.port);
  }
  l->acceptor_.open(local.protocol(), ec);
  if (!ec && where.type == client::endpoint::kind::tcp) {
    l->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  const mode_t old_mask = ::umask(0077);  // a Unix socket is created owner-only
  if (!ec) l->acceptor_.bind(local, ec);
  ::umask(old_mask);
  if (!ec) l->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failure{where.to_string() + ": " + ec.message()};
  return l;
}

void listener::start() {
  auto self = shared_from_this();
  asio::co_spawn(
      state_.executor,
      [self]() -> asio::awaitable<void> {
        for (;;) {
          std::error_code ec;
          socket_type socket =
              co_await self->acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
          if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) co_return;
          if (ec) {
            // Out of file descriptors, say: say so, and keep serving the others.
            spdlog::warn("{}: accept failed: {}", self->where_.to_string(), ec.message());
            continue;
          }
          if (self->where_.type == client::endpoint::kind::tcp) {
            socket.set_option(asio::ip::tcp::no_delay(true), ec);
          }
          const std::string peer = peer_of(socket, self->where_);
          std::make_shared<session>(self->state_, std::move(socket), peer)->start();
        }
      },
      asio::detached);
}

void listener::close() {
  std::error_code ignored;
  acceptor_.close(ignored);
  if (where_.type == client::endpoint::kind::unix_socket) ::unlink(where_.path.c_str());
}

}  // namespace torctl::daemon
