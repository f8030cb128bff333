// Encoding typed messages into frames. Every encoder measures first (checking every
// field) and writes second, so a failure never leaves half a frame behind.
#include <cstring>

#include "torctl/tc/message.hpp"
#include "wire.hpp"

namespace torctl::tc {

namespace {

using measured = result<std::size_t, encode_error>;

encode_error invalid(std::string_view reason) noexcept {
  return {encode_errc::invalid_field, reason};
}

template <class Grammar>
measured measure_list(const wire_list<Grammar>& list) noexcept {
  std::size_t total = 0;
  for (const auto& element : list) {
    auto size = Grammar::measure(element);
    if (!size) return size;
    total += *size;
    // Stop early: a list can hold far more than a body can carry.
    if (total > max_body_size) {
      return failure{
          encode_error{encode_errc::body_too_large, "message body exceeds 65,535 octets"}};
    }
  }
  return total;
}

template <class Grammar>
std::uint8_t* write_list(const wire_list<Grammar>& list, std::uint8_t* out) noexcept {
  for (const auto& element : list) out = Grammar::write(element, out);
  return out;
}

measured add(measured a, measured b) noexcept {
  if (!a) return a;
  if (!b) return b;
  return *a + *b;
}

struct body_measurer {
  measured operator()(const error_message& m) const { return 2 + m.text.size(); }
  measured operator()(const done_message&) const { return std::size_t{0}; }
  measured operator()(const setconf_message& m) const { return measure_list(m.lines); }
  measured operator()(const getconf_message& m) const { return measure_list(m.keys); }
  measured operator()(const confvalue_message& m) const { return measure_list(m.lines); }
  measured operator()(const setevents_message& m) const { return measure_list(m.codes); }
  measured operator()(const event_message& m) const {
    return add(std::size_t{2}, measure_event_payload(m.payload));
  }
  measured operator()(const authenticate_message& m) const { return m.credential.size(); }
  measured operator()(const saveconf_message&) const { return std::size_t{0}; }
  measured operator()(const signal_message& m) const {
    if (!is_known(m.signal)) return failure{invalid("signal is not one the spec defines")};
    return std::size_t{1};
  }
  measured operator()(const mapaddress_message& m) const {
    return add(measure_address(m.original), measure_address(m.replacement));
  }
  measured operator()(const addressmapped_message& m) const {
    return add(measure_address(m.original), measure_address(m.replacement));
  }
  measured operator()(const getallmappings_message&) const { return std::size_t{0}; }
};

std::uint8_t* copy(bytes_view bytes, std::uint8_t* out) noexcept {
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

struct body_writer {
  std::uint8_t* out;
  std::uint8_t* operator()(const error_message& m) const {
    return copy(as_bytes(m.text), wire::write_u16(out, static_cast<std::uint16_t>(m.code)));
  }
  std::uint8_t* operator()(const done_message&) const { return out; }
  std::uint8_t* operator()(const setconf_message& m) const { return write_list(m.lines, out); }
  std::uint8_t* operator()(const getconf_message& m) const { return write_list(m.keys, out); }
  std::uint8_t* operator()(const confvalue_message& m) const { return write_list(m.lines, out); }
  std::uint8_t* operator()(const setevents_message& m) const { return write_list(m.codes, out); }
  std::uint8_t* operator()(const event_message& m) const {
    auto code = static_cast<std::uint16_t>(code_of(m.payload));
    return write_event_payload(m.payload, wire::write_u16(out, code));
  }
  std::uint8_t* operator()(const authenticate_message& m) const { return copy(m.credential, out); }
  std::uint8_t* operator()(const saveconf_message&) const { return out; }
  std::uint8_t* operator()(const signal_message& m) const {
    *out = static_cast<std::uint8_t>(m.signal);
    return out + 1;
  }
  std::uint8_t* operator()(const mapaddress_message& m) const {
    return write_address(m.replacement, write_address(m.original, out));
  }
  std::uint8_t* operator()(const addressmapped_message& m) const {
    return write_address(m.replacement, write_address(m.original, out));
  }
  std::uint8_t* operator()(const getallmappings_message&) const { return out; }
};

measured body_size(const message& m) noexcept {
  auto size = std::visit(body_measurer{}, m);
  if (size && *size > max_body_size) {
    return failure{encode_error{encode_errc::body_too_large, "message body exceeds 65,535 octets"}};
  }
  return size;
}

void write_frame(const message& m, std::size_t body, std::uint8_t* out) noexcept {
  std::uint8_t* p = wire::write_u16(out, static_cast<std::uint16_t>(body));
  p = wire::write_u16(p, static_cast<std::uint16_t>(m.index()));
  std::visit(body_writer{p}, m);
}

}  // namespace

result<std::size_t, encode_error> encoded_size(const message& m) noexcept {
  auto body = body_size(m);
  if (!body) return body;
  return frame_header_size + *body;
}

result<std::size_t, encode_error> encode(const message& m, mutable_bytes out) noexcept {
  auto body = body_size(m);
  if (!body) return body;
  const std::size_t total = frame_header_size + *body;
  if (out.size() < total) {
    return failure{
        encode_error{encode_errc::buffer_too_small, "output buffer cannot hold the frame"}};
  }
  write_frame(m, *body, out.data());
  return total;
}

result<std::size_t, encode_error> encode_append(const message& m, std::vector<std::uint8_t>& out) {
  auto body = body_size(m);
  if (!body) return body;
  const std::size_t total = frame_header_size + *body;
  const std::size_t start = out.size();
  out.resize(start + total);
  write_frame(m, *body, out.data() + start);
  return total;
}

}  // namespace torctl::tc
