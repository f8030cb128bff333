// A sequence of list elements from a TC body: SETCONF and CONFVALUE lines, GETCONF keys,
// SETEVENTS codes.
#pragma once

#include <cstddef>
#include <iterator>
#include <span>
#include <type_traits>

#include "torctl/tc/bytes.hpp"

namespace torctl::tc {

// A list is one of two things, and iterates the same either way:
//   - decoded: a view of wire bytes that the decoder has already validated, read one
//     element at a time as you iterate (decoding allocates nothing);
//   - built: a view of the caller's own elements, to encode.
// It owns nothing: the wire bytes or the caller's elements must outlive it.
//
// `Grammar` supplies `element` and `static void next(bytes_view& rest, element& out)`,
// which reads the next element from validated bytes and advances `rest` past it.
template <class Grammar>
class wire_list {
 public:
  using element = typename Grammar::element;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = element;
    using difference_type = std::ptrdiff_t;
    using reference = const element&;
    using pointer = const element*;

    iterator() = default;
    reference operator*() const { return current_; }
    pointer operator->() const { return &current_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      advance();
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) {
      return a.remaining_ == b.remaining_;
    }

   private:
    friend class wire_list;
    iterator(const wire_list* list, std::size_t remaining)
        : list_(list), remaining_(remaining), rest_(list->wire_) {
      if (remaining_ > 0) load();
    }
    void advance() {
      if (--remaining_ > 0) load();
    }
    void load() {
      if (list_->built_) {
        current_ = list_->items_[list_->items_.size() - remaining_];
      } else {
        Grammar::next(rest_, current_);
      }
    }

    const wire_list* list_ = nullptr;
    std::size_t remaining_ = 0;
    bytes_view rest_;
    element current_{};
  };

  wire_list() = default;
  // A list to encode, viewing the caller's elements.
  wire_list(std::span<const element> items) noexcept
      : items_(items), count_(items.size()), built_(true) {}
  // The same for any contiguous container of elements (a std::vector, an array). Only
  // for containers that outlive the list: temporaries are refused at compile time.
  template <class Container>
  requires std::is_convertible_v<const Container&, std::span<const element>> wire_list(
      const Container& items)
  noexcept : wire_list(std::span<const element>(items)) {}
  template <class Container>
  requires(!std::is_lvalue_reference_v<Container> &&
           std::is_convertible_v<const Container&, std::span<const element>>)
      wire_list(Container&& items)
  = delete;

  // A view of bytes that Grammar's validation accepted with `count` elements. Used by
  // the decoder; calling it with anything else is a bug.
  static wire_list from_validated(bytes_view wire, std::size_t count) noexcept {
    wire_list list;
    list.wire_ = wire;
    list.count_ = count;
    return list;
  }

  iterator begin() const { return iterator(this, count_); }
  iterator end() const { return iterator(); }
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

  friend bool operator==(const wire_list& a, const wire_list& b) {
    if (a.count_ != b.count_) return false;
    auto i = a.begin();
    for (const element& e : b) {
      if (!(*i == e)) return false;
      ++i;
    }
    return true;
  }

 private:
  bytes_view wire_;
  std::span<const element> items_;
  std::size_t count_ = 0;
  bool built_ = false;
};

}  // namespace torctl::tc
