#include "torctl/text/protocolinfo.hpp"

#include <algorithm>
#include <charconv>

#include "torctl/text/arguments.hpp"

namespace torctl::text {

namespace {

using parsed = result<protocolinfo, std::string_view>;
constexpr std::string_view bad_quote = "PROTOCOLINFO line has an unterminated quoted string";

// "AUTH METHODS=A,B COOKIEFILE="..."": returns an error or empty.
std::string_view read_auth(std::string_view rest, protocolinfo& out) {
  argument_reader args(rest);
  argument arg;
  bool saw_methods = false;
  while (args.next(arg)) {
    if (arg.key == "METHODS") {
      saw_methods = true;
      std::string_view list = arg.value;
      while (!list.empty()) {
        const std::size_t comma = list.find(',');
        if (comma != 0) out.methods.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    } else if (arg.key == "COOKIEFILE" && !out.cookie_file) {
      out.cookie_file = arg.decoded();
    }
  }
  if (args.failed()) return bad_quote;
  if (!saw_methods) return "PROTOCOLINFO AUTH line has no METHODS";
  return {};
}

std::string_view read_version(std::string_view rest, protocolinfo& out) {
  argument_reader args(rest);
  argument arg;
  while (args.next(arg)) {
    if (arg.key == "Tor") out.tor_version = arg.decoded();
  }
  return args.failed() ? bad_quote : std::string_view();
}

}  // namespace

bool protocolinfo::offers(std::string_view method) const {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

parsed parse_protocolinfo(const reply& r) {
  if (r.status() != 250) return failure{std::string_view("PROTOCOLINFO was refused")};
  protocolinfo out;
  bool saw_header = false;
  bool saw_auth = false;
  for (std::size_t i = 0; i + 1 < r.lines.size(); ++i) {
    const std::string_view text = r.lines[i].text;
    const std::size_t space = text.find(' ');
    const std::string_view keyword = text.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    std::string_view error;
    if (keyword == "PROTOCOLINFO") {
      saw_header = true;
      const std::string_view digits = rest.substr(0, rest.find(' '));
      const auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), out.version);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        error = "PROTOCOLINFO version is not a number";
      }
    } else if (keyword == "AUTH") {
      saw_auth = true;
      error = read_auth(rest, out);
    } else if (keyword == "VERSION") {
      error = read_version(rest, out);
    } else {
      out.other_lines.emplace_back(text);
    }
    if (!error.empty()) return failure{error};
  }
  if (!saw_header) return failure{std::string_view("reply has no PROTOCOLINFO line")};
  if (!saw_auth) return failure{std::string_view("PROTOCOLINFO reply has no AUTH line")};
  return out;
}

}  // namespace torctl::text
