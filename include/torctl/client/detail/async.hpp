// Internal: how the client's operations take any Asio completion token (a callback taking
// the result, asio::use_future, asio::use_awaitable, ...). An operation is started with a
// type-erased callback; the callback calls the caller's handler directly when the
// handler's associated executor is the operation's own, and otherwise hands the result
// over through that executor (keeping it busy until then). The handler's cancellation
// slot, if it has one, is passed along so that the operation can be cancelled.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/dispatch.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/prefer.hpp>
#include <type_traits>
#include <utility>

#include "torctl/client/detail/unique_function.hpp"

namespace torctl::client::detail {

// Called exactly once with the operation's result, on the connection's executor.
template <class R>
using completion = unique_function<void(R)>;

// `start(completion<R>, asio::cancellation_slot)` begins the operation.
template <class R, class Token, class Start>
auto async_start(const asio::any_io_executor& ex, Start start, Token&& token) {
  return asio::async_initiate<Token, void(R)>(
      [ex](auto handler, Start begin) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        // A handler on the operation's own executor (a coroutine or a callback of the
        // same event loop) is called directly. Completions are only ever called from
        // handlers running on that executor (the link posts those it cannot run there),
        // where asio::dispatch would call the handler inline too; and the operation's
        // own pending work (a read, a timer, a post) keeps that loop running until then.
        bool on_own_executor = false;
        if constexpr (std::is_same_v<decltype(asio::get_associated_executor(handler, ex)),
                                     asio::any_io_executor>) {
          on_own_executor = asio::get_associated_executor(handler, ex) == ex;
        }
        if (on_own_executor) {
          begin(completion<R>([handler = std::move(handler)](R outcome) mutable {
                  std::move(handler)(std::move(outcome));
                }),
                slot);
          return;
        }
        auto work = asio::prefer(asio::get_associated_executor(handler, ex),
                                 asio::execution::outstanding_work.tracked);
        begin(completion<R>([handler = std::move(handler), work](R outcome) mutable {
                asio::dispatch(
                    work, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                      std::move(handler)(std::move(outcome));
                    });
              }),
              slot);
      },
      token, std::move(start));
}

}  // namespace torctl::client::detail

#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>

namespace torctl::client::detail {

// For operations written as coroutines (opening a connection): runs `make()`, an
// asio::awaitable<R>, on `ex` and hands R to the handler the same way.
template <class R, class Token, class Make>
auto async_run(const asio::any_io_executor& ex, Make make, Token&& token) {
  return async_start<R>(
      ex,
      [ex, make = std::move(make)](completion<R> done, asio::cancellation_slot slot) mutable {
        asio::co_spawn(
            ex,
            [done = std::move(done), make = std::move(make)]() mutable -> asio::awaitable<void> {
              R outcome = co_await make();
              done(std::move(outcome));
            },
            asio::bind_cancellation_slot(slot, asio::detached));
      },
      std::forward<Token>(token));
}

}  // namespace torctl::client::detail
