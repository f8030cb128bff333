// The typed operations over TC, the original binary protocol (what torctld serves).
#include "dialect.hpp"
#include "torctl/tc/address.hpp"
#include "torctl/tc/message.hpp"
#include "torctl/tc/message_type.hpp"

namespace torctl::client::detail {

namespace {

using tc::message_type;

result<request, error> encode(const tc::message& m, std::string_view what,
                              reply_shape shape = reply_shape::one) {
  std::vector<std::uint8_t> wire;
  auto written = tc::encode_append(m, wire);
  if (!written) {
    const std::string why = written.error().kind == tc::encode_errc::body_too_large
                                ? "the message would be over 65,535 octets"
                                : std::string(written.error().reason);
    return failure{error(errc::invalid_argument, std::string(what) + " cannot be sent: " + why)};
  }
  return request{std::string(wire.begin(), wire.end()), shape};
}

const std::vector<tc_frame>& frames_of(const raw_reply& r) {
  return std::get<std::vector<tc_frame>>(r);
}

error malformed(std::string_view what, std::string_view why) {
  return error(errc::protocol_error,
               "the answer to " + std::string(what) + " is malformed: " + std::string(why));
}

// Decodes one answer frame as a server's message.
result<tc::message, error> decode(const tc_frame& f, std::string_view what) {
  auto m = tc::decode(tc::frame{f.type, f.body}, tc::sender::server);
  if (!m) return failure{malformed(what, m.error().reason)};
  return std::move(*m);
}

error refused(const tc::error_message& e, std::string_view what) {
  const std::string text = printable(e.text);
  char code[8];
  std::snprintf(code, sizeof code, "0x%04X", static_cast<unsigned>(e.code));
  error out(errc::refused, std::string(what) + " refused: " + std::string(tc::describe(e.code)) +
                               " (" + code + ")" + (text.empty() ? "" : ": " + text));
  out.tc_code = static_cast<std::uint16_t>(e.code);
  return out;
}

// The one frame that answers `what`: the message of type T, or the error it carries.
template <class T>
result<T, error> expect(const raw_reply& raw, std::string_view what) {
  const auto& frames = frames_of(raw);
  if (frames.size() != 1) return failure{malformed(what, "not one frame")};
  auto m = decode(frames.front(), what);
  if (!m) return failure{m.error()};
  if (const auto* e = std::get_if<tc::error_message>(&*m)) return failure{refused(*e, what)};
  if (const auto* v = std::get_if<T>(&*m)) return *v;
  return failure{malformed(what, "an unexpected message type")};
}

// A text address as TC carries it: an IPv4 or IPv6 literal, else a hostname; "." is the
// null hostname.
result<tc::address, error> to_address(std::string_view text) {
  if (auto literal = tc::address_from_literal(text)) return *literal;
  const tc::address host = tc::address::hostname(text);
  if (!tc::measure_address(host)) {
    return failure{error(errc::invalid_argument,
                         "address " + shown(text) + " is empty or holds a blank or control octet")};
  }
  return host;
}

address_mapping mapping_of(const tc::addressmapped_message& m) {
  return {m.original.to_string(), m.replacement.to_string(), std::nullopt};
}

class tc_dialect_impl final : public dialect {
 public:
  result<request, error> get_conf(const std::vector<std::string>& keys) const override {
    const std::vector<std::string_view> views(keys.begin(), keys.end());
    return encode(tc::getconf_message{views}, "GETCONF");
  }

  result<std::vector<config_entry>, error> read_conf(const raw_reply& raw) const override {
    auto values = expect<tc::confvalue_message>(raw, "GETCONF");
    if (!values) return failure{values.error()};
    std::vector<config_entry> out;
    for (const tc::config_entry& e : values->lines) {
      out.push_back(
          {std::string(e.key), e.value ? std::optional<std::string>(*e.value) : std::nullopt});
    }
    return out;
  }

  result<request, error> set_conf(const std::vector<config_entry>& entries) const override {
    std::vector<tc::config_entry> lines;
    lines.reserve(entries.size());
    for (const config_entry& e : entries) {
      lines.push_back({e.key, e.value ? std::optional<std::string_view>(*e.value) : std::nullopt});
    }
    return encode(tc::setconf_message{lines}, "SETCONF");
  }

