#include "torctl/tc/config_lines.hpp"

#include <cstring>

namespace torctl::tc {

namespace {

constexpr bool is_key_octet(unsigned char c) noexcept { return c >= 0x21 && c <= 0x7E; }
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Removes and returns the next line of `rest` without its NL. The last line may lack
// its NL.
std::string_view take_line(std::string_view& rest) noexcept {
  const void* nl = std::memchr(rest.data(), '\n', rest.size());
  const std::size_t end =
      nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - rest.data())
                    : rest.size();
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(nl != nullptr ? end + 1 : end);
  return line;
}

// A line of a torrc-like body, the CR of a CRLF ending and surrounding blanks removed.
std::string_view tolerant_line(std::string_view& rest) noexcept {
  std::string_view line = take_line(rest);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return trim(line);
}

void advance(bytes_view& rest, std::string_view text_rest) noexcept {
  rest = rest.subspan(rest.size() - text_rest.size());
}

// Splits a non-blank SETCONF line into key and (possibly absent) value.
config_entry split_setconf(std::string_view line) noexcept {
  const std::size_t key_end = line.find_first_of(" \t");
  if (key_end == std::string_view::npos) return {line, std::nullopt};
  std::string_view value = trim(line.substr(key_end));
  if (value.empty()) return {line.substr(0, key_end), std::nullopt};
  return {line.substr(0, key_end), value};
}

encode_error invalid(std::string_view reason) noexcept {
  return {encode_errc::invalid_field, reason};
}

constexpr std::string_view bad_key_reason =
    "configuration key is empty or holds a space, control or non-ASCII octet";
constexpr std::string_view bad_value_reason = "configuration value holds a NUL, CR or NL octet";

}  // namespace

bool is_valid_key(std::string_view key) noexcept {
  if (key.empty()) return false;
  for (char c : key) {
    if (!is_key_octet(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_valid_value(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos;
}

// ---- SETCONF ----

result<std::size_t, decode_error> setconf_grammar::validate(bytes_view body) noexcept {
  std::string_view rest = as_text(body);
  std::size_t count = 0;
  while (!rest.empty()) {
    const std::string_view line = tolerant_line(rest);
    if (line.empty()) continue;
    const config_entry e = split_setconf(line);
    if (!is_valid_key(e.key)) {
      return failure{decode_error{error_code::syntax,
                                  "SETCONF key holds a control or non-ASCII octet"}};
    }
    if (e.value && !is_valid_value(*e.value)) {
      return failure{decode_error{error_code::syntax, "SETCONF value holds a NUL or CR octet"}};
    }
    ++count;
  }
  return count;
}

void setconf_grammar::next(bytes_view& rest, element& out) noexcept {
  std::string_view text = as_text(rest);
  std::string_view line;
  do {
    line = tolerant_line(text);
  } while (line.empty() && !text.empty());
  out = split_setconf(line);
  advance(rest, text);
}

result<std::size_t, encode_error> setconf_grammar::measure(const element& e) noexcept {
  if (!is_valid_key(e.key)) return failure{invalid(bad_key_reason)};
  if (!e.value) return e.key.size() + 1;
  const std::string_view v = *e.value;
  if (v.empty()) {
    return failure{invalid("empty SETCONF value: leave the value out to restore the default")};
  }
  if (!is_valid_value(v)) return failure{invalid(bad_value_reason)};
  if (is_blank(v.front()) || is_blank(v.back())) {
    return failure{invalid("SETCONF value starts or ends with a blank, which Tor would drop")};
  }
  return e.key.size() + 1 + v.size() + 1;
}

namespace {

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

std::uint8_t* setconf_grammar::write(const element& e, std::uint8_t* out) noexcept {
  return write_entry(e, out);
}

// ---- CONFVALUE ----

// Validation is on the path of every large GETCONF answer, so the whole-body checks use
// memchr and only keys are scanned octet by octet.
result<std::size_t, decode_error> confvalue_grammar::validate(bytes_view body) noexcept {
  const char* p = reinterpret_cast<const char*>(body.data());
  const std::size_t n = body.size();
  if (n == 0) return std::size_t{0};
  if (std::memchr(p, '\0', n) != nullptr) {
    return failure{decode_error{error_code::syntax, "CONFVALUE body holds a NUL octet"}};
  }
  if (std::memchr(p, '\r', n) != nullptr) {
    return failure{decode_error{error_code::syntax, "CONFVALUE body holds a CR octet"}};
  }
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < n) {
    std::size_t i = pos;
    while (i < n && p[i] != ' ' && p[i] != '\n') {
      if (!is_key_octet(static_cast<unsigned char>(p[i]))) {
        return failure{decode_error{error_code::syntax,
                                    "CONFVALUE key holds a control or non-ASCII octet"}};
      }
      ++i;
    }
    if (i == pos) {
      return failure{decode_error{error_code::syntax, "CONFVALUE line has an empty key"}};
    }
    if (i < n && p[i] == ' ') {
      const void* nl = std::memchr(p + i + 1, '\n', n - i - 1);
      pos = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1 : n;
    } else {
      pos = i + 1;  // past the NL, or past the end when the last line has none
    }
    ++count;
  }
  return count;
}

void confvalue_grammar::next(bytes_view& rest, element& out) noexcept {
  std::string_view text = as_text(rest);
  const std::string_view line = take_line(text);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    out = {line, std::nullopt};
  } else {
    out = {line.substr(0, space), line.substr(space + 1)};
  }
  advance(rest, text);
}

result<std::size_t, encode_error> confvalue_grammar::measure(const element& e) noexcept {
  if (!is_valid_key(e.key)) return failure{invalid(bad_key_reason)};
  if (!e.value) return e.key.size() + 1;
  if (!is_valid_value(*e.value)) return failure{invalid(bad_value_reason)};
  return e.key.size() + 1 + e.value->size() + 1;
}

std::uint8_t* confvalue_grammar::write(const element& e, std::uint8_t* out) noexcept {
  return write_entry(e, out);
}

// ---- GETCONF ----

result<std::size_t, decode_error> getconf_grammar::validate(bytes_view body) noexcept {
  std::string_view rest = as_text(body);
  std::size_t count = 0;
  while (!rest.empty()) {
    const std::string_view key = tolerant_line(rest);
    if (key.empty()) continue;
    if (!is_valid_key(key)) {
      return failure{decode_error{error_code::syntax,
                                  "GETCONF key holds a blank, control or non-ASCII octet"}};
    }
    ++count;
  }
  return count;
}

void getconf_grammar::next(bytes_view& rest, element& out) noexcept {
  std::string_view text = as_text(rest);
  do {
    out = tolerant_line(text);
  } while (out.empty() && !text.empty());
  advance(rest, text);
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
