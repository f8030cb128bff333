#include "torctl/tc/message_text.hpp"

#include <cstdio>

namespace torctl::tc {

namespace {

// Everything appends to one string. (Chains of `"literal" + std::string` also trip a
// false -Wrestrict in GCC 12 at -O3.)
void append_number(std::string& out, unsigned long value, const char* format = "%lu") {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, format, value);
  out += buffer;
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
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
          append_number(out, u, "\\x%02lx");
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_entries(std::string& out, const auto& lines, std::string_view missing) {
  for (const config_entry& e : lines) {
    out += ' ';
    out += e.key;
    out += '=';
    if (e.value) {
      append_quoted(out, *e.value);
    } else {
      out += missing;
    }
  }
}

void append_code(std::string& out, event_code code) {
  switch (code) {
    case event_code::circuit_status: out += "circuit-status"; return;
    case event_code::stream_status: out += "stream-status"; return;
    case event_code::orconn_status: out += "orconn-status"; return;
    case event_code::bandwidth: out += "bandwidth"; return;
    case event_code::log_message: out += "log"; return;
  }
  append_number(out, static_cast<unsigned long>(code), "0x%04lx");
}

// " <status> id=<n> <field>=\"...\"" for the status events.
void append_status(std::string& out, std::string_view status, const std::uint32_t* id,
                   std::string_view field, std::string_view value) {
  out += ' ';
  out += status;
  if (id != nullptr) {
    out += " id=";
    append_number(out, *id);
  }
  out += ' ';
  out += field;
  out += '=';
  append_quoted(out, value);
}

void append_event(std::string& out, const event_payload& payload) {
  out += ' ';
  append_code(out, code_of(payload));
  if (const auto* c = std::get_if<circuit_status_event>(&payload)) {
    append_status(out, name(c->status), &c->circuit_id, "path", c->path);
  } else if (const auto* s = std::get_if<stream_status_event>(&payload)) {
    append_status(out, name(s->status), &s->stream_id, "target", s->target);
  } else if (const auto* o = std::get_if<orconn_status_event>(&payload)) {
    append_status(out, name(o->status), nullptr, "router", o->router);
  } else if (const auto* b = std::get_if<bandwidth_event>(&payload)) {
    out += " read=";
    append_number(out, b->bytes_read);
    out += " written=";
    append_number(out, b->bytes_written);
  } else if (const auto* l = std::get_if<log_message_event>(&payload)) {
    out += ' ';
    append_quoted(out, l->message);
  } else if (const auto* u = std::get_if<unknown_event>(&payload)) {
    out += " payload=";
    append_quoted(out, as_text(u->payload));
  }
}

void append_address(std::string& out, const address& a) {
  append_quoted(out, a.to_string());
  if (a.is_null()) out += " (server chooses)";
}

void append_mapping(std::string& out, const address& original, const address& replacement) {
  out += ' ';
  append_address(out, original);
  out += " -> ";
  append_address(out, replacement);
}

}  // namespace

std::string quoted(std::string_view text) {
  std::string out;
  append_quoted(out, text);
  return out;
}

std::string to_string(const message& m) {
  std::string out(name(type_of(m)));
  if (const auto* e = std::get_if<error_message>(&m)) {
    out += ' ';
    append_number(out, static_cast<unsigned long>(e->code), "0x%04lx");
    out += " (";
    out += describe(e->code);
    out += ") ";
    append_quoted(out, e->text);
  } else if (const auto* s = std::get_if<setconf_message>(&m)) {
    append_entries(out, s->lines, "<default>");
  } else if (const auto* g = std::get_if<getconf_message>(&m)) {
    for (std::string_view key : g->keys) (out += ' ') += key;
  } else if (const auto* c = std::get_if<confvalue_message>(&m)) {
    append_entries(out, c->lines, "<unset>");
  } else if (const auto* se = std::get_if<setevents_message>(&m)) {
    for (event_code code : se->codes) append_code(out += ' ', code);
  } else if (const auto* ev = std::get_if<event_message>(&m)) {
    append_event(out, ev->payload);
  } else if (const auto* a = std::get_if<authenticate_message>(&m)) {
    out += " <";
    append_number(out, a->credential.size());
    out += " octets, not shown>";
  } else if (const auto* sig = std::get_if<signal_message>(&m)) {
    (out += ' ') += name(sig->signal);
  } else if (const auto* map = std::get_if<mapaddress_message>(&m)) {
    append_mapping(out, map->original, map->replacement);
  } else if (const auto* mapped = std::get_if<addressmapped_message>(&m)) {
    append_mapping(out, mapped->original, mapped->replacement);
  }
  return out;
}

}  // namespace torctl::tc