  result<request, error> save_conf(bool) const override {
    return encode(tc::saveconf_message{}, "SAVECONF");
  }

  result<request, error> send_signal(signal s) const override {
    std::optional<tc::signal_code> code;
    switch (s) {
      case signal::reload: code = tc::signal_code::reload; break;
      case signal::shutdown: code = tc::signal_code::shutdown; break;
      case signal::dump: code = tc::signal_code::dump; break;
      case signal::debug: code = tc::signal_code::debug; break;
      case signal::halt: code = tc::signal_code::halt; break;
      default: break;
    }
    if (!code) {
      return failure{
          error(errc::not_supported, "TC has no signal " + std::string(to_string(s)) +
                                         " (it has RELOAD, SHUTDOWN, DUMP, DEBUG and HALT)")};
    }
    return encode(tc::signal_message{*code}, "SIGNAL");
  }

  result<request, error> map_address(std::string_view from, std::string_view to) const override {
    auto original = to_address(from);
    if (!original) return failure{original.error()};
    auto replacement = to_address(to);
    if (!replacement) return failure{replacement.error()};
    return encode(tc::mapaddress_message{*original, *replacement}, "MAPADDRESS");
  }

  result<address_mapping, error> read_mapping(const raw_reply& raw) const override {
    auto m = expect<tc::addressmapped_message>(raw, "MAPADDRESS");
    if (!m) return failure{m.error()};
    return mapping_of(*m);
  }

  result<request, error> get_mappings() const override {
    return encode(tc::getallmappings_message{}, "GETALLMAPPINGS", reply_shape::until_done);
  }

  result<std::vector<address_mapping>, error> read_mappings(const raw_reply& raw) const override {
    std::vector<address_mapping> out;
    for (const tc_frame& f : frames_of(raw)) {
      auto m = decode(f, "GETALLMAPPINGS");
      if (!m) return failure{m.error()};
      if (const auto* e = std::get_if<tc::error_message>(&*m)) {
        return failure{refused(*e, "GETALLMAPPINGS")};
      }
      if (std::holds_alternative<tc::done_message>(*m)) return out;
      const auto* mapped = std::get_if<tc::addressmapped_message>(&*m);
      if (mapped == nullptr) return failure{malformed("GETALLMAPPINGS", "an unexpected message")};
      out.push_back(mapping_of(*mapped));
    }
    return failure{malformed("GETALLMAPPINGS", "no DONE")};
  }

  result<request, error> get_info(const std::vector<std::string>&) const override {
    return failure{
        error(errc::not_supported, "GETINFO exists only in the text protocol, not in TC")};
  }

  result<std::vector<info_value>, error> read_info(const raw_reply&) const override {
    return failure{error(errc::not_supported, "GETINFO exists only in the text protocol")};
  }

  result<request, error> set_events(const std::vector<std::string>& names) const override {
    std::vector<tc::event_code> codes;
    for (const std::string& n : names) {
      std::optional<tc::event_code> code;
      if (n == "CIRC") code = tc::event_code::circuit_status;
      if (n == "STREAM") code = tc::event_code::stream_status;
      if (n == "ORCONN") code = tc::event_code::orconn_status;
      if (n == "BW") code = tc::event_code::bandwidth;
      if (n == "NOTICE" || n == "WARN" || n == "ERR" || n == "LOG") {
        code = tc::event_code::log_message;
      }
      if (!code) {
        return failure{error(
            errc::not_supported,
            "TC has no event " + shown(n) + " (it has CIRC, STREAM, ORCONN, BW and log messages)")};
      }
      if (std::find(codes.begin(), codes.end(), *code) == codes.end()) codes.push_back(*code);
    }
    return encode(tc::setevents_message{codes}, "SETEVENTS");
  }

  result<done, error> read_done(const raw_reply& raw, std::string_view what) const override {
    auto d = expect<tc::done_message>(raw, what);
    if (!d) return failure{d.error()};
    return done{};
  }
};

}  // namespace

const dialect& tc_dialect() noexcept {
  static const tc_dialect_impl instance;
  return instance;
}

}  // namespace torctl::client::detail
