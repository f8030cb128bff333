// Names of error codes, message types and signals.
#include <array>

#include "torctl/tc/error_code.hpp"
#include "torctl/tc/message_type.hpp"
#include "torctl/tc/signal.hpp"

namespace torctl::tc {

namespace {

constexpr std::array<std::string_view, 10> error_descriptions = {
    "unspecified error",
    "internal error",
    "unrecognized message type",
    "syntax error",
    "unrecognized configuration key",
    "invalid configuration value",
    "unrecognized byte code",
    "unauthorized",
    "failed authentication attempt",
    "resource exhausted",
};

constexpr std::array<std::string_view, message_type_count> type_names = {
    "ERROR",        "DONE",     "SETCONF", "GETCONF",    "CONFVALUE",     "SETEVENTS",      "EVENT",
    "AUTHENTICATE", "SAVECONF", "SIGNAL",  "MAPADDRESS", "ADDRESSMAPPED", "GETALLMAPPINGS",
};

struct signal_entry {
  signal_code code;
  std::string_view name;
};

constexpr std::array<signal_entry, 5> signals = {{
    {signal_code::reload, "reload"},
    {signal_code::shutdown, "shutdown"},
    {signal_code::dump, "dump"},
    {signal_code::debug, "debug"},
    {signal_code::halt, "halt"},
}};

}  // namespace

bool is_known(error_code code) noexcept {
  return static_cast<std::uint16_t>(code) < error_descriptions.size();
}

std::string_view describe(error_code code) noexcept {
  return is_known(code) ? error_descriptions[static_cast<std::uint16_t>(code)]
                        : "unknown error code";
}

error_code answer_code(const encode_error& e) noexcept {
  return e.kind == encode_errc::body_too_large ? error_code::resource_exhausted
                                               : error_code::internal;
}

std::string_view name(message_type type) noexcept {
  const auto value = static_cast<std::uint16_t>(type);
  return is_known(value) ? type_names[value] : "UNKNOWN";
}

std::optional<sender> sent_by(std::uint16_t type) noexcept {
  switch (static_cast<message_type>(type)) {
    case message_type::error:
    case message_type::done:
    case message_type::confvalue:
    case message_type::event:
    case message_type::addressmapped: return sender::server;
    case message_type::setconf:
    case message_type::getconf:
    case message_type::setevents:
    case message_type::authenticate:
    case message_type::saveconf:
    case message_type::signal:
    case message_type::mapaddress:
    case message_type::getallmappings: return sender::client;
  }
  return std::nullopt;
}

std::optional<signal_code> signal_from_octet(std::uint8_t octet) noexcept {
  switch (octet) {
    case 0x01: return signal_code::reload;
    case 0x02: return signal_code::shutdown;
    case 0x10:
    case 0x0A: return signal_code::dump;
    case 0x12:
    case 0x0C: return signal_code::debug;
    case 0x15:
    case 0x0F: return signal_code::halt;
    default: return std::nullopt;
  }
}

bool is_known(signal_code code) noexcept {
  for (const signal_entry& s : signals) {
    if (s.code == code) return true;
  }
  return false;
}

std::string_view name(signal_code code) noexcept {
  for (const signal_entry& s : signals) {
    if (s.code == code) return s.name;
  }
  return "unknown";
}

std::optional<signal_code> signal_from_name(std::string_view name) noexcept {
  for (const signal_entry& s : signals) {
    if (s.name == name) return s.code;
  }
  return std::nullopt;
}

}  // namespace torctl::tc
