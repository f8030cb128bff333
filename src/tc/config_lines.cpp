#include "torctl/tc/config_lines.hpp"

#include <atomic>
#include <bit>
#include <cstring>

#include "scan.hpp"

namespace torctl::tc {

namespace {

using scan::find_newline;

// SETCONF and GETCONF bodies are a few short lines; CONFVALUE bodies can be 64 KB.
constexpr bool short_lines = false;
constexpr bool long_body = true;

constexpr bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t';
}

const char* skip_blanks(const char* p, const char* end) noexcept {
  while (p != end && is_blank(*p)) ++p;
  return p;
}

// If [p, end) starts with a line end (NL, CR NL, a CR that ends the body, or the end of
// the body), moves p past it and returns true.
bool take_line_end(const char*& p, const char* end) noexcept {
  if (p == end) return true;
  if (*p == '\n') {
    ++p;
    return true;
  }
  if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
    p += p + 1 == end ? 1 : 2;
    return true;
  }
  return false;
}

// ---- the torrc-like grammar of SETCONF and GETCONF ----

enum class line_kind : std::uint8_t { entry, blank, bad_key, bad_value, blank_in_key };

// Reads one line starting at p and moves p past it. With `keys_only` (GETCONF) nothing
// may follow the key but blanks.
line_kind read_torrc_line(const char*& p, const char* end, bool keys_only,
                          config_entry& out) noexcept {
  p = skip_blanks(p, end);
  if (take_line_end(p, end)) return line_kind::blank;
  const char* key = p;
  p += scan::key_length<short_lines>(p, end);
  if (p == key) return line_kind::bad_key;
  out = {std::string_view(key, static_cast<std::size_t>(p - key)), std::nullopt};
  const char* value = skip_blanks(p, end);
  if (value == p) return take_line_end(p, end) ? line_kind::entry : line_kind::bad_key;
  p = value;
  if (take_line_end(p, end)) return line_kind::entry;
  if (keys_only) return line_kind::blank_in_key;

  const char* stop = scan::find_stop<short_lines>(value, end);
  p = stop;
  if (!take_line_end(p, end)) return line_kind::bad_value;  // a NUL, or a CR inside
  while (is_blank(stop[-1])) --stop;  // the value starts with a non-blank, so this ends
  out.value = std::string_view(value, static_cast<std::size_t>(stop - value));
  return line_kind::entry;
}

decode_error torrc_error(line_kind kind, bool keys_only) noexcept {
  switch (kind) {
    case line_kind::bad_value:
      return {error_code::syntax, "SETCONF value holds a NUL or a CR before its line end"};
    case line_kind::blank_in_key: return {error_code::syntax, "GETCONF key holds a blank"};
    default:
      return {error_code::syntax, keys_only ? "GETCONF key holds a control or non-ASCII octet"
                                            : "SETCONF key holds a control or non-ASCII octet"};
  }
}

result<std::size_t, decode_error> validate_torrc(bytes_view body, bool keys_only) noexcept {
  const char* p = reinterpret_cast<const char*>(body.data());
  const char* end = p + body.size();
  std::size_t count = 0;
  config_entry entry;
  while (p != end) {
    const line_kind kind = read_torrc_line(p, end, keys_only, entry);
    if (kind == line_kind::entry) {
      ++count;
    } else if (kind != line_kind::blank) {
      return failure{torrc_error(kind, keys_only)};
    }
  }
  return count;
}

// Reads the next entry of a validated torrc-like body, skipping blank lines.
config_entry next_torrc_entry(bytes_view& rest, bool keys_only) noexcept {
  const char* p = reinterpret_cast<const char*>(rest.data());
  const char* end = p + rest.size();
  config_entry entry;
  while (read_torrc_line(p, end, keys_only, entry) != line_kind::entry) {
  }
  rest = rest.subspan(rest.size() - static_cast<std::size_t>(end - p));
  return entry;
}

// ---- the exact grammar of CONFVALUE ----

