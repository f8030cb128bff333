// Events as torctl prints them: one readable line each, or one JSON object each. The
// same fields come out of both protocols (a TC circuit status "built" is BUILT, as the
// text protocol spells it), so a script reads either the same way.
#pragma once

#include <chrono>
#include <string>

#include "context.hpp"
#include "torctl/client/event.hpp"

namespace torctl::cli {

// "12:00:01 CIRC   7 BUILT via relay0 > relay1 > exit0", "12:00:02 BW     1.2 KiB read,
// 3.4 KiB written", "12:00:03 NOTICE Bootstrapped 100% (done): Done"; anything else as
// the server described it. No line end; control characters escaped.
std::string event_line(const client::event& e, std::chrono::system_clock::time_point received);

// {"time": "...Z", "event": "CIRC", "id": "7", "status": "BUILT", "path": [...], ...,
// "line": "..."}: the fields docs/cli.md lists for each kind, and always "line", the
// event's text as the server sent it (TC: its rendering).
json event_json(const client::event& e, std::chrono::system_clock::time_point received);

}  // namespace torctl::cli
