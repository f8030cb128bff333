// Decoding frame bodies into typed messages.
#include "torctl/tc/message.hpp"

#include <optional>

#include "wire.hpp"

namespace torctl::tc {

namespace {

// Decoders build the message in place in `out` and return the error, if any: the
// message variant is large, and moving it through layers of results costs more than
// decoding a small body.
using maybe_error = std::optional<decode_error>;

decode_error syntax(std::string_view reason) noexcept {
  return {error_code::syntax, reason};
}

template <class Message>
maybe_error decode_empty(bytes_view body, message& out, std::string_view reason) noexcept {
  if (!body.empty()) return syntax(reason);
  out.emplace<Message>();
  return std::nullopt;
}

maybe_error decode_error_body(bytes_view body, message& out) noexcept {
  if (body.size() < 2) return syntax("ERROR body is shorter than its 2-octet code");
  out.emplace<error_message>(
      error_message{error_code{wire::read_u16(body.data())}, as_text(body.subspan(2))});
  return std::nullopt;
}

maybe_error decode_event(bytes_view body, message& out) noexcept {
  if (body.size() < 2) return syntax("EVENT body is shorter than its 2-octet code");
  auto payload = decode_event_payload(wire::read_u16(body.data()), body.subspan(2));
  if (!payload) return payload.error();
  out.emplace<event_message>(event_message{*payload});
  return std::nullopt;
}

maybe_error decode_signal(bytes_view body, message& out) noexcept {
  if (body.size() != 1) return syntax("SIGNAL body is not exactly one octet");
  const auto code = signal_from_octet(body[0]);
  if (!code) return decode_error{error_code::unrecognized_code, "unknown SIGNAL code"};
  out.emplace<signal_message>(signal_message{*code});
  return std::nullopt;
}

template <class Mapping>
maybe_error decode_mapping(bytes_view body, message& out) noexcept {
  auto original = decode_address(body);
  if (!original) return original.error();
  auto replacement = decode_address(body);
  if (!replacement) return replacement.error();
  if (!body.empty()) return syntax("octets follow the replacement address");
  out.emplace<Mapping>(Mapping{*original, *replacement});
  return std::nullopt;
}

template <class Message, class Grammar>
maybe_error decode_lines(bytes_view body, message& out) noexcept {
  const auto count = Grammar::validate(body);
  if (!count) return count.error();
  out.emplace<Message>(Message{wire_list<Grammar>::from_validated(body, *count)});
  return std::nullopt;
}

maybe_error decode_body(message_type type, bytes_view body, message& out) noexcept {
  switch (type) {
    case message_type::error: return decode_error_body(body, out);
    case message_type::done: return decode_empty<done_message>(body, out, "DONE body is not empty");
    case message_type::setconf: return decode_lines<setconf_message, setconf_grammar>(body, out);
    case message_type::getconf: return decode_lines<getconf_message, getconf_grammar>(body, out);
    case message_type::confvalue:
      return decode_lines<confvalue_message, confvalue_grammar>(body, out);
    case message_type::setevents:
      return decode_lines<setevents_message, event_code_grammar>(body, out);
    case message_type::event: return decode_event(body, out);
    case message_type::authenticate:
      out.emplace<authenticate_message>(authenticate_message{body});
      return std::nullopt;
    case message_type::saveconf:
      return decode_empty<saveconf_message>(body, out, "SAVECONF body is not empty");
    case message_type::signal: return decode_signal(body, out);
    case message_type::mapaddress: return decode_mapping<mapaddress_message>(body, out);
    case message_type::addressmapped: return decode_mapping<addressmapped_message>(body, out);
    case message_type::getallmappings:
      return decode_empty<getallmappings_message>(body, out, "GETALLMAPPINGS body is not empty");
  }
  return decode_error{error_code::unrecognized_type, "unknown message type"};
}

maybe_error decode_into(const frame& f, sender from, message& out) noexcept {
  const auto expected = sent_by(f.type);
  if (!expected) return decode_error{error_code::unrecognized_type, "unknown message type"};
  if (*expected != from) {
    return decode_error{error_code::unrecognized_type,
                        from == sender::client ? "message type is sent only by servers"
                                               : "message type is sent only by clients"};
  }
  return decode_body(static_cast<message_type>(f.type), f.body, out);
}

}  // namespace

result<message, decode_error> decode(const frame& f, sender from) noexcept {
  message out;
  if (const maybe_error e = decode_into(f, from, out)) return failure{*e};
  return out;
}

message_reader::step message_reader::read(bytes_view input) {
  const frame_step s = frames_.decode(input);
  step out;
  out.status = s.status;
  out.consumed = s.consumed;
  out.type = s.frame.type;
  out.body_size = s.frame.body.size();
  if (s.status == decode_status::malformed) {
    out.error = s.error;
  } else if (s.status == decode_status::complete) {
    if (const maybe_error e = decode_into(s.frame, peer_, out.message)) {
      out.status = decode_status::malformed;
      out.error = *e;
    }
  }
  return out;
}

namespace {

constexpr bool same_letters(const std::uint8_t* p, std::string_view upper) noexcept {
  for (std::size_t i = 0; i < upper.size(); ++i) {
    std::uint8_t c = p[i];
    if (c >= 'a' && c <= 'z') c = static_cast<std::uint8_t>(c - 'a' + 'A');
    if (c != static_cast<std::uint8_t>(upper[i])) return false;
  }
  return true;
}

}  // namespace

protocol_guess detect_protocol(bytes_view first) noexcept {
  if (first.size() < 4) return protocol_guess::need_more;
  static constexpr std::string_view http_prefixes[] = {"GET ", "PUT ", "POST", "HEAD",
                                                       "DELE", "CONN", "OPTI"};
  for (std::string_view prefix : http_prefixes) {
    if (same_letters(first.data(), prefix)) return protocol_guess::http;
  }
  // A TC frame's type is at most 0x000C, and was never above 0x00FF, so its third
  // octet is zero; a text command's third octet is a letter.
  return first[2] == 0 ? protocol_guess::tc : protocol_guess::text;
}

}  // namespace torctl::tc