// Reads the entry of a validated CONFVALUE line starting at p and moves p past the line.
void read_confvalue_entry(const char*& p, const char* end, config_entry& out) noexcept {
  const char* key = p;
  p += scan::key_length<long_body>(p, end);
  out = {std::string_view(key, static_cast<std::size_t>(p - key)), std::nullopt};
  if (p == end) return;
  if (*p++ == '\n') return;
  const char* nl = find_newline(p, end);  // p is past the space: the value starts here
  out.value = std::string_view(p, static_cast<std::size_t>(nl - p));
  p = nl == end ? end : nl + 1;
}

// ---- encoding ----

encode_error invalid(std::string_view reason) noexcept {
  return {encode_errc::invalid_field, reason};
}

constexpr std::string_view bad_key_reason =
    "configuration key is empty or holds a blank, control or non-ASCII octet";

std::uint8_t* write_entry(const config_entry& e, std::uint8_t* out) noexcept {
  std::memcpy(out, e.key.data(), e.key.size());
  out += e.key.size();
  if (e.value) {
    *out++ = ' ';
    if (!e.value->empty()) std::memcpy(out, e.value->data(), e.value->size());
    out += e.value->size();
  }
  *out++ = '\n';
  return out;
}

}  // namespace

bool is_valid_key(std::string_view key) noexcept {
  return !key.empty() &&
         scan::key_length<short_lines>(key.data(), key.data() + key.size()) == key.size();
}

bool is_valid_setconf_value(std::string_view value) noexcept {
  const char* end = value.data() + value.size();
  return scan::find_stop<short_lines>(value.data(), end) == end;
}

bool is_valid_confvalue_value(std::string_view value) noexcept {
  return value.find('\n') == std::string_view::npos;
}

// ---- SETCONF ----

result<std::size_t, decode_error> setconf_grammar::validate(bytes_view body) noexcept {
  return validate_torrc(body, false);
}

void setconf_grammar::next(bytes_view& rest, element& out) noexcept {
  out = next_torrc_entry(rest, false);
}

result<std::size_t, encode_error> setconf_grammar::measure(const element& e) noexcept {
  if (!is_valid_key(e.key)) return failure{invalid(bad_key_reason)};
  if (!e.value) return e.key.size() + 1;
  const std::string_view v = *e.value;
  if (v.empty()) {
    return failure{invalid("empty SETCONF value: leave the value out to restore the default")};
  }
  if (!is_valid_setconf_value(v)) {
    return failure{invalid("SETCONF value holds a NUL, CR or NL octet")};
  }
  if (is_blank(v.front()) || is_blank(v.back())) {
    return failure{invalid("SETCONF value starts or ends with a blank, which Tor would drop")};
  }
  return e.key.size() + 1 + v.size() + 1;
}

std::uint8_t* setconf_grammar::write(const element& e, std::uint8_t* out) noexcept {
  return write_entry(e, out);
}

// ---- CONFVALUE ----
//
// This is on the path of every GETCONF answer, which can be 64 KB of short lines, so it
// only finds line starts and checks the key at each; next() builds entries while
// iterating. Walking from one line to the next makes every step wait for the previous
// NL search; with SSE2, the NLs of a whole 64-octet block are found first, and the key
// checks of its lines, which no longer depend on each other, overlap in the processor.

