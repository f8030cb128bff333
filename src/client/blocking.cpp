#include "torctl/client/blocking.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <future>
#include <thread>

namespace torctl::client {

// An io_context on its own thread, and the connection that lives on it.
struct blocking_connection::runner {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::optional<connection> conn;
  std::thread thread{[this] { io.run(); }};

  // Runs `op(connection&)` (which returns an awaitable) on the io thread and waits.
  template <class T, class Op>
  outcome<T> call(Op op) {
    std::promise<outcome<T>> promise;
    auto future = promise.get_future();
    auto work_item = [&]() -> asio::awaitable<void> {
      if (!conn) {
        promise.set_value(failure{error(errc::not_connected, "the connection was closed")});
        co_return;
      }
      promise.set_value(co_await op(*conn));
    };
    asio::co_spawn(io, work_item, asio::detached);
    return future.get();
  }

  ~runner() {
    std::promise<void> closed;  // the connection closes on its own thread
    asio::post(io, [&] {
      conn.reset();
      closed.set_value();
    });
    closed.get_future().wait();
    work.reset();
    io.stop();
    thread.join();
  }
};

outcome<blocking_connection> blocking_connection::open(connect_options options) {
  auto r = std::make_unique<runner>();
  std::promise<outcome<connection>> promise;
  auto future = promise.get_future();
  auto open_it = [&]() -> asio::awaitable<void> {
    promise.set_value(co_await connection::open(r->io.get_executor(), std::move(options)));
  };
  asio::co_spawn(r->io, open_it, asio::detached);
  auto c = future.get();
  if (!c) return failure{c.error()};
  std::promise<void> stored;
  asio::post(r->io, [&] {
    r->conn.emplace(std::move(*c));
    stored.set_value();
  });
  stored.get_future().get();
  return blocking_connection(std::move(r));
}

blocking_connection::blocking_connection(std::unique_ptr<runner> r) noexcept
    : runner_(std::move(r)) {}
blocking_connection::blocking_connection(blocking_connection&&) noexcept = default;
blocking_connection& blocking_connection::operator=(blocking_connection&&) noexcept = default;
blocking_connection::~blocking_connection() = default;

outcome<std::vector<config_entry>> blocking_connection::get_conf(std::vector<std::string> keys) {
  return runner_->call<std::vector<config_entry>>(
      [&](connection& c) { return c.get_conf(std::move(keys)); });
}
outcome<done> blocking_connection::set_conf(std::vector<config_entry> entries) {
  return runner_->call<done>([&](connection& c) { return c.set_conf(std::move(entries)); });
}
outcome<done> blocking_connection::reset_conf(std::vector<std::string> keys) {
  return runner_->call<done>([&](connection& c) { return c.reset_conf(std::move(keys)); });
}
outcome<done> blocking_connection::save_conf(bool force) {
  return runner_->call<done>([&](connection& c) { return c.save_conf(force); });
}
outcome<done> blocking_connection::send_signal(client::signal s) {
  return runner_->call<done>([&](connection& c) { return c.send_signal(s); });
}
outcome<address_mapping> blocking_connection::map_address(std::string from, std::string to) {
  return runner_->call<address_mapping>(
      [&](connection& c) { return c.map_address(std::move(from), std::move(to)); });
}
outcome<std::vector<address_mapping>> blocking_connection::get_mappings() {
  return runner_->call<std::vector<address_mapping>>(
      [&](connection& c) { return c.get_mappings(); });
}
outcome<std::vector<info_value>> blocking_connection::get_info(std::vector<std::string> keys) {
  return runner_->call<std::vector<info_value>>(
      [&](connection& c) { return c.get_info(std::move(keys)); });
}
outcome<done> blocking_connection::set_events(std::vector<std::string> names) {
  return runner_->call<done>([&](connection& c) { return c.set_events(std::move(names)); });
}
outcome<event> blocking_connection::next_event(std::chrono::milliseconds timeout) {
  return runner_->call<event>([&](connection& c) { return c.next_event(timeout); });
}
outcome<text::reply> blocking_connection::raw(std::string command_line) {
  return runner_->call<text::reply>([&](connection& c) { return c.raw(std::move(command_line)); });
}
outcome<std::vector<tc_frame>> blocking_connection::raw_tc(std::uint16_t type,
                                                           std::vector<std::uint8_t> body) {
  return runner_->call<std::vector<tc_frame>>(
      [&](connection& c) { return c.raw_tc(type, std::move(body)); });
}

client::protocol blocking_connection::protocol() const noexcept {
  return runner_ && runner_->conn ? runner_->conn->protocol() : client::protocol::text;
}

const endpoint& blocking_connection::remote() const noexcept {
  static const endpoint none;
  return runner_ && runner_->conn ? runner_->conn->remote() : none;
}

void blocking_connection::close() {
  if (!runner_) return;
  std::promise<void> closed;
  asio::post(runner_->io, [&] {
    if (runner_->conn) runner_->conn->close();
    closed.set_value();
  });
  closed.get_future().get();
}

}  // namespace torctl::client
