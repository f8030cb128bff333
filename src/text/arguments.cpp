#include "torctl/text/arguments.hpp"

#include <array>
#include <cstring>

#include "torctl/text/keyvalue.hpp"

namespace torctl::text {

namespace {

constexpr std::array<bool, 256> keyword_octets = [] {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  table['_'] = true;
  return table;
}();

}  // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_keyword(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!keyword_octets[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

std::string unescape(std::string_view inside) {
  if (inside.find('\\') == std::string_view::npos) return std::string(inside);
  // read_quoted wants the quotes; escapes never hide a closing quote here, since the
  // argument reader already found it.
  std::string quoted;
  quoted.reserve(inside.size() + 2);
  quoted.push_back('"');
  quoted.append(inside);
  quoted.push_back('"');
  std::string_view view = quoted;
  std::optional<std::string> out = read_quoted(view);
  return out ? std::move(*out) : std::string(inside);
}

std::string argument::decoded() const {
  return quoted ? unescape(value) : std::string(value);
}

namespace {

// Index of the quote closing a quoted string that opens at `open`, or npos.
std::size_t closing_quote(std::string_view s, std::size_t open) noexcept {
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped octet cannot close the string
    } else if (s[i] == '"') {
      return i;
    }
  }
  return std::string_view::npos;
}

std::size_t find_in(std::string_view s, char c, std::size_t from, std::size_t to) noexcept {
  const void* hit = std::memchr(s.data() + from, c, to - from);
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
}

}  // namespace

// The end of the argument at the start of rest_: the first space outside quotes; npos
// for an unterminated quoted string. Arguments rarely hold quotes, so the position of
// the next quote in the line is found once and kept: the common case is one memchr.
std::size_t argument_reader::argument_end() noexcept {
  const std::string_view s = rest_;
  if (quote_ == unknown) quote_ = find_in(s, '"', 0, s.size());
  std::size_t from = 0;
  for (;;) {
    const std::size_t space = find_in(s, ' ', from, s.size());
    const std::size_t stop = space == std::string_view::npos ? s.size() : space;
    if (quote_ == std::string_view::npos || quote_ >= stop) return stop;
    const std::size_t close = closing_quote(s, quote_);
    if (close == std::string_view::npos) return std::string_view::npos;
    from = close + 1;
    quote_ = find_in(s, '"', from, s.size());
  }
}

bool argument_reader::next(argument& out) noexcept {
  if (done_ || failed_) return false;
  out = argument{};
  const std::size_t end = argument_end();
  if (end == std::string_view::npos) {
    failed_ = true;
    return false;
  }
  out.text = rest_.substr(0, end);
  if (end == rest_.size()) {
    done_ = true;
    rest_ = {};
  } else {
    rest_.remove_prefix(end + 1);
    if (quote_ != std::string_view::npos) quote_ -= end + 1;  // a later quote: still ahead
  }
  // KEYWORD=value when what precedes the first '=' is keyword-shaped (so no quote).
  const std::size_t equals = out.text.find('=');
  if (equals != std::string_view::npos && is_keyword(out.text.substr(0, equals))) {
    out.key = out.text.substr(0, equals);
    out.value = out.text.substr(equals + 1);
  } else {
    out.value = out.text;
  }
  if (out.value.size() >= 2 && out.value.front() == '"' && out.value.back() == '"') {
    out.value = out.value.substr(1, out.value.size() - 2);
    out.quoted = true;
  }
  return true;
}

std::optional<argument> argument_reader::next() noexcept {
  argument out;
  if (!next(out)) return std::nullopt;
  return out;
}

}  // namespace torctl::text