namespace {

constexpr std::string_view confvalue_bad_key = "CONFVALUE key holds a control or non-ASCII octet";

// Checks the line that starts at p: a non-empty key, then a space, an NL or the end.
bool confvalue_line_ok(const char* p, const char* end, std::string_view& reason) noexcept {
  const char* key_end = p + scan::key_length<long_body>(p, end);
  if (key_end == p) {
    reason = *p == ' ' || *p == '\n' ? "CONFVALUE line has an empty key" : confvalue_bad_key;
    return false;
  }
  if (key_end == end || *key_end == ' ' || *key_end == '\n') return true;
  reason = confvalue_bad_key;
  return false;
}

// SSE2 blocks (where there is SSE2), then a line at a time. Gives the reason for a
// malformed body.
result<std::size_t, decode_error> validate_confvalue_lines(bytes_view body) noexcept {
  const char* const begin = reinterpret_cast<const char*>(body.data());
  const char* const end = begin + body.size();
  const char* p = begin;  // the start of the next line not yet checked
  std::size_t count = 0;
  std::string_view reason;
#ifdef TORCTL_SCAN_SSE2
  // Blocks of 64 octets: a line starts at the body's start and after every NL.
  bool start_here = true;  // a line starts at the first octet of the next block
  const char* block = begin;
  while (end - block >= 64) {
    const std::uint64_t nl = scan::newline_mask64(block);
    std::uint64_t starts = (nl << 1) | (start_here ? 1 : 0);
    start_here = (nl >> 63) != 0;
    for (; starts != 0; starts &= starts - 1) {
      const char* line = block + std::countr_zero(starts);
      if (!confvalue_line_ok(line, end, reason)) {
        return failure{decode_error{error_code::syntax, reason}};
      }
      ++count;
    }
    if (nl != 0) {
      block += 64;
      continue;
    }
    // Inside a long value: memchr skips to the block that holds the next NL (no line
    // starts at that block's first octet, since the octet before it is not an NL).
    const void* next = std::memchr(block + 64, '\n', static_cast<std::size_t>(end - block - 64));
    const auto distance = next == nullptr
                              ? static_cast<std::size_t>(end - block)
                              : static_cast<std::size_t>(static_cast<const char*>(next) - block);
    block += distance / 64 * 64;
  }
  // The tail: resume after the last NL of the blocks, one line at a time.
  if (block != begin) {
    if (start_here) {
      p = block;
    } else {
      const char* nl = find_newline(block, end);  // ends the line begun in the blocks
      p = nl == end ? end : nl + 1;
    }
  }
#endif
  while (p != end) {
    if (!confvalue_line_ok(p, end, reason)) {
      return failure{decode_error{error_code::syntax, reason}};
    }
    ++count;
    const char* nl = find_newline(p, end);
    p = nl == end ? end : nl + 1;
  }
  return count;
}

#ifdef TORCTL_SCAN_AVX512
// With AVX-512BW a 64-octet block is checked whole, without a loop over its lines: one
// compare per octet class gives masks of NLs, of terminators (space or NL) and of octets
// no key may hold. A key runs from a line start to the next terminator, and subtracting
// the line-start bits from the terminator bits sets exactly the bits of every such run
// at once (each start borrows from its own terminator; runs never overlap, so no borrow
// crosses from one into the next). A run that reaches the end of the block continues in
// the next one (`in_key`), up to that block's first terminator. Blocks that hold no NL
// and end inside a value are skipped with memchr, as in the SSE2 path. Errors are only
// collected here: a malformed body is read again by validate_confvalue_lines for its
// reason.
__attribute__((target("avx512bw"))) result<std::size_t, decode_error> validate_confvalue_avx512(
    bytes_view body) noexcept {
  const char* const begin = reinterpret_cast<const char*>(body.data());
  const char* const end = begin + body.size();
  const __m512i nl = _mm512_set1_epi8('\n');
  const __m512i space = _mm512_set1_epi8(' ');
  const __m512i lowest_key = _mm512_set1_epi8(0x21);
  const __m512i del = _mm512_set1_epi8(0x7F);
  std::uint64_t errors = 0;
  std::uint64_t start_here = 1;  // a line starts at the first octet of the next block
  std::uint64_t in_key = 0;      // the previous block ended inside a key
  std::size_t count = 0;
  const char* block = begin;
  while (end - block >= 64) {
    const __m512i v = _mm512_loadu_si512(block);
    const std::uint64_t n = _mm512_cmpeq_epi8_mask(v, nl);
    const std::uint64_t t = n | _mm512_cmpeq_epi8_mask(v, space);
    // Signed compare: octets from 0x80 up are negative, so "below 0x21" catches them too.
    const std::uint64_t bad =
        (_mm512_cmplt_epi8_mask(v, lowest_key) | _mm512_cmpeq_epi8_mask(v, del)) & ~t;
    const std::uint64_t starts = (n << 1) | start_here;
    const std::uint64_t keys = (t - starts) & ~t;
    // A key carried over from the last block runs up to the first terminator (the whole
    // block if there is none). Kept out of the subtraction, so that the only work each
    // block waits on from the one before is the `in_key` update below.
    const std::uint64_t carried = (0 - in_key) & ((t & (0 - t)) - 1);
    errors |= (starts & t) | ((keys | carried) & bad);  // an empty key, or a bad key octet
    count += static_cast<std::size_t>(std::popcount(starts));
    start_here = n >> 63;
    in_key = (keys >> 63) | (in_key & static_cast<std::uint64_t>(t == 0));
    block += 64;
    if (n != 0 || in_key != 0 || end - block < 64) continue;
    // Inside a long value: go to the block that holds the next NL (no line starts at its
    // first octet, since the octet before it is not an NL).
    const void* next = std::memchr(block, '\n', static_cast<std::size_t>(end - block));
    const auto distance = next == nullptr
                              ? static_cast<std::size_t>(end - block)
                              : static_cast<std::size_t>(static_cast<const char*>(next) - block);
    block += distance / 64 * 64;
  }
  if (errors != 0) return validate_confvalue_lines(body);
  // The tail, a line at a time: first the rest of a key begun in the last block, then the
  // rest of the line begun there.
  const char* p = block;
  if (block != begin && start_here == 0) {
    if (in_key != 0) {
      const char* key_end = p + scan::key_length<long_body>(p, end);
      if (key_end != end && *key_end != ' ' && *key_end != '\n') {
        return validate_confvalue_lines(body);
      }
      p = key_end;
    }
    const char* line_end = find_newline(p, end);
    p = line_end == end ? end : line_end + 1;
  }
  std::string_view reason;
  for (; p != end; ++count) {
    if (!confvalue_line_ok(p, end, reason)) return validate_confvalue_lines(body);
    const char* line_end = find_newline(p, end);
    p = line_end == end ? end : line_end + 1;
  }
  return count;
}

bool avx512_available() noexcept {
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bw") != 0;
  }();
  return available;
}
#endif

