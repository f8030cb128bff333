#include "event_format.hpp"

#include <algorithm>
#include <variant>

#include "text_output.hpp"

namespace torctl::cli {

namespace {

// The fields common to both protocols, filled from whichever the event came in. Empty
// strings are fields the event did not carry.
struct event_fields {
  std::string kind;  // CIRC, STREAM, ORCONN, BW, or the log severity (NOTICE, ...)
  std::string id, status, path, target, circuit, reason, purpose, message;
  std::optional<std::uint64_t> read, written, circuits;
  bool known = false;  // one of the kinds above, parsed
};

std::string upper_no_blanks(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// ---- text protocol ----

struct text_visitor {
  event_fields& f;
  void operator()(const text::circuit_event& c) const {
    f.id = c.id;
    f.status = c.status_text;
    f.path = c.path;
    f.reason = c.reason;
    f.purpose = c.purpose;
    f.known = true;
  }
  void operator()(const text::stream_event& s) const {
    f.id = s.id;
    f.status = s.status_text;
    f.circuit = s.circuit_id;
    f.target = s.target;
    f.reason = s.reason;
    f.purpose = s.purpose;
    f.known = true;
  }
  void operator()(const text::orconn_event& o) const {
    f.id = o.id;
    f.status = o.status_text;
    f.target = o.target;
    f.reason = o.reason;
    if (o.circuit_count) f.circuits = *o.circuit_count;
    f.known = true;
  }
  void operator()(const text::bandwidth_event& b) const {
    f.read = b.read;
    f.written = b.written;
    f.known = true;
  }
  void operator()(const text::log_event& l) const {
    f.message = l.message;
    f.known = true;
  }
  // "Nickname=mynode, ExitPolicy (default)"; JSON has them as a list (add_changes).
  void operator()(const text::conf_changed_event& c) const {
    for (const text::config_change& change : c.changes) {
      f.message += (f.message.empty() ? "" : ", ") + std::string(change.key) +
                   (change.value ? "=" + std::string(*change.value) : " (default)");
    }
    f.known = true;
  }
  // Any other kind is printed as the server described it.
  template <class Other>
  void operator()(const Other&) const {}
};

// ---- TC ----

// TC's status names ("sent connect") as the text protocol spells them ("SENTCONNECT").
struct tc_visitor {
  event_fields& f;
  void operator()(const tc::circuit_status_event& c) const {
    f.kind = "CIRC";
    f.id = std::to_string(c.circuit_id);
    f.status = upper_no_blanks(tc::name(c.status));
    f.path = c.path;
    f.known = true;
  }
  void operator()(const tc::stream_status_event& s) const {
    f.kind = "STREAM";
    f.id = std::to_string(s.stream_id);
    f.status = upper_no_blanks(tc::name(s.status));
    f.target = s.target;
    f.known = true;
  }
  void operator()(const tc::orconn_status_event& o) const {
    f.kind = "ORCONN";
    f.status = upper_no_blanks(tc::name(o.status));
    f.target = o.router;
    f.known = true;
  }
  void operator()(const tc::bandwidth_event& b) const {
    f.kind = "BW";
    f.read = b.bytes_read;
    f.written = b.bytes_written;
    f.known = true;
  }
  void operator()(const tc::log_message_event& l) const {
    f.kind = "LOG";
    f.message = l.message;
    f.known = true;
  }
  void operator()(const tc::unknown_event&) const {}
};

event_fields fields_of(const client::event& e) {
  event_fields f;
  f.kind = e.name();
  if (const text::event* t = e.text()) std::visit(text_visitor{f}, t->body);
  if (const tc::event_payload* p = e.tc()) std::visit(tc_visitor{f}, *p);
  return f;
}

// A relay as people know it: its nickname, else its fingerprint, else what was sent.
std::string relay_name(std::string_view long_name) {
  const text::long_name n = text::parse_long_name(long_name);
  if (!n.nickname.empty()) return std::string(n.nickname);
  if (!n.fingerprint.empty()) return "$" + std::string(n.fingerprint);
  return std::string(long_name);
}

std::string readable_path(std::string_view path) {
  std::string out;
  text::for_each_hop(path, [&](text::long_name hop) {
    out += (out.empty() ? "" : " > ") +
           (hop.nickname.empty() ? "$" + std::string(hop.fingerprint) : std::string(hop.nickname));
  });
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The server's own text after the event's name.
std::string described_fields(const client::event& e, const std::string& name) {
  std::string text = e.describe();
  if (text.compare(0, name.size(), name) == 0) text.erase(0, name.size());
  if (!text.empty() && (text.front() == ' ' || text.front() == ';')) text.erase(0, 1);
  return text.empty() || text.front() != ' ' ? text : text.substr(1);
}

// The part after the event's name.
std::string readable_fields(const event_fields& f, const client::event& e) {
  if (!f.known) return described_fields(e, f.kind);
  if (f.read) return human_bytes(*f.read) + " read, " + human_bytes(*f.written) + " written";
  if (f.kind == "CIRC") {
    std::string s = f.id + " " + lower(f.status);
    if (!f.path.empty()) s += " via " + readable_path(f.path);
    if (!f.purpose.empty()) s += " (" + lower(f.purpose) + ")";
    return s;
  }
  if (f.kind == "STREAM") {
    std::string s = f.id + " " + lower(f.status) + " " + f.target;
    if (!f.circuit.empty() && f.circuit != "0") s += " on circuit " + f.circuit;
    return s;
  }
  if (f.kind == "ORCONN") {
    std::string s = relay_name(f.target) + " " + lower(f.status);
    if (f.circuits) s += ", " + std::to_string(*f.circuits) + " circuits";
    return s;
  }
  return f.message;
}

// CONF_CHANGED: "changes": [{"key": ..., "value": ... or null for the default}].
void add_changes(json& j, const client::event& e) {
  const text::event* t = e.text();
  const auto* c = t != nullptr ? std::get_if<text::conf_changed_event>(&t->body) : nullptr;
  if (c == nullptr) return;
  json changes = json::array();
  for (const text::config_change& change : c->changes) {
    changes.push_back(
        {{"key", change.key}, {"value", change.value ? json(*change.value) : json(nullptr)}});
  }
  j["changes"] = changes;
  j.erase("message");
}

}  // namespace

std::string event_line(const client::event& e, std::chrono::system_clock::time_point received) {
  const event_fields f = fields_of(e);
  std::string name = f.kind;
  if (name.size() < 6) name.resize(6, ' ');
  std::string line = local_clock_time(received) + " " + name + " " + readable_fields(f, e);
  if (!f.reason.empty()) line += " (reason: " + lower(f.reason) + ")";
  if (!e.parse_error().empty()) line += " [unparsed: " + std::string(e.parse_error()) + "]";
  return printable(line);
}

json event_json(const client::event& e, std::chrono::system_clock::time_point received) {
  const event_fields f = fields_of(e);
  json j = {{"time", utc_timestamp(received)}, {"event", f.kind}};
  const auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  put("id", f.id);
  put("status", f.status);
  if (!f.path.empty()) {
    json hops = json::array();
    text::for_each_hop(f.path, [&](text::long_name hop) {
      hops.push_back({{"fingerprint", hop.fingerprint}, {"nickname", hop.nickname}});
    });
    j["path"] = hops;
  }
  put("target", f.target);
  put("circuit", f.circuit);
  put("reason", f.reason);
  put("purpose", f.purpose);
  if (f.read) j["read"] = *f.read;
  if (f.written) j["written"] = *f.written;
  if (f.circuits) j["circuits"] = *f.circuits;
  if (f.known && !f.message.empty()) j["message"] = f.message;
  add_changes(j, e);
  if (!e.parse_error().empty()) j["parse_error"] = std::string(e.parse_error());
  if (e.dropped_before() > 0) j["dropped_before"] = e.dropped_before();
  j["line"] = e.describe();
  return j;
}

}  // namespace torctl::cli
