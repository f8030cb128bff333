// Internal: a first-in first-out queue in one circular array (the link's pending
// commands). Unlike std::deque it allocates only when it grows, however large its
// elements, so a queue that stays short never allocates again; growing moves the
// elements, so callers keep indices or ids, never addresses, across a push. Slots hold
// an element only while it is queued: growing moves the live ones and constructs nothing
// else. An emptied queue keeps up to max_kept_slots slots for the next commands and frees
// a larger array.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace torctl::client::detail {

template <class T>
class ring {
  static_assert(std::is_nothrow_move_constructible_v<T>, "growing must not throw midway");

 public:
  ring() = default;
  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;
  ~ring() { clear(); }

  bool empty() const noexcept { return count_ == 0; }
  std::size_t size() const noexcept { return count_; }

  // The i-th element from the front; i < size().
  T& operator[](std::size_t i) noexcept { return *slot(i); }
  T& front() noexcept { return *slot(0); }

  // A value-initialized element at the back.
  T& emplace_back() {
    if (count_ == capacity_) grow();
    T* at = ::new (static_cast<void*>(slot(count_))) T();
    ++count_;
    return *at;
  }
  // Drops the front element, destroying it. An emptied queue that grew past
  // max_kept_slots frees its array.
  void pop_front() noexcept {
    slot(0)->~T();
    head_ = (head_ + 1) & (capacity_ - 1);
    if (--count_ == 0 && capacity_ > max_kept_slots) release();
  }
  void swap(ring& other) noexcept {
    std::swap(slots_, other.slots_);
    std::swap(capacity_, other.capacity_);
    std::swap(head_, other.head_);
    std::swap(count_, other.count_);
  }

 private:
  struct alignas(T) storage {
    unsigned char octets[sizeof(T)];
  };

  T* slot(std::size_t i) noexcept {
    return std::launder(reinterpret_cast<T*>(&slots_[(head_ + i) & (capacity_ - 1)]));
  }
  void grow() {
    const std::size_t bigger = capacity_ == 0 ? first_slots : 2 * capacity_;
    auto fresh = std::make_unique_for_overwrite<storage[]>(bigger);  // not zeroed
    for (std::size_t i = 0; i < count_; ++i) {
      T* from = slot(i);
      ::new (static_cast<void*>(&fresh[i])) T(std::move(*from));
      from->~T();
    }
    slots_ = std::move(fresh);
    capacity_ = bigger;
    head_ = 0;
  }
  void clear() noexcept {
    while (count_ > 0) pop_front();
    release();
  }
  void release() noexcept {
    slots_.reset();
    capacity_ = 0;
    head_ = 0;
  }

  static constexpr std::size_t first_slots = 8;  // a power of two, as every size after it
  static constexpr std::size_t max_kept_slots = 256;
  std::unique_ptr<storage[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace torctl::client::detail
