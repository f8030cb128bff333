// Internal: one parser per known event, each reading the arguments after the keyword.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

#include "torctl/text/arguments.hpp"
#include "torctl/text/event.hpp"

namespace torctl::text::detail {

using event_body = decltype(event::body);

// Each parser reads the arguments after the event's keyword into `body` (emplacing its
// type) and returns empty, or a static reason the event breaks its grammar.
std::string_view parse_circuit(argument_reader& args, event_body& body);
std::string_view parse_stream(argument_reader& args, event_body& body);
std::string_view parse_orconn(argument_reader& args, event_body& body);
std::string_view parse_addrmap(argument_reader& args, event_body& body);
std::string_view parse_bandwidth(argument_reader& args, event_body& body);
std::string_view parse_log(const reply& r, std::string_view keyword, std::string_view rest,
                           event_body& body);
std::string_view parse_conf_changed(const reply& r, event_body& body);
std::string_view parse_signal(argument_reader& args, event_body& body);
std::string_view parse_status(status_kind kind, argument_reader& args, event_body& body);

// Stores each remaining KEYWORD=value argument whose keyword is in `fields` (values
// unquoted, escapes in place); others are left for the caller to find in the line.
// Returns false if a quoted string is unterminated.
using field = std::pair<std::string_view, std::string_view*>;
bool read_keyword_fields(argument_reader& args, std::initializer_list<field> fields) noexcept;

}  // namespace torctl::text::detail