std::atomic<bool> avx512_allowed{true};

}  // namespace

namespace scan {

void allow_avx512(bool allowed) noexcept {
  avx512_allowed.store(allowed, std::memory_order_relaxed);
}

bool avx512_in_use() noexcept {
#ifdef TORCTL_SCAN_AVX512
  return avx512_allowed.load(std::memory_order_relaxed) && avx512_available();
#else
  return false;
#endif
}

}  // namespace scan

result<std::size_t, decode_error> confvalue_grammar::validate(bytes_view body) noexcept {
#ifdef TORCTL_SCAN_AVX512
  if (scan::avx512_in_use()) return validate_confvalue_avx512(body);
#endif
  return validate_confvalue_lines(body);
}

void confvalue_grammar::next(bytes_view& rest, element& out) noexcept {
  const char* p = reinterpret_cast<const char*>(rest.data());
  const char* end = p + rest.size();
  read_confvalue_entry(p, end, out);
  rest = rest.subspan(rest.size() - static_cast<std::size_t>(end - p));
}

result<std::size_t, encode_error> confvalue_grammar::measure(const element& e) noexcept {
  if (!is_valid_key(e.key)) return failure{invalid(bad_key_reason)};
  if (!e.value) return e.key.size() + 1;
  if (!is_valid_confvalue_value(*e.value)) {
    return failure{invalid("CONFVALUE value holds an NL octet")};
  }
  return e.key.size() + 1 + e.value->size() + 1;
}

std::uint8_t* confvalue_grammar::write(const element& e, std::uint8_t* out) noexcept {
  return write_entry(e, out);
}

// ---- GETCONF ----

result<std::size_t, decode_error> getconf_grammar::validate(bytes_view body) noexcept {
  return validate_torrc(body, true);
}

void getconf_grammar::next(bytes_view& rest, element& out) noexcept {
  out = next_torrc_entry(rest, true).key;
}

result<std::size_t, encode_error> getconf_grammar::measure(const element& key) noexcept {
  if (!is_valid_key(key)) return failure{invalid(bad_key_reason)};
  return key.size() + 1;
}

std::uint8_t* getconf_grammar::write(const element& key, std::uint8_t* out) noexcept {
  std::memcpy(out, key.data(), key.size());
  out += key.size();
  *out++ = '\n';
  return out;
}

}  // namespace torctl::tc
