#include <string>

#include "torctl/text/reply.hpp"

namespace torctl::text {

namespace {

// Appends `data` as data lines, dot-stuffed, then the "." line. Returns an error or empty.
std::string_view append_data(std::string& out, std::string_view data) {
  if (data.find('\0') != std::string_view::npos || data.find('\r') != std::string_view::npos) {
    return "reply data holds a NUL or CR";
  }
  while (!data.empty()) {
    const std::size_t end = data.find('\n');
    const std::string_view line = data.substr(0, end);
    if (!line.empty() && line.front() == '.') out.push_back('.');
    out.append(line);
    out.append("\r\n");
    data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
  }
  out.append(".\r\n");
  return {};
}

std::string_view check_line(const reply_line& line, bool last) {
  if (line.status > 999) return "reply status is not three digits";
  if (line.text.find_first_of("\r\n") != std::string::npos) {
    return "reply text holds a CR or LF";
  }
  if (last != (line.separator == ' ')) return "only the last reply line may end the reply";
  if (line.separator != ' ' && line.separator != '-' && line.separator != '+') {
    return "reply separator is not '-', '+' or a space";
  }
  if ((line.separator == '+') != line.data.has_value()) {
    return "a data line needs data, and only a data line may have it";
  }
  return {};
}

}  // namespace

result<std::string, std::string_view> write_reply(const reply& r) {
  if (r.lines.empty()) return failure{std::string_view("a reply needs at least one line")};
  std::string out;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const reply_line& line = r.lines[i];
    const std::string_view error = check_line(line, i + 1 == r.lines.size());
    if (!error.empty()) return failure{error};
    // Three digits, zero-padded: the reader accepts any (it reads "050" as 50).
    out.push_back(static_cast<char>('0' + line.status / 100));
    out.push_back(static_cast<char>('0' + line.status / 10 % 10));
    out.push_back(static_cast<char>('0' + line.status % 10));
    out.push_back(line.separator);
    out.append(line.text);
    out.append("\r\n");
    if (line.data) {
      const std::string_view data_error = append_data(out, *line.data);
      if (!data_error.empty()) return failure{data_error};
    }
  }
  return out;
}

}  // namespace torctl::text
