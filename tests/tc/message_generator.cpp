#include "tc/message_generator.hpp"

namespace torctl::tc::testing {

std::string_view message_generator::text(std::size_t max, std::string_view alphabet) {
  std::string s(1 + below(static_cast<std::uint32_t>(max)), ' ');
  for (char& c : s) c = alphabet[below(static_cast<std::uint32_t>(alphabet.size()))];
  return keep(std::move(s));
}

std::string_view message_generator::binary(std::size_t max, bool allow_nul) {
  std::string s(below(static_cast<std::uint32_t>(max + 1)), ' ');
  for (char& c : s) {
    c = static_cast<char>(allow_nul ? below(256) : 1 + below(255));
  }
  return keep(std::move(s));
}

// Values avoid NUL, CR and NL; SETCONF values also avoid blanks at either end, which
// Tor's torrc reading would drop.
std::string_view message_generator::value(bool for_setconf) {
  std::string s(below(40) + (for_setconf ? 1 : 0), ' ');
  for (char& c : s) {
    do {
      c = static_cast<char>(below(256));
    } while (c == '\0' || c == '\r' || c == '\n');
  }
  if (for_setconf) {
    if (s.front() == ' ' || s.front() == '\t') s.front() = 'a';
    if (s.back() == ' ' || s.back() == '\t') s.back() = 'z';
  }
  return keep(std::move(s));
}

address message_generator::random_address() {
  switch (below(5)) {
    case 0: {
      std::array<std::uint8_t, 4> ip{};
      for (auto& b : ip) b = static_cast<std::uint8_t>(below(256));
      return address::ipv4(ip);
    }
    case 1: {
      std::array<std::uint8_t, 16> ip{};
      for (auto& b : ip) b = static_cast<std::uint8_t>(below(256));
      return address::ipv6(ip);
    }
    case 2: return address::null_of(static_cast<address_type>(1 + below(3)));
    default: {
      std::string host(1 + below(60), ' ');
      for (char& c : host) c = static_cast<char>(0x21 + below(0x7F - 0x21));
      return address::hostname(keep(std::move(host)));
    }
  }
}

event_payload message_generator::random_event() {
  const auto non_nul = [this](std::size_t max) { return binary(max, false); };
  switch (below(6)) {
    case 0:
      return circuit_status_event{circuit_status{static_cast<std::uint8_t>(below(256))},
                                  static_cast<std::uint32_t>(rng_()), non_nul(200)};
    case 1:
      return stream_status_event{stream_status{static_cast<std::uint8_t>(below(256))},
                                 static_cast<std::uint32_t>(rng_()), non_nul(60)};
    case 2:
      return orconn_status_event{orconn_status{static_cast<std::uint8_t>(below(256))}, non_nul(60)};
    case 3:
      return bandwidth_event{static_cast<std::uint32_t>(rng_()),
                             static_cast<std::uint32_t>(rng_())};
    case 4: return log_message_event{non_nul(300)};
    default: {
      const auto code = static_cast<std::uint16_t>(6 + below(0x10000 - 6));
      const std::string_view raw = binary(100, true);
      return unknown_event{code, as_bytes(raw)};
    }
  }
}

message message_generator::of_type(message_type type) {
  switch (type) {
    case message_type::error:
      return error_message{error_code{static_cast<std::uint16_t>(below(0x10000))},
                           binary(80, true)};
    case message_type::done: return done_message{};
    case message_type::setconf:
    case message_type::confvalue: {
      const bool setconf = type == message_type::setconf;
      std::vector<config_entry> entries(below(10));
      for (auto& e : entries) {
        e.key = key();
        if (coin()) e.value = value(setconf);
      }
      const auto list = keep_list(std::move(entries));
      if (setconf) return setconf_message{list};
      return confvalue_message{list};
    }
    case message_type::getconf: {
      std::vector<std::string_view> keys(below(10));
      for (auto& k : keys) k = key();
      return getconf_message{keep_list(std::move(keys))};
    }
    case message_type::setevents: {
      std::vector<event_code> codes(below(8));
      for (auto& c : codes) c = event_code{static_cast<std::uint16_t>(1 + below(5))};
      return setevents_message{keep_list(std::move(codes))};
    }
    case message_type::event: return event_message{random_event()};
    case message_type::authenticate: return authenticate_message{as_bytes(binary(64, true))};
    case message_type::saveconf: return saveconf_message{};
    case message_type::signal: {
      static constexpr signal_code all[] = {signal_code::reload, signal_code::shutdown,
                                            signal_code::dump, signal_code::debug,
                                            signal_code::halt};
      return signal_message{all[below(5)]};
    }
    case message_type::mapaddress: return mapaddress_message{random_address(), random_address()};
    case message_type::addressmapped:
      return addressmapped_message{random_address(), random_address()};
    case message_type::getallmappings: return getallmappings_message{};
  }
  return done_message{};
}

}  // namespace torctl::tc::testing
