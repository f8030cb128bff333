#include "torctl/text/keyvalue.hpp"

namespace torctl::text {

std::optional<std::string> read_quoted(std::string_view& rest) {
  if (rest.empty() || rest.front() != '"') return std::nullopt;
  std::string out;
  std::size_t i = 1;
  while (i < rest.size()) {
    const char c = rest[i];
    if (c == '"') {
      rest.remove_prefix(i + 1);
      return out;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 >= rest.size()) return std::nullopt;
    const char e = rest[i + 1];
    if (e >= '0' && e <= '7') {
      // Octal: up to three digits, at most \377.
      unsigned value = 0;
      std::size_t j = i + 1;
      while (j < rest.size() && j < i + 4 && rest[j] >= '0' && rest[j] <= '7') {
        value = value * 8 + static_cast<unsigned>(rest[j] - '0');
        ++j;
      }
      if (value > 0377) return std::nullopt;
      out += static_cast<char>(value);
      i = j;
      continue;
    }
    out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
    i += 2;
  }
  return std::nullopt;  // no closing quote
}

std::string_view read_key_values(const reply& r, value_form form, key_value_sink take,
                                 void* context) {
  if (r.status() != 250) return "the reply is not 250 OK";
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const reply_line& line = r.lines[i];
    const bool last = i + 1 == r.lines.size();
    if (last && line.text == "OK" && !line.data) break;
    const std::string_view text = line.text;
    const std::size_t equals = text.find('=');
    key_value entry;
    entry.key.assign(text.substr(0, equals));
    if (entry.key.empty()) return "an entry has no key";
    if (line.data) {
      entry.value = *line.data;
    } else if (equals != std::string_view::npos) {
      std::string_view value = text.substr(equals + 1);
      if (form == value_form::quoted && !value.empty() && value.front() == '"') {
        auto unquoted = read_quoted(value);
        if (!unquoted || !value.empty()) return "an entry's quoted value is malformed";
        entry.value = std::move(*unquoted);
      } else {
        entry.value.emplace(value);
      }
    }
    take(context, std::move(entry));
  }
  return {};
}

result<std::vector<key_value>, std::string_view> parse_key_values(const reply& r, value_form form) {
  std::vector<key_value> out;
  out.reserve(r.lines.size());
  const std::string_view error = read_key_values(
      r, form,
      [](void* into, key_value&& e) {
        static_cast<std::vector<key_value>*>(into)->push_back(std::move(e));
      },
      &out);
  if (!error.empty()) return failure{error};
  return out;
}

}  // namespace torctl::text
