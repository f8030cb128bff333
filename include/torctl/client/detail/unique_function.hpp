// Internal: a move-only std::function (C++23 has std::move_only_function; C++20 does
// not), for completion handlers, which Asio makes move-only.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace torctl::client::detail {

template <class Signature>
class unique_function;

template <class R, class... Args>
class unique_function<R(Args...)> {
 public:
  unique_function() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, unique_function>>>
  unique_function(F&& f) : impl_(std::make_unique<model<std::decay_t<F>>>(std::forward<F>(f))) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }
  // Calls the function, which must be set.
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

 private:
  struct concept_base {
    virtual ~concept_base() = default;
    virtual R call(Args... args) = 0;
  };
  template <class F>
  struct model final : concept_base {
    explicit model(F&& f) : fn(std::move(f)) {}
    explicit model(const F& f) : fn(f) {}
    R call(Args... args) override { return fn(std::forward<Args>(args)...); }
    F fn;
  };
  std::unique_ptr<concept_base> impl_;
};

}  // namespace torctl::client::detail
