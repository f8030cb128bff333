// Test helper: TC EVENT frames and Tor's text events in one comparable form, so that a
// test can check what torctld sent against what the same Tor said on its own control
// port. The expectation is written here from the TC spec, independently of torctld's
// mapping code:
//
//   CIRC <status octet> <id> <path>     STREAM <status octet> <id> <target>
//   ORCONN <status octet> <relay>       BW <read> <written>       LOG <message>
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "torctl/tc/event.hpp"
#include "torctl/text/event.hpp"

namespace torctl::testing {

// The form of an EVENT frame's body (code, then payload); "?" and the reason when it
// does not decode.
inline std::string describe_tc_event(std::string_view body) {
  if (body.size() < 2) return "? short body";
  const auto code = static_cast<std::uint16_t>(static_cast<unsigned char>(body[0]) << 8 |
                                               static_cast<unsigned char>(body[1]));
  const auto p = tc::decode_event_payload(code, tc::as_bytes(body.substr(2)));
  if (!p) return "? " + std::string(p.error().reason);
  const auto n = [](auto status) { return std::to_string(static_cast<int>(status)); };
  if (const auto* c = std::get_if<tc::circuit_status_event>(&*p)) {
    return "CIRC " + n(c->status) + " " + std::to_string(c->circuit_id) + " " +
           std::string(c->path);
  }
  if (const auto* s = std::get_if<tc::stream_status_event>(&*p)) {
    return "STREAM " + n(s->status) + " " + std::to_string(s->stream_id) + " " +
           std::string(s->target);
  }
  if (const auto* o = std::get_if<tc::orconn_status_event>(&*p)) {
    return "ORCONN " + n(o->status) + " " + std::string(o->router);
  }
  if (const auto* b = std::get_if<tc::bandwidth_event>(&*p)) {
    return "BW " + std::to_string(b->bytes_read) + " " + std::to_string(b->bytes_written);
  }
  if (const auto* l = std::get_if<tc::log_message_event>(&*p)) {
    return "LOG " + std::string(l->message);
  }
  return "? unknown code " + std::to_string(code);
}

// What TC should carry for one of Tor's events (TC spec 3.7), or nullopt where TC has no
// form for it.
inline std::optional<std::string> expected_tc_event(const text::event& e) {
  static const std::map<std::string_view, int> circ = {
      {"LAUNCHED", 0}, {"BUILT", 1}, {"EXTENDED", 2}, {"FAILED", 3}, {"CLOSED", 4}};
  static const std::map<std::string_view, int> stream = {
      {"SENTCONNECT", 0}, {"SENTRESOLVE", 1}, {"SUCCEEDED", 2}, {"FAILED", 3}, {"CLOSED", 4}};
  static const std::map<std::string_view, int> orconn = {
      {"LAUNCHED", 0}, {"CONNECTED", 1}, {"FAILED", 2}, {"CLOSED", 3}};
  const auto id_fits = [](std::string_view id) {
    std::uint32_t v = 0;
    const auto [at, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
    return !id.empty() && ec == std::errc() && at == id.data() + id.size();
  };
  if (const auto* c = std::get_if<text::circuit_event>(&e.body)) {
    const auto s = circ.find(c->status_text);
    if (s == circ.end() || !id_fits(c->id)) return std::nullopt;
    return "CIRC " + std::to_string(s->second) + " " + std::string(c->id) + " " +
           std::string(c->path);
  }
  if (const auto* st = std::get_if<text::stream_event>(&e.body)) {
    const auto s = stream.find(st->status_text);
    if (s == stream.end() || !id_fits(st->id)) return std::nullopt;
    return "STREAM " + std::to_string(s->second) + " " + std::string(st->id) + " " +
           std::string(st->target);
  }
  if (const auto* o = std::get_if<text::orconn_event>(&e.body)) {
    const auto s = orconn.find(o->status_text);
    if (s == orconn.end()) return std::nullopt;
    return "ORCONN " + std::to_string(s->second) + " " + std::string(o->target);
  }
  if (const auto* b = std::get_if<text::bandwidth_event>(&e.body)) {
    constexpr std::uint64_t most = 0xFFFF'FFFF;
    return "BW " + std::to_string(std::min(b->read, most)) + " " +
           std::to_string(std::min(b->written, most));
  }
  if (e.keyword == "NOTICE" || e.keyword == "WARN" || e.keyword == "ERR") {
    if (const auto* l = std::get_if<text::log_event>(&e.body)) {
      return "LOG " + std::string(l->message);
    }
  }
  return std::nullopt;
}

}  // namespace torctl::testing
