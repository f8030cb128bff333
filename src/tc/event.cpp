#include "torctl/tc/event.hpp"

#include <cstring>

#include "wire.hpp"

namespace torctl::tc {

namespace {

decode_error syntax(std::string_view reason) noexcept {
  return {error_code::syntax, reason};
}

// Reads a NUL-terminated string that must end the payload exactly.
result<std::string_view, decode_error> final_string(bytes_view rest,
                                                    std::string_view what) noexcept {
  const void* nul = std::memchr(rest.data(), '\0', rest.size());
  if (nul == nullptr) return failure{syntax(what)};
  const auto length = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - rest.data());
  if (length + 1 != rest.size()) {
    return failure{syntax("EVENT payload has octets after its NUL-terminated string")};
  }
  return as_text(rest.first(length));
}

// Status octet and 4-octet id, shared by circuit and stream events.
constexpr std::size_t status_and_id = 5;

}  // namespace

std::string_view describe(event_code code) noexcept {
  switch (code) {
    case event_code::circuit_status: return "circuit status";
    case event_code::stream_status: return "stream status";
    case event_code::orconn_status: return "OR connection status";
    case event_code::bandwidth: return "bandwidth used";
    case event_code::log_message: return "log message";
  }
  return "unknown event";
}

std::string_view name(circuit_status s) noexcept {
  switch (s) {
    case circuit_status::launched: return "launched";
    case circuit_status::built: return "built";
    case circuit_status::extended: return "extended";
    case circuit_status::failed: return "failed";
    case circuit_status::closed: return "closed";
  }
  return "unknown";
}

std::string_view name(stream_status s) noexcept {
  switch (s) {
    case stream_status::sent_connect: return "sent connect";
    case stream_status::sent_resolve: return "sent resolve";
    case stream_status::succeeded: return "succeeded";
    case stream_status::failed: return "failed";
    case stream_status::closed: return "closed";
  }
  return "unknown";
}

std::string_view name(orconn_status s) noexcept {
  switch (s) {
    case orconn_status::launched: return "launched";
    case orconn_status::connected: return "connected";
    case orconn_status::failed: return "failed";
    case orconn_status::closed: return "closed";
  }
  return "unknown";
}

event_code code_of(const event_payload& payload) noexcept {
  if (const auto* u = std::get_if<unknown_event>(&payload)) return event_code{u->code};
  return static_cast<event_code>(payload.index() + 1);
}

result<event_payload, decode_error> decode_event_payload(std::uint16_t code,
                                                         bytes_view p) noexcept {
  switch (static_cast<event_code>(code)) {
    case event_code::circuit_status: {
      if (p.size() < status_and_id) return failure{syntax("circuit event is too short")};
      auto path = final_string(p.subspan(status_and_id), "circuit path lacks its NUL");
      if (!path) return failure{path.error()};
      return event_payload{
          circuit_status_event{circuit_status{p[0]}, wire::read_u32(p.data() + 1), *path}};
    }
    case event_code::stream_status: {
      if (p.size() < status_and_id) return failure{syntax("stream event is too short")};
      auto target = final_string(p.subspan(status_and_id), "stream target lacks its NUL");
      if (!target) return failure{target.error()};
      return event_payload{
          stream_status_event{stream_status{p[0]}, wire::read_u32(p.data() + 1), *target}};
    }
    case event_code::orconn_status: {
      if (p.empty()) return failure{syntax("OR connection event is too short")};
      auto router = final_string(p.subspan(1), "OR connection name lacks its NUL");
      if (!router) return failure{router.error()};
      return event_payload{orconn_status_event{orconn_status{p[0]}, *router}};
    }
    case event_code::bandwidth:
      if (p.size() != 8) return failure{syntax("bandwidth event is not 8 octets")};
      return event_payload{bandwidth_event{wire::read_u32(p.data()), wire::read_u32(p.data() + 4)}};
    case event_code::log_message: {
      auto text = final_string(p, "log message lacks its NUL");
      if (!text) return failure{text.error()};
      return event_payload{log_message_event{*text}};
    }
  }
  return event_payload{unknown_event{code, p}};
}

