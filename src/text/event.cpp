// Event dispatch and the events without connection state: BW, log messages,
// CONF_CHANGED, SIGNAL, STATUS_*. Circuits, streams, OR connections and address maps are
// in event_connections.cpp.
#include "torctl/text/event.hpp"

#include "event_names.hpp"
#include "event_parsers.hpp"
#include "torctl/text/arguments.hpp"

namespace torctl::text {

namespace detail {

std::string_view parse_bandwidth(argument_reader& args, event_body& body) {
  const auto read = args.next();
  const auto written = args.next();
  if (!read || !written) return "BW event lacks its two byte counts";
  const auto read_count = parse_number<std::uint64_t>(read->value);
  const auto written_count = parse_number<std::uint64_t>(written->value);
  if (!read_count || !written_count) {
    return "BW event byte count is not a number";
  }
  body.emplace<bandwidth_event>(bandwidth_event{*read_count, *written_count});
  return {};
}

std::string_view parse_log(const reply& r, std::string_view keyword, std::string_view rest,
                           event_body& body) {
  log_event& out = body.emplace<log_event>();
  out.level = lookup(severity_names, keyword, severity::unknown);
  const reply_line& first = r.lines.front();
  if (first.data) {
    std::string_view message = *first.data;
    if (!message.empty() && message.back() == '\n') message.remove_suffix(1);
    out.message = message;
  } else {
    out.message = rest;
  }
  return {};
}

std::string_view parse_conf_changed(const reply& r, event_body& body) {
  conf_changed_event& out = body.emplace<conf_changed_event>();
  // Every line after the first, except a final "OK".
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    const std::string_view text = r.lines[i].text;
    if (i + 1 == r.lines.size() && text == "OK") break;
    const std::size_t equals = text.find('=');
    config_change change{text.substr(0, equals), std::nullopt};
    if (change.key.empty()) return "CONF_CHANGED line has no key";
    if (equals != std::string_view::npos) change.value = text.substr(equals + 1);
    out.changes.push_back(change);
  }
  return {};
}

std::string_view parse_signal(argument_reader& args, event_body& body) {
  const auto name = args.next();
  if (!name || name->value.empty()) return "SIGNAL event names no signal";
  body.emplace<signal_event>(signal_event{name->value});
  return {};
}

std::string_view parse_status(status_kind kind, argument_reader& args, event_body& body) {
  status_event& out = body.emplace<status_event>();
  out.kind = kind;
  const auto level = args.next();
  const auto action = args.next();
  if (!level || !action || action->value.empty()) {
    return "STATUS event lacks its severity or action";
  }
  out.severity_text = level->value;
  out.level = lookup(severity_names, level->value, severity::unknown);
  out.action = action->value;
  out.arguments = args.rest();
  return {};
}

}  // namespace detail

namespace {

using detail::event_body;

std::optional<status_kind> status_kind_of(std::string_view keyword) noexcept {
  if (keyword == "STATUS_GENERAL") return status_kind::general;
  if (keyword == "STATUS_CLIENT") return status_kind::client;
  // Tor before 0.2.0.22-rc misspelled it.
  if (keyword == "STATUS_SERVER" || keyword == "STATUS_SEVER") return status_kind::server;
  return std::nullopt;
}

std::string_view parse_body(const reply& r, std::string_view keyword, std::string_view rest,
                            event_body& body) {
  argument_reader args(rest);
  if (keyword == "CIRC") return detail::parse_circuit(args, body);
  if (keyword == "STREAM") return detail::parse_stream(args, body);
  if (keyword == "ORCONN") return detail::parse_orconn(args, body);
  if (keyword == "BW") return detail::parse_bandwidth(args, body);
  if (keyword == "ADDRMAP") return detail::parse_addrmap(args, body);
  if (keyword == "CONF_CHANGED") return detail::parse_conf_changed(r, body);
  if (keyword == "SIGNAL") return detail::parse_signal(args, body);
  if (const auto kind = status_kind_of(keyword)) return detail::parse_status(*kind, args, body);
  if (detail::lookup(detail::severity_names, keyword, severity::unknown) != severity::unknown) {
    return detail::parse_log(r, keyword, rest, body);
  }
  return {};  // unknown: the body stays unknown_event
}

}  // namespace

result<event, std::string_view> parse_event(const reply& r) {
  if (r.lines.empty() || !r.is_event()) return failure{std::string_view("not an event reply")};
  const std::string_view text = r.lines.front().text;
  const std::size_t space = text.find(' ');
  event out;
  out.keyword = text.substr(0, space);
  out.line = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  if (out.keyword.empty()) return failure{std::string_view("event has no keyword")};
  const std::string_view error = parse_body(r, out.keyword, out.line, out.body);
  if (!error.empty()) return failure{error};
  return out;
}

long_name parse_long_name(std::string_view text) noexcept {
  if (text.empty() || text.front() != '$') return {{}, text};
  text.remove_prefix(1);
  const std::size_t mark = text.find_first_of("~=");
  if (mark == std::string_view::npos) return {text, {}};
  return {text.substr(0, mark), text.substr(mark + 1)};
}

std::string_view to_string(circuit_status s) noexcept {
  return detail::name_of(detail::circuit_status_names, s);
}
std::string_view to_string(stream_status s) noexcept {
  return detail::name_of(detail::stream_status_names, s);
}
std::string_view to_string(orconn_status s) noexcept {
  return detail::name_of(detail::orconn_status_names, s);
}
std::string_view to_string(severity s) noexcept {
  return detail::name_of(detail::severity_names, s);
}

}  // namespace torctl::text
