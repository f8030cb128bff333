// A value or an error, for APIs that must not throw (C++20 has no std::expected).
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace torctl {

// Wraps an error so that result<T, E> can be built from it without ambiguity:
//   return failure{decode_error{...}};
template <class E>
struct failure {
  E error;
};
template <class E>
failure(E) -> failure<E>;

// Holds either a T (success) or an E (failure). Reading the wrong side is a bug in the
// caller and asserts; peer input can never cause it.
template <class T, class E>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class F>
  result(failure<F> f) : state_(std::in_place_index<1>, E(std::move(f.error))) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  const T& value() const& {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    assert(has_value());
    return std::move(*std::get_if<0>(&state_));
  }
  const E& error() const {
    assert(!has_value());
    return *std::get_if<1>(&state_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> state_;
};

}  // namespace torctl
