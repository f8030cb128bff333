// raw: one command as the user writes it, and the server's answer as it came.
//   text protocol: the arguments, joined by spaces, are one command line;
//   TC:            TYPE (a name such as GETCONF, or a number) and the body in hex.
#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "text_output.hpp"
#include "torctl/tc/message.hpp"
#include "torctl/tc/message_text.hpp"
#include "torctl/tc/message_type.hpp"
#include "torctl/text/arguments.hpp"

namespace torctl::cli {

namespace {

std::string join(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) line += (line.empty() ? "" : " ") + w;
  return line;
}

// The reply as Tor sent it: "250-text", "250+text" then the data block and ".", "250 OK".
void print_text_reply(const text::reply& r) {
  for (const text::reply_line& l : r.lines) {
    std::cout << l.status << l.separator << printable(l.text) << '\n';
    if (!l.data) continue;
    std::size_t start = 0;
    while (start < l.data->size()) {
      const std::size_t end = std::min(l.data->find('\n', start), l.data->size());
      std::cout << printable(std::string_view(*l.data).substr(start, end - start)) << '\n';
      start = end + 1;
    }
    std::cout << ".\n";
  }
}

json text_reply_json(const text::reply& r) {
  json lines = json::array();
  for (const text::reply_line& l : r.lines) {
    lines.push_back({{"status", l.status},
                     {"separator", std::string(1, l.separator)},
                     {"text", l.text},
                     {"data", l.data ? json(*l.data) : json(nullptr)}});
  }
  return {{"status", r.status()}, {"lines", lines}};
}

int run_raw_text(const context& ctx, const std::string& line) {
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto r = c.raw(line);
    if (!r) return report(ctx, r.error());
    if (ctx.global.json) {
      print_json(text_reply_json(*r));
    } else {
      print_text_reply(*r);
    }
    // The reply is printed either way; the status says whether Tor accepted it.
    return r->ok() ? 0 : code(exit_status::refused);
  });
}

// A message type by name (any case) or number (decimal or 0x hex).
std::optional<std::uint16_t> parse_type(const std::string& word) {
  for (std::uint16_t t = 0; tc::is_known(t); ++t) {
    if (text::equal_ignoring_case(word, tc::name(static_cast<tc::message_type>(t)))) return t;
  }
  const bool hex = word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X');
  const char* begin = word.data() + (hex ? 2 : 0);
  const char* end = word.data() + word.size();
  std::uint16_t value = 0;
  const auto [rest, ec] = std::from_chars(begin, end, value, hex ? 16 : 10);
  if (ec != std::errc() || rest != end || begin == end) return std::nullopt;
  return value;
}

// Hex digits, blanks between them allowed; nullopt for anything else or an odd count.
std::optional<std::vector<std::uint8_t>> parse_hex(const std::vector<std::string>& words) {
  std::string digits;
  for (const std::string& w : words) {
    for (const char ch : w) {
      if (ch == ' ' || ch == '\t') continue;
      if (std::isxdigit(static_cast<unsigned char>(ch)) == 0) return std::nullopt;
      digits += ch;
    }
  }
  if (digits.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// tcdump's rendering of a frame, or its type and hex where it does not decode.
std::string describe_frame(const client::tc_frame& f) {
  auto m = tc::decode(tc::frame{f.type, f.body}, tc::sender::server);
  if (m) return tc::to_string(*m);
  char type[8];
  std::snprintf(type, sizeof type, "0x%04X", static_cast<unsigned>(f.type));
  return std::string("frame of type ") + type +
         " (does not decode: " + std::string(m.error().reason) + ") body " + to_hex(f.body);
}

int run_raw_tc(const context& ctx, const std::vector<std::string>& words) {
  const auto type = parse_type(words.front());
  if (!type) {
    return report(ctx, exit_status::usage, "raw: \"" + words.front() + "\" is not a TC type",
                  "give a name (GETCONF, SETCONF, SIGNAL, ...) or a number (3, 0x0003)");
  }
  const auto body = parse_hex({words.begin() + 1, words.end()});
  if (!body) {
    return report(ctx, exit_status::usage, "raw: the body is not an even number of hex digits",
                  "write the body in hex, e.g. torctl raw SIGNAL 01");
  }
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto frames = c.raw_tc(*type, *body);
    if (!frames) return report(ctx, frames.error());
    bool refused = false;
    json list = json::array();
    for (const client::tc_frame& f : *frames) {
      refused = refused || f.type == static_cast<std::uint16_t>(tc::message_type::error);
      const std::string text = describe_frame(f);
      if (ctx.global.json) {
        const auto known =
            tc::is_known(f.type) ? std::string(tc::name(tc::message_type{f.type})) : std::string();
        list.push_back(
            {{"type", f.type}, {"name", known}, {"body", to_hex(f.body)}, {"text", text}});
      } else {
        std::cout << text << '\n';
      }
    }
    if (ctx.global.json) print_json({{"frames", list}});
    return refused ? code(exit_status::refused) : 0;
  });
}

int run_raw(const context& ctx, const std::vector<std::string>& words) {
  if (ctx.protocol() == client::protocol::tc) return run_raw_tc(ctx, words);
  return run_raw_text(ctx, join(words));
}

}  // namespace

void add_raw_command(CLI::App& app, context& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("raw", "Send one command as written; print the reply");
  sub->add_option("COMMAND", *words, "text: the command line; TC: TYPE [HEXBODY...]")->required();
  sub->footer(
      "Text protocol: the words are joined by spaces into one command line, and Tor's\n"
      "reply is printed as it came (250-..., 250+... with its data block, 250 OK).\n"
      "TC: TYPE is a message name or number and the body is hex (blanks allowed); every\n"
      "answer frame is printed as tcdump shows it. The exit status is 1 when the server\n"
      "answers with an error. Put -- before words that start with '-'.\n\n"
      "Examples:\n"
      "  torctl raw GETINFO version\n"
      "  torctl raw 'SETEVENTS NOTICE'\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 raw GETCONF 536f636b73506f72740a\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 raw SIGNAL 01");
  sub->callback([&ctx, words] { ctx.run = [&ctx, words] { return run_raw(ctx, *words); }; });
}

}  // namespace torctl::cli
