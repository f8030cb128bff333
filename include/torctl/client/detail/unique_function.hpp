// Internal: a move-only std::function (C++23 has std::move_only_function; C++20 does
// not), for completion handlers, which Asio makes move-only. A callable of up to
// `InlineSize` octets that moves without throwing is kept inside the object; a larger one
// on the heap. Every command carries one or two of these from its call to its reply, so
// the common handlers (a coroutine's, a small callback) cost no allocation.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace torctl::client::detail {

template <class Signature, std::size_t InlineSize = 64>
class unique_function;

template <class R, class... Args, std::size_t InlineSize>
class unique_function<R(Args...), InlineSize> {
 private:
  template <class D>
  static constexpr bool fits_inline =
      sizeof(D) <= InlineSize &&
      alignof(D) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<D>;

 public:
  unique_function() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, unique_function>>>
  unique_function(F&& f) {  // NOLINT: implicit, as std::function's
    using D = std::decay_t<F>;
    if constexpr (fits_inline<D>) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &inline_ops<D>;
    } else {
      ::new (static_cast<void*>(storage_)) D*(new D(std::forward<F>(f)));
      ops_ = &heap_ops<D>;
    }
  }
  unique_function(unique_function&& other) noexcept { take(other); }
  unique_function& operator=(unique_function&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  unique_function(const unique_function&) = delete;
  unique_function& operator=(const unique_function&) = delete;
  ~unique_function() { reset(); }

  // Whether a callable of type F is kept inside the object (no allocation).
  template <class F>
  static constexpr bool stores_inline = fits_inline<std::decay_t<F>>;

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  // Calls the function, which must be set.
  R operator()(Args... args) { return ops_->call(storage_, std::forward<Args>(args)...); }

 private:
  struct ops {
    R (*call)(void* self, Args&&... args);
    void (*move)(void* from, void* to) noexcept;  // move-constructs `to`, destroys `from`
    void (*destroy)(void* self) noexcept;
  };

  template <class D>
  static constexpr ops inline_ops{
      [](void* self, Args&&... args) -> R {
        return (*static_cast<D*>(self))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept {
        ::new (to) D(std::move(*static_cast<D*>(from)));
        static_cast<D*>(from)->~D();
      },
      [](void* self) noexcept { static_cast<D*>(self)->~D(); },
  };

  template <class D>
  static constexpr ops heap_ops{
      [](void* self, Args&&... args) -> R {
        return (**static_cast<D**>(self))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept { ::new (to) D*(*static_cast<D**>(from)); },
      [](void* self) noexcept { delete *static_cast<D**>(self); },
  };

  void take(unique_function& other) noexcept {
    if (other.ops_ == nullptr) return;
    other.ops_->move(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() noexcept {
    if (ops_ != nullptr) std::exchange(ops_, nullptr)->destroy(storage_);
  }

  alignas(std::max_align_t) unsigned char storage_[InlineSize < sizeof(void*) ? sizeof(void*)
                                                                              : InlineSize];
  const ops* ops_ = nullptr;
};

}  // namespace torctl::client::detail
