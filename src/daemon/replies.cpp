#include "replies.hpp"

#include "torctl/tc/frame.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::daemon {

namespace {

frame_bytes encode(const tc::message& m) {
  frame_bytes out;
  if (!tc::encode_append(m, out)) out.clear();
  return out;
}

}  // namespace

frame_bytes done_frame() {
  return encode(tc::done_message{});
}

frame_bytes error_frame(tc::error_code code, std::string_view text) {
  // 2 octets of code; the rest of the 65,535 is text.
  constexpr std::size_t room = tc::max_body_size - 2;
  std::string cut;
  if (text.size() > room) {
    cut = std::string(text.substr(0, room - 3)) + "...";
    text = cut;
  }
  return encode(tc::error_message{code, text});
}

frame_bytes confvalue_frame(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& entries) {
  std::vector<tc::config_entry> lines;
  lines.reserve(entries.size());
  for (const auto& [key, value] : entries) {
    lines.push_back({key, value ? std::optional<std::string_view>(*value) : std::nullopt});
  }
  frame_bytes out;
  const auto written = tc::encode_append(tc::confvalue_message{lines}, out);
  if (written) return out;
  if (written.error().kind == tc::encode_errc::body_too_large) {
    return error_frame(tc::error_code::resource_exhausted,
                       "the answer would be over 65,535 octets: ask for fewer keys");
  }
  return error_frame(tc::error_code::internal, written.error().reason);
}

frame_bytes addressmapped_frame(const client::address_mapping& m) {
  const tc::address from = tc::address_from_literal(m.from).value_or(tc::address::hostname(m.from));
  const tc::address to = tc::address_from_literal(m.to).value_or(tc::address::hostname(m.to));
  frame_bytes out;
  if (!tc::encode_append(tc::addressmapped_message{from, to}, out)) {
    return error_frame(tc::error_code::internal, "Tor's mapping cannot be carried in TC");
  }
  return out;
}

frame_bytes error_frame_for(const client::error& e, request_kind kind) {
  using tc::error_code;
  if (!e.is(client::errc::refused) || !e.tor_status) {
    if (e.is(client::errc::invalid_argument)) {
      return error_frame(
          kind == request_kind::getconf ? error_code::unrecognized_key : error_code::invalid_value,
          e.message);
    }
    return error_frame(error_code::internal, "Tor is unreachable or failed: " + e.message);
  }
  switch (*e.tor_status) {
    case 552:
      return error_frame(kind == request_kind::signal ? error_code::unrecognized_code
                                                      : error_code::unrecognized_key,
                         e.message);
    case 513:
    case 553: return error_frame(error_code::invalid_value, e.message);
    case 512: return error_frame(error_code::syntax, e.message);
    case 451: return error_frame(error_code::resource_exhausted, e.message);
    default: return error_frame(error_code::internal, e.message);
  }
}

std::string address_text(const tc::address& a) {
  if (a.is_null()) {
    switch (a.type()) {
      case tc::address_type::ipv4: return std::string(client::any_ipv4);
      case tc::address_type::ipv6: return std::string(client::any_ipv6);
      case tc::address_type::hostname: return std::string(client::any_hostname);
    }
  }
  if (a.type() == tc::address_type::ipv6) return "[" + a.to_string() + "]";
  return a.to_string();
}

}  // namespace torctl::daemon
