#include "torctl/client/event.hpp"

#include <cstdio>

#include "torctl/tc/message.hpp"
#include "torctl/tc/message_text.hpp"

namespace torctl::client {

namespace {

// Untrusted text made safe for a terminal or a log: control octets become \xHH.
void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) {
      out.push_back(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    }
  }
}

std::string_view tc_name(std::uint16_t code) noexcept {
  switch (static_cast<tc::event_code>(code)) {
    case tc::event_code::circuit_status: return "CIRC";
    case tc::event_code::stream_status: return "STREAM";
    case tc::event_code::orconn_status: return "ORCONN";
    case tc::event_code::bandwidth: return "BW";
    case tc::event_code::log_message: return "LOG";
  }
  return {};
}

}  // namespace

event event::from_text(text::reply reply) {
  event e(text_part{std::move(reply), std::nullopt, {}});
  auto& part = std::get<text_part>(e.body_);
  auto parsed = text::parse_event(part.reply);  // views into the reply where it now lives
  if (parsed) {
    part.parsed.emplace(std::move(*parsed));
  } else {
    part.error = parsed.error();
  }
  return e;
}

event event::from_tc(std::vector<std::uint8_t> code_and_payload) {
  event e(tc_part{std::move(code_and_payload), std::nullopt, {}});
  auto& part = std::get<tc_part>(e.body_);
  if (part.bytes.size() < 2) {
    part.error = "EVENT body is shorter than its 2-octet code";
    return e;
  }
  const auto code = static_cast<std::uint16_t>(part.bytes[0] << 8 | part.bytes[1]);
  auto payload = tc::decode_event_payload(code, tc::bytes_view(part.bytes).subspan(2));
  if (payload) {
    part.parsed.emplace(*payload);
  } else {
    part.error = payload.error().reason;
  }
  return e;
}

event event::from_link(link_change change, std::string reason) {
  return event(link_part{change, std::move(reason)});
}

const text::event* event::text() const noexcept {
  const auto* part = std::get_if<text_part>(&body_);
  return part != nullptr && part->parsed ? &*part->parsed : nullptr;
}

const text::reply* event::text_reply() const noexcept {
  const auto* part = std::get_if<text_part>(&body_);
  return part != nullptr ? &part->reply : nullptr;
}

const tc::event_payload* event::tc() const noexcept {
  const auto* part = std::get_if<tc_part>(&body_);
  return part != nullptr && part->parsed ? &*part->parsed : nullptr;
}

std::optional<link_change> event::link() const noexcept {
  const auto* part = std::get_if<link_part>(&body_);
  return part != nullptr ? std::optional(part->change) : std::nullopt;
}

std::string_view event::link_reason() const noexcept {
  const auto* part = std::get_if<link_part>(&body_);
  return part != nullptr ? std::string_view(part->reason) : std::string_view();
}

std::string_view event::parse_error() const noexcept {
  if (const auto* t = std::get_if<text_part>(&body_)) return t->error;
  if (const auto* c = std::get_if<tc_part>(&body_)) return c->error;
  return {};
}

std::string event::name() const {
  if (const auto* t = std::get_if<text_part>(&body_)) {
    if (t->parsed) return std::string(t->parsed->keyword);
    const std::string_view first = t->reply.lines.empty() ? "" : t->reply.lines.front().text;
    return std::string(first.substr(0, first.find(' ')));
  }
  if (const auto* c = std::get_if<tc_part>(&body_)) {
    if (c->bytes.size() < 2) return "EVENT";
    const auto code = static_cast<std::uint16_t>(c->bytes[0] << 8 | c->bytes[1]);
    const std::string_view known = tc_name(code);
    if (!known.empty()) return std::string(known);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "EVENT_0x%04X", code);
    return buffer;
  }
  return "LINK";
}

std::string event::describe() const {
  std::string out;
  if (const auto* t = std::get_if<text_part>(&body_)) {
    for (const text::reply_line& line : t->reply.lines) {
      if (!out.empty()) out += "; ";
      append_escaped(out, line.text);
      if (line.data) append_escaped(out += ' ', *line.data);
    }
  } else if (const auto* c = std::get_if<tc_part>(&body_)) {
    if (c->parsed) {
      out = tc::to_string(tc::event_message{*c->parsed});
    } else {
      out = "EVENT (malformed: " + std::string(c->error) + ")";
    }
  } else {
    const auto& l = std::get<link_part>(body_);
    out = l.change == link_change::lost ? "link lost" : "link restored";
    if (!l.reason.empty()) append_escaped(out += ": ", l.reason);
  }
  return out;
}

}  // namespace torctl::client
