// Internal: a first-in first-out queue in one circular array (the link's pending
// commands). Unlike std::deque it allocates only when it grows, however large its
// elements, so a queue that stays short never allocates again; growing moves the
// elements, so callers keep indices or ids, never addresses, across a push. An emptied
// queue keeps up to max_kept_slots slots for the next commands and frees a larger array.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace torctl::client::detail {

template <class T>
class ring {
 public:
  bool empty() const noexcept { return count_ == 0; }
  std::size_t size() const noexcept { return count_; }

  // The i-th element from the front; i < size().
  T& operator[](std::size_t i) noexcept { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  T& front() noexcept { return (*this)[0]; }

  // A default-constructed element at the back.
  T& emplace_back() {
    if (count_ == slots_.size()) grow();
    ++count_;
    return (*this)[count_ - 1];
  }
  // Drops the front element (its slot is reset, releasing what it held). An emptied
  // queue that grew past max_kept_slots frees its array.
  void pop_front() {
    front() = T{};
    head_ = (head_ + 1) & (slots_.size() - 1);
    if (--count_ == 0 && slots_.size() > max_kept_slots) *this = ring();
  }
  void swap(ring& other) noexcept {
    slots_.swap(other.slots_);
    std::swap(head_, other.head_);
    std::swap(count_, other.count_);
  }

 private:
  void grow() {
    std::vector<T> bigger(slots_.empty() ? first_slots : 2 * slots_.size());
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move((*this)[i]);
    slots_.swap(bigger);
    head_ = 0;
  }

  static constexpr std::size_t first_slots = 8;  // a power of two, as every size after it
  static constexpr std::size_t max_kept_slots = 256;
  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace torctl::client::detail