namespace {

// A string field that the wire ends with NUL cannot itself hold one.
bool nul_free(std::string_view s) noexcept {
  return s.find('\0') == std::string_view::npos;
}

encode_error has_nul(std::string_view what) noexcept {
  return {encode_errc::invalid_field, what};
}

std::uint8_t* write_string(std::string_view s, std::uint8_t* out) noexcept {
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  out[s.size()] = 0;
  return out + s.size() + 1;
}

}  // namespace

result<std::size_t, encode_error> measure_event_payload(const event_payload& p) noexcept {
  struct visitor {
    result<std::size_t, encode_error> operator()(const circuit_status_event& e) const {
      if (!nul_free(e.path)) return failure{has_nul("circuit path holds a NUL octet")};
      return status_and_id + e.path.size() + 1;
    }
    result<std::size_t, encode_error> operator()(const stream_status_event& e) const {
      if (!nul_free(e.target)) return failure{has_nul("stream target holds a NUL octet")};
      return status_and_id + e.target.size() + 1;
    }
    result<std::size_t, encode_error> operator()(const orconn_status_event& e) const {
      if (!nul_free(e.router)) return failure{has_nul("OR connection name holds a NUL octet")};
      return 1 + e.router.size() + 1;
    }
    result<std::size_t, encode_error> operator()(const bandwidth_event&) const {
      return std::size_t{8};
    }
    result<std::size_t, encode_error> operator()(const log_message_event& e) const {
      if (!nul_free(e.message)) return failure{has_nul("log message holds a NUL octet")};
      return e.message.size() + 1;
    }
    result<std::size_t, encode_error> operator()(const unknown_event& e) const {
      if (is_known(event_code{e.code})) {
        return failure{encode_error{encode_errc::invalid_field,
                                    "unknown_event carries a known code; use its typed payload"}};
      }
      return e.payload.size();
    }
  };
  return std::visit(visitor{}, p);
}

std::uint8_t* write_event_payload(const event_payload& p, std::uint8_t* out) noexcept {
  struct visitor {
    std::uint8_t* out;
    std::uint8_t* operator()(const circuit_status_event& e) const {
      out[0] = static_cast<std::uint8_t>(e.status);
      return write_string(e.path, wire::write_u32(out + 1, e.circuit_id));
    }
    std::uint8_t* operator()(const stream_status_event& e) const {
      out[0] = static_cast<std::uint8_t>(e.status);
      return write_string(e.target, wire::write_u32(out + 1, e.stream_id));
    }
    std::uint8_t* operator()(const orconn_status_event& e) const {
      out[0] = static_cast<std::uint8_t>(e.status);
      return write_string(e.router, out + 1);
    }
    std::uint8_t* operator()(const bandwidth_event& e) const {
      return wire::write_u32(wire::write_u32(out, e.bytes_read), e.bytes_written);
    }
    std::uint8_t* operator()(const log_message_event& e) const {
      return write_string(e.message, out);
    }
    std::uint8_t* operator()(const unknown_event& e) const {
      if (!e.payload.empty()) std::memcpy(out, e.payload.data(), e.payload.size());
      return out + e.payload.size();
    }
  };
  return std::visit(visitor{out}, p);
}

result<std::size_t, decode_error> event_code_grammar::validate(bytes_view body) noexcept {
  if (body.size() % 2 != 0) {
    return failure{syntax("SETEVENTS body has an odd number of octets")};
  }
  for (std::size_t i = 0; i < body.size(); i += 2) {
    if (!is_known(event_code{wire::read_u16(body.data() + i)})) {
      return failure{decode_error{error_code::unrecognized_code, "unknown SETEVENTS event code"}};
    }
  }
  return body.size() / 2;
}

void event_code_grammar::next(bytes_view& rest, element& out) noexcept {
  out = event_code{wire::read_u16(rest.data())};
  rest = rest.subspan(2);
}

std::uint8_t* event_code_grammar::write(const element& code, std::uint8_t* out) noexcept {
  return wire::write_u16(out, static_cast<std::uint16_t>(code));
}

}  // namespace torctl::tc
