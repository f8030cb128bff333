// A controller's connection to a control port: Tor's own (text protocol) or a TC server
// such as torctld. Asynchronous, on Asio.
//
// Every operation comes in two forms:
//   - a coroutine, `co_await c.get_conf({"SocksPort"})`, returning
//     asio::awaitable<result<T, error>>: the fastest form, for code already in coroutines;
//   - an Asio asynchronous operation, `c.async_get_conf(keys, token)`, for any completion
//     token: a callback taking result<T, error>, asio::use_future, asio::use_awaitable,
//     or asio::bind_cancellation_slot(...) to cancel it.
// Nothing throws (but std::bad_alloc); every failure is a client::error (error.hpp).
//
// Commands may be issued while others are in flight; they are written in order and their
// replies matched in order. Events never answer commands: they go to the event queue,
// read with next_event(). Every command waits at most the connection's command timeout.
// When the connection drops, every pending command fails with connection_lost at once.
//
// Threads: a connection and its operations run on the executor it was opened with. Use
// it from that executor's thread, or open it on a strand if several threads run the
// io_context.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "torctl/client/detail/async.hpp"
#include "torctl/client/error.hpp"
#include "torctl/client/event.hpp"
#include "torctl/client/options.hpp"
#include "torctl/client/types.hpp"
#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::client {

namespace detail {
class link;
}

template <class T>
using outcome = result<T, error>;
template <class T>
using awaitable_outcome = asio::awaitable<outcome<T>>;

class connection {
 public:
  using executor_type = asio::any_io_executor;

  // Connects to the first endpoint that answers (options.endpoints, or those that
  // discover_endpoints() finds), checks that it is a control port of the chosen protocol,
  // and authenticates (options.hpp says how). Fails with connection_failed (naming every
  // endpoint tried and why), wrong_service ("... is a SOCKS port"),
  // authentication_unavailable, authentication_failed or server_not_authentic.
  static awaitable_outcome<connection> open(executor_type ex, connect_options options);
  template <class Token>
  static auto async_open(executor_type ex, connect_options options, Token&& token) {
    return detail::async_run<outcome<connection>>(
        ex, [ex, o = std::move(options)]() mutable { return open(ex, std::move(o)); },
        std::forward<Token>(token));
  }

  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;
  // Closes the connection; pending commands fail with not_connected.
  ~connection();

  // ---- configuration ----
  // The values of `keys`, every value of a multi-valued option in order; a key without
  // a value is an option at its default. Fails with refused for an unknown key.
  awaitable_outcome<std::vector<config_entry>> get_conf(std::vector<std::string> keys);
  // Sets all of `entries` at once, or none: an option given replaces all of its values
  // (give a multi-valued option once per value); a key without a value goes back to its
  // default. (Over the text protocol this is RESETCONF, whose meaning this is; Tor's
  // SETCONF would set a bare key to 0 or empty instead.)
  awaitable_outcome<done> set_conf(std::vector<config_entry> entries);
  // Restores the defaults of `keys`.
  awaitable_outcome<done> reset_conf(std::vector<std::string> keys);
  // Makes the server write its configuration file. `force` (text protocol) overwrites a
  // torrc that uses %include; TC has no such flag and ignores it.
  awaitable_outcome<done> save_conf(bool force = false);

  // ---- control ----
  // Fails with not_supported for a signal the protocol lacks (TC has the first five).
  awaitable_outcome<done> send_signal(client::signal s);
  // Maps `from` to `to`; `from` may be any_ipv4, any_ipv6 or any_hostname for an
  // address the server chooses. Returns the mapping made. Mapping an address to itself
  // removes its mapping. Any all-zero IPv6 spelling ("::0", "[::]") asks the server to
  // choose, as in TC (Tor itself allocates only for "::").
  awaitable_outcome<address_mapping> map_address(std::string from, std::string to);
  // Every current mapping (text: GETINFO address-mappings/all; TC: GETALLMAPPINGS).
  awaitable_outcome<std::vector<address_mapping>> get_mappings();
  // GETINFO; the text protocol only.
  awaitable_outcome<std::vector<info_value>> get_info(std::vector<std::string> keys);

