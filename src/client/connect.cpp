#include "connect.hpp"

#include <sys/un.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "authenticate.hpp"
#include "dialect.hpp"

namespace torctl::client::detail {

namespace {

using namespace asio::experimental::awaitable_operators;
constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

error failed(const endpoint& target, std::string_view why) {
  return error(errc::connection_failed, target.to_string() + ": " + std::string(why));
}

// One connect attempt, bounded by `timeout`.
asio::awaitable<result<socket_type, error>> connect_one(
    asio::any_io_executor ex, const asio::generic::stream_protocol::endpoint& to,
    const endpoint& target, std::chrono::milliseconds timeout) {
  socket_type socket(ex);
  asio::steady_timer timer(ex, timeout);
  auto outcome = co_await (socket.async_connect(to, as_tuple_awaitable) ||
                           timer.async_wait(as_tuple_awaitable));
  if (outcome.index() == 1) {
    co_return failure{
        failed(target, "no answer within " + std::to_string(timeout.count()) + " ms")};
  }
  const auto [ec] = std::get<0>(outcome);
  if (ec) co_return failure{failed(target, ec.message())};
  co_return std::move(socket);
}

struct connector {
  endpoint target;
  auth_options auth;
  std::chrono::milliseconds connect_timeout;
  reconnect_options policy;
};

asio::awaitable<result<done, error>> restore_subscriptions(const std::shared_ptr<link>& l) {
  if (l->subscribed.empty()) co_return done{};
  const dialect& d = dialect_for(l->proto());
  auto request = d.set_events(l->subscribed);
  if (!request) co_return failure{request.error()};
  auto raw = co_await l->command(std::move(*request), true);
  if (!raw) co_return failure{raw.error()};
  co_return d.read_done(*raw, "SETEVENTS");
}

asio::awaitable<void> reconnect_loop(std::shared_ptr<link> l, std::shared_ptr<connector> c) {
  auto delay = c->policy.initial_delay;
  unsigned attempts = 0;
  asio::steady_timer timer(l->executor());
  while (l->current_state() == link::state::reconnecting) {
    timer.expires_after(delay);
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (l->current_state() != link::state::reconnecting) co_return;
    auto socket = co_await connect_socket(l->executor(), c->target, c->connect_timeout);
    error last;
    if (socket && l->current_state() == link::state::reconnecting) {
      l->attach(std::move(*socket));
      auto authenticated = co_await authenticate(l, c->auth);
      auto restored = authenticated ? co_await restore_subscriptions(l)
                                    : result<done, error>(failure{authenticated.error()});
      if (restored && l->current_state() == link::state::reconnecting) {
        l->set_open();
        l->push_link_event(link_change::restored, {});
        co_return;
      }
      last = restored ? error(errc::connection_lost, "closed") : restored.error();
      l->lose(last);  // drops this socket; the link stays reconnecting
    } else if (!socket) {
      last = socket.error();
    }
    ++attempts;
    if (c->policy.max_attempts != 0 && attempts >= c->policy.max_attempts) {
      l->close(error(errc::connection_lost, "gave up reconnecting to " + c->target.to_string() +
                                                " after " + std::to_string(attempts) +
                                                " attempts: " + last.message));
      co_return;
    }
    delay = std::min(delay * std::max(c->policy.factor, 1u), c->policy.max_delay);
  }
}

}  // namespace

asio::awaitable<result<socket_type, error>> connect_socket(asio::any_io_executor ex,
                                                           const endpoint& target,
                                                           std::chrono::milliseconds timeout) {
  if (target.type == endpoint::kind::unix_socket) {
    if (target.path.size() >= sizeof(sockaddr_un::sun_path)) {
      co_return failure{failed(target, "the socket path is too long")};
    }
    const asio::local::stream_protocol::endpoint to(target.path);
    co_return co_await connect_one(ex, to, target, timeout);
  }
  std::error_code ec;
  const auto literal = asio::ip::make_address(target.host, ec);
  std::vector<asio::ip::tcp::endpoint> candidates;
  if (!ec) {
    candidates.emplace_back(literal, target.port);
  } else {
    asio::ip::tcp::resolver resolver(ex);
    auto [resolve_ec, found] = co_await resolver.async_resolve(
        target.host, std::to_string(target.port), as_tuple_awaitable);
    if (resolve_ec) co_return failure{failed(target, "cannot resolve: " + resolve_ec.message())};
    for (const auto& entry : found) candidates.push_back(entry.endpoint());
  }
  error last = failed(target, "no address");
  for (const auto& candidate : candidates) {
    auto socket = co_await connect_one(ex, candidate, target, timeout);
    if (socket) {
      std::error_code ignored;
      socket->set_option(asio::ip::tcp::no_delay(true), ignored);
      co_return std::move(*socket);
    }
    last = socket.error();
  }
  co_return failure{std::move(last)};
}

asio::awaitable<result<std::shared_ptr<link>, error>> open_link(asio::any_io_executor ex,
                                                                connect_options options) {
  std::vector<endpoint> targets = options.endpoints;
  const bool discovered = targets.empty();
  if (discovered) {
    auto found = discover_endpoints(options.env ? options.env : process_environment());
    if (!found) co_return failure{found.error()};
    targets = std::move(*found);
  }
  std::string tried;
  for (const endpoint& target : targets) {
    auto socket = co_await connect_socket(ex, target, options.connect_timeout);
    if (!socket) {
      tried += (tried.empty() ? "" : "; ") + socket.error().message;
      continue;
    }
    link_limits limits;
    limits.max_pending = options.max_pending;
    auto l = std::make_shared<link>(ex, options.protocol, target, limits, options.events,
                                    options.command_timeout);
    l->attach(std::move(*socket));
    auto c = std::make_shared<connector>(
        connector{target, std::move(options.auth), options.connect_timeout, options.reconnect});
    auto authenticated = co_await authenticate(l, c->auth);
    if (!authenticated) {
      l->close(authenticated.error());
      co_return failure{authenticated.error()};
    }
    l->set_open();
    if (c->policy.enabled) {
      l->reconnect_hook = [c](std::shared_ptr<link> lost) {
        asio::co_spawn(lost->executor(), reconnect_loop(lost, c), asio::detached);
      };
    }
    co_return l;
  }
  std::string why = "could not connect to a control port: " + tried;
  if (discovered) why += " (none was named; give one, or set TOR_CONTROL_PORT)";
  co_return failure{error(errc::connection_failed, std::move(why))};
}

}  // namespace torctl::client::detail
