#include "torctl/text/command.hpp"

#include <algorithm>

namespace torctl::text {

namespace {

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool has_line_breaker(std::string_view value) noexcept {
  return std::any_of(value.begin(), value.end(),
                     [](char c) { return c == '\0' || c == '\r' || c == '\n'; });
}

bool is_key(std::string_view key) noexcept {
  return is_bare_word(key) && key.find('=') == std::string_view::npos;
}

void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

bool is_bare_word(std::string_view token) noexcept {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7E && c != '"' && c != '\\';
  });
}

command::command(std::string_view keyword) : line_(keyword) {
  if (keyword.empty() || !std::all_of(keyword.begin(), keyword.end(), is_alpha)) {
    fail("a command keyword is one or more ASCII letters");
  }
}

void command::fail(std::string_view reason) {
  if (error_.empty()) error_ = reason;
}

command& command::word(std::string_view token) {
  if (!is_bare_word(token)) {
    fail("a bare argument must be printable ASCII without spaces, quotes or backslashes");
  } else {
    (line_ += ' ') += token;
  }
  return *this;
}

command& command::quoted(std::string_view value) {
  if (has_line_breaker(value)) {
    fail("a quoted argument cannot carry NUL, CR or LF");
  } else {
    line_ += ' ';
    append_quoted(line_, value);
  }
  return *this;
}

command& command::pair(std::string_view key, std::string_view value) {
  if (is_bare_word(value)) {
    if (!is_key(key)) {
      fail("a key must be printable ASCII without spaces, quotes, backslashes or '='");
    } else {
      ((line_ += ' ') += key) += '=';
      line_ += value;
    }
    return *this;
  }
  return pair_quoted(key, value);
}

command& command::pair_quoted(std::string_view key, std::string_view value) {
  if (!is_key(key)) {
    fail("a key must be printable ASCII without spaces, quotes, backslashes or '='");
  } else if (has_line_breaker(value)) {
    fail("a value cannot carry NUL, CR or LF");
  } else {
    ((line_ += ' ') += key) += '=';
    append_quoted(line_, value);
  }
  return *this;
}

command& command::data(std::string_view body) {
  std::string out;
  out.reserve(body.size() + 16);
  bool line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\0' || (c == '\r' && (i + 1 == body.size() || body[i + 1] != '\n'))) {
      fail("data cannot carry NUL or a CR that does not end a line");
      return *this;
    }
    if (c == '\r') continue;  // its LF follows and writes the CRLF
    if (line_start && c == '.') out += '.';
    if (c == '\n') {
      out += "\r\n";
      line_start = true;
    } else {
      out += c;
      line_start = false;
    }
  }
  if (!line_start) out += "\r\n";  // the last line ends before the terminating "."
  out += ".\r\n";
  data_ = std::move(out);
  return *this;
}

result<std::string, command_error> command::finish() const {
  if (!error_.empty()) return failure{command_error{error_}};
  if (!data_) return line_ + "\r\n";
  return "+" + line_ + "\r\n" + *data_;
}

}  // namespace torctl::text