  // ---- events ----
  // Subscribes to exactly these events (Tor's names: CIRC, STREAM, ORCONN, BW, NOTICE,
  // ...), replacing the previous list; empty: none. Over TC the names map to its five
  // codes (NOTICE, WARN and ERR all to its log event) and other names are not_supported.
  awaitable_outcome<done> set_events(std::vector<std::string> names);
  // The next event, waiting up to `timeout` (none: until one comes or the connection
  // is closed for good). One waiter at a time. While reconnecting it keeps waiting.
  awaitable_outcome<event> next_event(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Events the overflow policy dropped so far, and events queued now.
  std::uint64_t events_dropped() const noexcept;
  std::size_t events_queued() const noexcept;

  // ---- anything else ----
  // Sends one text-protocol command line (no CR, LF or NUL in it; CRLF is added) and
  // returns its reply, whatever its status. Text protocol only.
  awaitable_outcome<text::reply> raw(std::string command_line);
  // Sends one TC frame and returns the frames that answer it (a GETALLMAPPINGS is
  // answered by several). TC only.
  awaitable_outcome<std::vector<tc_frame>> raw_tc(std::uint16_t type,
                                                  std::vector<std::uint8_t> body);

  // The completion-token forms of the operations above.
  template <class Token>
  auto async_get_conf(std::vector<std::string> keys, Token&& token) {
    return run<std::vector<config_entry>>(
        [c = borrow(), k = std::move(keys)]() mutable { return c.get_conf(std::move(k)); },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_set_conf(std::vector<config_entry> entries, Token&& token) {
    return run<done>(
        [c = borrow(), e = std::move(entries)]() mutable { return c.set_conf(std::move(e)); },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_reset_conf(std::vector<std::string> keys, Token&& token) {
    return run<done>(
        [c = borrow(), k = std::move(keys)]() mutable { return c.reset_conf(std::move(k)); },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_save_conf(bool force, Token&& token) {
    return run<done>([c = borrow(), force]() mutable { return c.save_conf(force); },
                     std::forward<Token>(token));
  }
  template <class Token>
  auto async_send_signal(client::signal s, Token&& token) {
    return run<done>([c = borrow(), s]() mutable { return c.send_signal(s); },
                     std::forward<Token>(token));
  }
  template <class Token>
  auto async_map_address(std::string from, std::string to, Token&& token) {
    return run<address_mapping>(
        [c = borrow(), f = std::move(from), t = std::move(to)]() mutable {
          return c.map_address(std::move(f), std::move(t));
        },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_get_mappings(Token&& token) {
    return run<std::vector<address_mapping>>([c = borrow()]() mutable { return c.get_mappings(); },
                                             std::forward<Token>(token));
  }
  template <class Token>
  auto async_get_info(std::vector<std::string> keys, Token&& token) {
    return run<std::vector<info_value>>(
        [c = borrow(), k = std::move(keys)]() mutable { return c.get_info(std::move(k)); },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_set_events(std::vector<std::string> names, Token&& token) {
    return run<done>(
        [c = borrow(), n = std::move(names)]() mutable { return c.set_events(std::move(n)); },
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_next_event(std::optional<std::chrono::milliseconds> timeout, Token&& token) {
    return run<event>([c = borrow(), timeout]() mutable { return c.next_event(timeout); },
                      std::forward<Token>(token));
  }
  template <class Token>
  auto async_raw(std::string command_line, Token&& token) {
    return run<text::reply>(
        [c = borrow(), line = std::move(command_line)]() mutable { return c.raw(std::move(line)); },
        std::forward<Token>(token));
  }

  // Closes now: pending commands and a waiting next_event fail with not_connected, and
  // no reconnect follows.
  void close();

  client::protocol protocol() const noexcept;
  // The endpoint this connection reached.
  const endpoint& remote() const noexcept;
  executor_type get_executor() const noexcept;
  // For every command sent from now on.
  void set_command_timeout(std::chrono::milliseconds timeout) noexcept;
  // True until closed (while reconnecting too).
  bool is_open() const noexcept;

 private:
  explicit connection(std::shared_ptr<detail::link> l, bool owner = true) noexcept;
  // A handle that shares the link but does not close it when it goes away: what the
  // completion-token forms run their operation on, so that an operation stays valid when
  // the connection object is moved meanwhile. (The operations themselves hold the link.)
  connection borrow() const noexcept { return connection(link_, false); }
  template <class T, class Make, class Token>
  auto run(Make make, Token&& token) {
    return detail::async_run<outcome<T>>(get_executor(), std::move(make),
                                         std::forward<Token>(token));
  }

  std::shared_ptr<detail::link> link_;
  bool owner_ = true;
};

}  // namespace torctl::client
