// A controller's connection to a control port: Tor's own (text protocol) or a TC server
// such as torctld. Asynchronous, on Asio.
//
// Every operation comes in two forms:
//   - an Asio asynchronous operation, `c.async_get_conf(keys, token)`, for any completion
//     token: a callback taking result<T, error>, asio::use_future, asio::use_awaitable,
//     or one bound to a cancellation slot (asio::bind_cancellation_slot) to cancel it;
//   - a coroutine, `co_await c.get_conf({"SocksPort"})`, returning
//     asio::awaitable<result<T, error>> (the first form with asio::use_awaitable).
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
#include "torctl/client/detail/unique_function.hpp"
#include "torctl/client/error.hpp"
#include "torctl/client/event.hpp"
#include "torctl/client/options.hpp"
#include "torctl/client/types.hpp"
#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::client {

template <class T>
using outcome = result<T, error>;
template <class T>
using awaitable_outcome = asio::awaitable<outcome<T>>;

namespace detail {
class link;
using link_ptr = std::shared_ptr<link>;
template <class T>
using done_fn = completion<outcome<T>>;
using slot_type = asio::cancellation_slot;
// One starter per operation (connection.cpp). Each completes `done` exactly once, later,
// on `ex`; a null link means a closed (or moved-from) connection.
void start_get_conf(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<std::string> keys, done_fn<std::vector<config_entry>> done,
                    slot_type slot);
void start_set_conf(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<config_entry> entries, done_fn<client::done> done, slot_type slot);
void start_save_conf(const asio::any_io_executor& ex, const link_ptr& l, bool force,
                     done_fn<client::done> done, slot_type slot);
void start_signal(const asio::any_io_executor& ex, const link_ptr& l, client::signal s,
                  done_fn<client::done> done, slot_type slot);
void start_map_address(const asio::any_io_executor& ex, const link_ptr& l, std::string from,
                       std::string to, done_fn<address_mapping> done, slot_type slot);
void start_get_mappings(const asio::any_io_executor& ex, const link_ptr& l,
                        done_fn<std::vector<address_mapping>> done, slot_type slot);
void start_get_info(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<std::string> keys, done_fn<std::vector<info_value>> done,
                    slot_type slot);
void start_set_events(const asio::any_io_executor& ex, const link_ptr& l,
                      std::vector<std::string> names, done_fn<client::done> done, slot_type slot);
void start_next_event(const asio::any_io_executor& ex, const link_ptr& l,
                      std::optional<std::chrono::milliseconds> timeout, done_fn<event> done,
                      slot_type slot);
void start_raw(const asio::any_io_executor& ex, const link_ptr& l, std::string command_line,
               done_fn<text::reply> done, slot_type slot);
void start_raw_tc(const asio::any_io_executor& ex, const link_ptr& l, std::uint16_t type,
                  std::vector<std::uint8_t> body, done_fn<std::vector<tc_frame>> done,
                  slot_type slot);
}  // namespace detail

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
  template <class Token>
  auto async_get_conf(std::vector<std::string> keys, Token&& token) {
    return start<std::vector<config_entry>>(
        [k = std::move(keys)](auto& ex, auto& l, auto done, auto slot) mutable {
          detail::start_get_conf(ex, l, std::move(k), std::move(done), slot);
        },
        std::forward<Token>(token));
  }
  // Sets all of `entries` at once, or none: an option given replaces all of its values
  // (give a multi-valued option once per value); a key without a value goes back to its
  // default. (Over the text protocol this is RESETCONF, whose meaning this is; Tor's
  // SETCONF would set a bare key to 0 or empty instead.)
  template <class Token>
  auto async_set_conf(std::vector<config_entry> entries, Token&& token) {
    return start<done>(
        [e = std::move(entries)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_set_conf(ex, l, std::move(e), std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // Restores the defaults of `keys`.
  template <class Token>
  auto async_reset_conf(std::vector<std::string> keys, Token&& token) {
    std::vector<config_entry> entries;
    entries.reserve(keys.size());
    for (std::string& k : keys) entries.push_back({std::move(k), std::nullopt});
    return async_set_conf(std::move(entries), std::forward<Token>(token));
  }
  // Makes the server write its configuration file. `force` (text protocol) overwrites a
  // torrc that uses %include; TC has no such flag and ignores it.
  template <class Token>
  auto async_save_conf(bool force, Token&& token) {
    return start<done>(
        [force](auto& ex, auto& l, auto d, auto slot) {
          detail::start_save_conf(ex, l, force, std::move(d), slot);
        },
        std::forward<Token>(token));
  }

  // ---- control ----
  // Fails with not_supported for a signal the protocol lacks (TC has the first five).
  template <class Token>
  auto async_send_signal(client::signal s, Token&& token) {
    return start<done>([s](auto& ex, auto& l, auto d,
                           auto slot) { detail::start_signal(ex, l, s, std::move(d), slot); },
                       std::forward<Token>(token));
  }
  // Maps `from` to `to`; `from` may be any_ipv4, any_ipv6 or any_hostname for an
  // address the server chooses. Returns the mapping made. Mapping an address to itself
  // removes its mapping. Any all-zero IPv6 spelling ("::0", "[::]") asks the server to
  // choose, as in TC (Tor itself allocates only for "::").
  template <class Token>
  auto async_map_address(std::string from, std::string to, Token&& token) {
    return start<address_mapping>(
        [f = std::move(from), t = std::move(to)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_map_address(ex, l, std::move(f), std::move(t), std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // Every current mapping (text: GETINFO address-mappings/all; TC: GETALLMAPPINGS).
  template <class Token>
  auto async_get_mappings(Token&& token) {
    return start<std::vector<address_mapping>>(
        [](auto& ex, auto& l, auto d, auto slot) {
          detail::start_get_mappings(ex, l, std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // GETINFO; the text protocol only.
  template <class Token>
  auto async_get_info(std::vector<std::string> keys, Token&& token) {
    return start<std::vector<info_value>>(
        [k = std::move(keys)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_get_info(ex, l, std::move(k), std::move(d), slot);
        },
        std::forward<Token>(token));
  }

  // ---- events ----
  // Subscribes to exactly these events (Tor's names: CIRC, STREAM, ORCONN, BW, NOTICE,
  // ...), replacing the previous list; empty: none. Over TC the names map to its five
  // codes (NOTICE, WARN and ERR all to its log event) and other names are not_supported.
  template <class Token>
  auto async_set_events(std::vector<std::string> names, Token&& token) {
    return start<done>(
        [n = std::move(names)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_set_events(ex, l, std::move(n), std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // The next event, waiting up to `timeout` (none: until one comes or the connection
  // is closed for good). One waiter at a time. While reconnecting it keeps waiting.
  template <class Token>
  auto async_next_event(std::optional<std::chrono::milliseconds> timeout, Token&& token) {
    return start<event>(
        [timeout](auto& ex, auto& l, auto d, auto slot) {
          detail::start_next_event(ex, l, timeout, std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // Events the overflow policy dropped so far, and events queued now.
  std::uint64_t events_dropped() const noexcept;
  std::size_t events_queued() const noexcept;

  // ---- anything else ----
  // Sends one text-protocol command line (no CR, LF or NUL in it; CRLF is added) and
  // returns its reply, whatever its status. Text protocol only.
  template <class Token>
  auto async_raw(std::string command_line, Token&& token) {
    return start<text::reply>(
        [c = std::move(command_line)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_raw(ex, l, std::move(c), std::move(d), slot);
        },
        std::forward<Token>(token));
  }
  // Sends one TC frame and returns the frames that answer it (a GETALLMAPPINGS is
  // answered by several). TC only.
  template <class Token>
  auto async_raw_tc(std::uint16_t type, std::vector<std::uint8_t> body, Token&& token) {
    return start<std::vector<tc_frame>>(
        [type, b = std::move(body)](auto& ex, auto& l, auto d, auto slot) mutable {
          detail::start_raw_tc(ex, l, type, std::move(b), std::move(d), slot);
        },
        std::forward<Token>(token));
  }

  // The coroutine forms of the operations above.
  awaitable_outcome<std::vector<config_entry>> get_conf(std::vector<std::string> keys);
  awaitable_outcome<done> set_conf(std::vector<config_entry> entries);
  awaitable_outcome<done> reset_conf(std::vector<std::string> keys);
  awaitable_outcome<done> save_conf(bool force = false);
  awaitable_outcome<done> send_signal(client::signal s);
  awaitable_outcome<address_mapping> map_address(std::string from, std::string to);
  awaitable_outcome<std::vector<address_mapping>> get_mappings();
  awaitable_outcome<std::vector<info_value>> get_info(std::vector<std::string> keys);
  awaitable_outcome<done> set_events(std::vector<std::string> names);
  awaitable_outcome<event> next_event(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  awaitable_outcome<text::reply> raw(std::string command_line);
  awaitable_outcome<std::vector<tc_frame>> raw_tc(std::uint16_t type,
                                                  std::vector<std::uint8_t> body);

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
  explicit connection(std::shared_ptr<detail::link> l) noexcept;
  // Starts an operation on this connection's link; the operation holds the link, not
  // `this`, so it stays valid when the connection object is moved meanwhile.
  template <class T, class Start, class Token>
  auto start(Start s, Token&& token) {
    return detail::async_start<outcome<T>>(
        executor_,
        [ex = executor_, l = link_, s = std::move(s)](detail::done_fn<T> d,
                                                      asio::cancellation_slot slot) mutable {
          s(ex, l, std::move(d), slot);
        },
        std::forward<Token>(token));
  }

  asio::any_io_executor executor_;
  std::shared_ptr<detail::link> link_;
};

}  // namespace torctl::client
