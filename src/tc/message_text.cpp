#include "torctl/tc/message_text.hpp"

#include <cstdio>

namespace torctl::tc {

namespace {

std::string number(unsigned long value, const char* format = "%lu") {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

void append_entries(std::string& out, const auto& lines, std::string_view missing) {
  for (const config_entry& e : lines) {
    out += ' ';
    out += e.key;
    out += '=';
    out += e.value ? quoted(*e.value) : std::string(missing);
  }
}

std::string render_code(event_code code) {
  switch (code) {
    case event_code::circuit_status: return "circuit-status";
    case event_code::stream_status: return "stream-status";
    case event_code::orconn_status: return "orconn-status";
    case event_code::bandwidth: return "bandwidth";
    case event_code::log_message: return "log";
  }
  return number(static_cast<unsigned long>(code), "0x%04lx");
}

std::string render_event(const event_payload& payload) {
  struct visitor {
    std::string operator()(const circuit_status_event& e) const {
      return "circuit-status " + std::string(name(e.status)) + " id=" + number(e.circuit_id) +
             " path=" + quoted(e.path);
    }
    std::string operator()(const stream_status_event& e) const {
      return "stream-status " + std::string(name(e.status)) + " id=" + number(e.stream_id) +
             " target=" + quoted(e.target);
    }
    std::string operator()(const orconn_status_event& e) const {
      return "orconn-status " + std::string(name(e.status)) + " router=" + quoted(e.router);
    }
    std::string operator()(const bandwidth_event& e) const {
      return "bandwidth read=" + number(e.bytes_read) + " written=" + number(e.bytes_written);
    }
    std::string operator()(const log_message_event& e) const {
      return "log " + quoted(e.message);
    }
    std::string operator()(const unknown_event& e) const {
      return render_code(event_code{e.code}) + " payload=" + quoted(as_text(e.payload));
    }
  };
  return std::visit(visitor{}, payload);
}

std::string render_address(const address& a) {
  return quoted(a.to_string()) + (a.is_null() ? " (server chooses)" : "");
}

std::string render_mapping(const address& original, const address& replacement) {
  return " " + render_address(original) + " -> " + render_address(replacement);
}


}  // namespace

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u >= 0x7F) {
          out += number(u, "\\x%02lx");
        } else {
          out += c;
        }
    }
  }
  return out + '"';
}

std::string to_string(const message& m) {
  std::string out(name(type_of(m)));
  if (const auto* e = std::get_if<error_message>(&m)) {
    out += " " + number(static_cast<unsigned long>(e->code), "0x%04lx") + " (" +
           std::string(describe(e->code)) + ") " + quoted(e->text);
  } else if (const auto* s = std::get_if<setconf_message>(&m)) {
    append_entries(out, s->lines, "<default>");
  } else if (const auto* g = std::get_if<getconf_message>(&m)) {
    for (std::string_view key : g->keys) out += " " + std::string(key);
  } else if (const auto* c = std::get_if<confvalue_message>(&m)) {
    append_entries(out, c->lines, "<unset>");
  } else if (const auto* se = std::get_if<setevents_message>(&m)) {
    for (event_code code : se->codes) out += " " + render_code(code);
  } else if (const auto* ev = std::get_if<event_message>(&m)) {
    out += " " + render_event(ev->payload);
  } else if (const auto* a = std::get_if<authenticate_message>(&m)) {
    out += " <" + number(a->credential.size()) + " octets, not shown>";
  } else if (const auto* sig = std::get_if<signal_message>(&m)) {
    out += " " + std::string(name(sig->signal));
  } else if (const auto* map = std::get_if<mapaddress_message>(&m)) {
    out += render_mapping(map->original, map->replacement);
  } else if (const auto* mapped = std::get_if<addressmapped_message>(&m)) {
    out += render_mapping(mapped->original, mapped->replacement);
  }
  return out;
}

}  // namespace torctl::tc
