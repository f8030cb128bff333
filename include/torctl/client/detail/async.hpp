// Internal: turns an operation written as a coroutine into an Asio asynchronous operation
// that takes any completion token (a callback, asio::use_future, asio::use_awaitable,
// ...). The handler is called with the operation's result<T, error>, through its own
// associated executor, and the handler's cancellation slot cancels the operation.
#pragma once

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <utility>

namespace torctl::client::detail {

// `make()` returns an asio::awaitable<R>; R is what the handler receives.
template <class R, class Token, class Make>
auto async_run(const asio::any_io_executor& ex, Make make, Token&& token) {
  return asio::async_initiate<Token, void(R)>(
      [ex](auto handler, Make op) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        // Keeps the handler's executor busy (an io_context would otherwise return from
        // run()) until the handler has been called.
        auto work = asio::prefer(asio::get_associated_executor(handler, ex),
                                 asio::execution::outstanding_work.tracked);
        asio::co_spawn(
            ex,
            [handler = std::move(handler), op = std::move(op),
             work = std::move(work)]() mutable -> asio::awaitable<void> {
              R outcome = co_await op();
              asio::post(work,
                         [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                           std::move(handler)(std::move(outcome));
                         });
            },
            asio::bind_cancellation_slot(slot, asio::detached));
      },
      token, std::move(make));
}

}  // namespace torctl::client::detail
