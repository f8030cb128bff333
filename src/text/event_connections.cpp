// Parsers of the events about circuits, streams, OR connections and address mappings.
#include "event_names.hpp"
#include "event_parsers.hpp"

namespace torctl::text::detail {

namespace {

void assign_field(const argument& arg, std::initializer_list<field> fields) noexcept {
  if (!arg.has_key()) return;
  for (const auto& [key, target] : fields) {
    if (key == arg.key) {
      *target = arg.value;
      return;
    }
  }
}

// Reads an optional positional argument (a path, say): if the next argument is a
// KEYWORD=value one instead, it is assigned to `fields` and `positional` stays empty.
bool read_optional_positional(argument_reader& args, std::string_view& positional,
                              std::initializer_list<field> fields) noexcept {
  argument arg;
  if (!args.next(arg)) return !args.failed();
  if (arg.has_key()) {
    assign_field(arg, fields);
  } else {
    positional = arg.value;
  }
  return read_keyword_fields(args, fields);
}

constexpr std::string_view unterminated = "event argument has an unterminated quoted string";

// Address ":" Port; an IPv6 address may be in brackets.
void split_target(stream_event& out) noexcept {
  const std::size_t colon = out.target.rfind(':');
  if (colon == std::string_view::npos) {
    out.target_host = out.target;
    return;
  }
  std::string_view host = out.target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.target_host = host;
  out.target_port = parse_number<std::uint16_t>(out.target.substr(colon + 1));
}

}  // namespace

bool read_keyword_fields(argument_reader& args, std::initializer_list<field> fields) noexcept {
  argument arg;
  while (args.next(arg)) assign_field(arg, fields);
  return !args.failed();
}

std::string_view parse_circuit(argument_reader& args, event_body& body) {
  circuit_event& out = body.emplace<circuit_event>();
  const auto id = args.next();
  const auto status = args.next();
  if (!id || !status || id->value.empty() || status->value.empty()) {
    return "CIRC event lacks its circuit ID or status";
  }
  out.id = id->value;
  out.status_text = status->value;
  out.status = lookup(circuit_status_names, status->value, circuit_status::unknown);
  const bool ok = read_optional_positional(args, out.path,
                                           {{"BUILD_FLAGS", &out.build_flags},
                                            {"PURPOSE", &out.purpose},
                                            {"HS_STATE", &out.hs_state},
                                            {"REND_QUERY", &out.rend_query},
                                            {"TIME_CREATED", &out.time_created},
                                            {"REASON", &out.reason},
                                            {"REMOTE_REASON", &out.remote_reason},
                                            {"SOCKS_USERNAME", &out.socks_username},
                                            {"SOCKS_PASSWORD", &out.socks_password}});
  if (!ok) return unterminated;
  return {};
}

std::string_view parse_stream(argument_reader& args, event_body& body) {
  stream_event& out = body.emplace<stream_event>();
  const auto id = args.next();
  const auto status = args.next();
  const auto circuit = args.next();
  const auto target = args.next();
  if (!id || !status || !circuit || !target || id->value.empty() || status->value.empty()) {
    return "STREAM event lacks its ID, status, circuit or target";
  }
  out.id = id->value;
  out.status_text = status->value;
  out.status = lookup(stream_status_names, status->value, stream_status::unknown);
  out.circuit_id = circuit->value;
  out.target = target->value;
  split_target(out);
  const bool ok = read_keyword_fields(args, {{"REASON", &out.reason},
                                             {"REMOTE_REASON", &out.remote_reason},
                                             {"SOURCE", &out.source},
                                             {"SOURCE_ADDR", &out.source_addr},
                                             {"PURPOSE", &out.purpose},
                                             {"CLIENT_PROTOCOL", &out.client_protocol},
                                             {"NYM_EPOCH", &out.nym_epoch},
                                             {"SESSION_GROUP", &out.session_group},
                                             {"ISO_FIELDS", &out.iso_fields},
                                             {"SOCKS_USERNAME", &out.socks_username},
                                             {"SOCKS_PASSWORD", &out.socks_password}});
  if (!ok) return unterminated;
  return {};
}

std::string_view parse_orconn(argument_reader& args, event_body& body) {
  orconn_event& out = body.emplace<orconn_event>();
  const auto target = args.next();
  const auto status = args.next();
  if (!target || !status || target->value.empty() || status->value.empty()) {
    return "ORCONN event lacks its target or status";
  }
  out.target = target->value;
  out.status_text = status->value;
  out.status = lookup(orconn_status_names, status->value, orconn_status::unknown);
  std::string_view circuits;
  const bool ok =
      read_keyword_fields(args, {{"REASON", &out.reason}, {"NCIRCS", &circuits}, {"ID", &out.id}});
  if (!ok) return unterminated;
  if (!circuits.empty()) {
    out.circuit_count = parse_number<std::uint32_t>(circuits);
    if (!out.circuit_count) return "ORCONN NCIRCS is not a number";
  }
  return {};
}

std::string_view parse_addrmap(argument_reader& args, event_body& body) {
  addrmap_event& out = body.emplace<addrmap_event>();
  const auto from = args.next();
  const auto to = args.next();  // may be empty: a mapping to nothing
  const auto expiry = args.next();
  if (!from || !to || !expiry || from->value.empty() || expiry->value.empty()) {
    return "ADDRMAP event lacks its address, target or expiry";
  }
  out.from = from->value;
  out.to = to->value;
  out.failed = out.to == "<error>";
  out.never_expires = !expiry->quoted && expiry->value == "NEVER";
  if (!out.never_expires) out.expiry_local = expiry->value;
  std::string_view cached;
  const bool ok = read_keyword_fields(args, {{"error", &out.error_code},
                                             {"EXPIRES", &out.expires_utc},
                                             {"CACHED", &cached},
                                             {"STREAMID", &out.stream_id}});
  if (!ok) return unterminated;
  if (cached == "YES") out.cached = true;
  if (cached == "NO") out.cached = false;
  return {};
}

}  // namespace torctl::text::detail
