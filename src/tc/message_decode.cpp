// Decoding frame bodies into typed messages.
#include "torctl/tc/message.hpp"

#include "wire.hpp"

namespace torctl::tc {

namespace {

using decoded = result<message, decode_error>;

decode_error syntax(std::string_view reason) noexcept { return {error_code::syntax, reason}; }

template <class Grammar>
result<wire_list<Grammar>, decode_error> read_list(bytes_view body) noexcept {
  auto count = Grammar::validate(body);
  if (!count) return failure{count.error()};
  return wire_list<Grammar>::from_validated(body, *count);
}

decoded decode_empty(bytes_view body, message m, std::string_view reason) noexcept {
  if (!body.empty()) return failure{syntax(reason)};
  return m;
}

decoded decode_error_body(bytes_view body) noexcept {
  if (body.size() < 2) return failure{syntax("ERROR body is shorter than its 2-octet code")};
  return message{error_message{error_code{wire::read_u16(body.data())}, as_text(body.subspan(2))}};
}

decoded decode_event(bytes_view body) noexcept {
  if (body.size() < 2) return failure{syntax("EVENT body is shorter than its 2-octet code")};
  auto payload = decode_event_payload(wire::read_u16(body.data()), body.subspan(2));
  if (!payload) return failure{payload.error()};
  return message{event_message{std::move(*payload)}};
}

decoded decode_signal(bytes_view body) noexcept {
  if (body.size() != 1) return failure{syntax("SIGNAL body is not exactly one octet")};
  const auto code = signal_from_octet(body[0]);
  if (!code) return failure{decode_error{error_code::unrecognized_code, "unknown SIGNAL code"}};
  return message{signal_message{*code}};
}

template <class Mapping>
decoded decode_mapping(bytes_view body) noexcept {
  auto original = decode_address(body);
  if (!original) return failure{original.error()};
  auto replacement = decode_address(body);
  if (!replacement) return failure{replacement.error()};
  if (!body.empty()) return failure{syntax("octets follow the replacement address")};
  return message{Mapping{*original, *replacement}};
}

template <class Message, class Grammar>
decoded decode_lines(bytes_view body) noexcept {
  auto list = read_list<Grammar>(body);
  if (!list) return failure{list.error()};
  return message{Message{*list}};
}

decoded decode_body(message_type type, bytes_view body) noexcept {
  switch (type) {
    case message_type::error: return decode_error_body(body);
    case message_type::done:
      return decode_empty(body, done_message{}, "DONE body is not empty");
    case message_type::setconf: return decode_lines<setconf_message, setconf_grammar>(body);
    case message_type::getconf: return decode_lines<getconf_message, getconf_grammar>(body);
    case message_type::confvalue:
      return decode_lines<confvalue_message, confvalue_grammar>(body);
    case message_type::setevents:
      return decode_lines<setevents_message, event_code_grammar>(body);
    case message_type::event: return decode_event(body);
    case message_type::authenticate: return message{authenticate_message{body}};
    case message_type::saveconf:
      return decode_empty(body, saveconf_message{}, "SAVECONF body is not empty");
    case message_type::signal: return decode_signal(body);
    case message_type::mapaddress: return decode_mapping<mapaddress_message>(body);
    case message_type::addressmapped: return decode_mapping<addressmapped_message>(body);
    case message_type::getallmappings:
      return decode_empty(body, getallmappings_message{}, "GETALLMAPPINGS body is not empty");
  }
  return failure{decode_error{error_code::unrecognized_type, "unknown message type"}};
}

}  // namespace

result<message, decode_error> decode(const frame& f, sender from) noexcept {
  const auto expected = sent_by(f.type);
  if (!expected) return failure{decode_error{error_code::unrecognized_type, "unknown message type"}};
  if (*expected != from) {
    return failure{decode_error{error_code::unrecognized_type,
                                from == sender::client ? "message type is sent only by servers"
                                                       : "message type is sent only by clients"}};
  }
  return decode_body(static_cast<message_type>(f.type), f.body);
}

message_reader::step message_reader::read(bytes_view input) {
  const frame_step s = frames_.decode(input);
  step out;
  out.status = s.status;
  out.consumed = s.consumed;
  out.type = s.frame.type;
  if (s.status == decode_status::malformed) {
    out.error = s.error;
  } else if (s.status == decode_status::complete) {
    auto m = decode(s.frame, peer_);
    if (m) {
      out.message = std::move(*m);
    } else {
      out.status = decode_status::malformed;
      out.error = m.error();
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
