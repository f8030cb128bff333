// Connecting as the global options say, and reporting failures with their fix.
#include <iostream>

#include "context.hpp"
#include "password_input.hpp"
#include "text_output.hpp"

namespace torctl::cli {

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// How to fix a failure, where the message alone does not say it. The client library's
// diagnosis (src/client/authenticate.cpp) says what the peer turned out to be; the
// phrases matched here are its wording, and tests/cli checks both ends.
std::string hint_for(const context& ctx, const client::error& e) {
  using client::errc;
  const bool tc = ctx.protocol() == client::protocol::tc;
  if (e.is(errc::wrong_service)) {
    if (!tc && contains(e.message, "speaks TC")) {
      return "torctld serves TC: add --protocol tc";
    }
    if (tc && (contains(e.message, "text protocol") || contains(e.message, "text control"))) {
      return "that is Tor's own control port: leave out --protocol tc (text is the default)";
    }
    return "give the control port with --control HOST:PORT (Tor's is usually 127.0.0.1:9051)";
  }
  if (e.is(errc::connection_failed)) {
    return ctx.global.control.empty()
               ? "start Tor or torctld, or name the port with --control HOST:PORT"
               : "is Tor (or torctld) running there? check the address, or start it";
  }
  if (e.is(errc::authentication_unavailable)) {
    if (contains(e.message, "none was given")) {
      return "give the password with --password (read from a prompt or standard input)";
    }
    return "give a readable cookie with --cookie FILE, or a password with --password";
  }
  if (e.is(errc::authentication_failed)) {
    return tc ? "check the passphrase (--password) or the cookie (--cookie FILE)"
              : "check the password (--password) or the cookie file (--cookie FILE)";
  }
  if (e.is(errc::not_supported) && tc) {
    return "TC lacks this; Tor's own control port has it (--protocol text)";
  }
  return {};
}

int report_with(const context& ctx, exit_status status, const std::string& message,
                const std::string& hint, const client::error* cause) {
  std::cerr << "torctl: " << printable(message) << '\n';
  if (!hint.empty()) std::cerr << "torctl: " << hint << '\n';
  if (ctx.global.json) {
    json error = {{"class", name(status)}, {"exit", code(status)}, {"message", message}};
    if (!hint.empty()) error["hint"] = hint;
    if (cause != nullptr) {
      error["code"] = errc_name(*cause);
      if (cause->tor_status) error["tor_status"] = *cause->tor_status;
      if (cause->tc_code) error["tc_code"] = *cause->tc_code;
    }
    print_json({{"error", error}});
  }
  return code(status);
}

}  // namespace

void print_json(const json& document) {
  std::cout << document.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
}

int report(const context& ctx, exit_status status, const std::string& message,
           const std::string& hint) {
  return report_with(ctx, status, message, hint, nullptr);
}

int report(const context& ctx, const client::error& e) {
  return report_with(ctx, classify(e), e.message, hint_for(ctx, e), &e);
}

namespace {

// The control password: --password reads it (prompt or standard input); otherwise
// TOR_CONTROL_PASSWD, as Tor Browser's launcher sets it, if present.
std::optional<auth::secret> password_for(const context& ctx, std::string& why) {
  if (ctx.global.password) return read_password("Control port password: ", why);
  if (const char* env = std::getenv("TOR_CONTROL_PASSWD"); env != nullptr && *env != '\0') {
    return auth::secret(std::string_view(env));
  }
  return auth::secret();
}

}  // namespace

int with_connection(const context& ctx, const connected_action& action) {
  client::connect_options o;
  o.protocol = ctx.protocol();
  if (!ctx.global.control.empty()) {
    auto where = client::parse_endpoint(ctx.global.control);
    if (!where) {
      return report(ctx, exit_status::usage, "--control: " + where.error().message,
                    "write HOST:PORT (127.0.0.1:9051), [IPV6]:PORT or unix:PATH");
    }
    o.endpoints.push_back(*where);
  }
  if (!ctx.global.cookie.empty()) {
    o.auth.cookie_file = ctx.global.cookie;
  } else if (const char* env = std::getenv("TOR_CONTROL_COOKIE_AUTH_FILE");
             env != nullptr && *env != '\0') {
    o.auth.cookie_file = std::string(env);
  }
  std::string why;
  auto password = password_for(ctx, why);
  if (!password) return report(ctx, exit_status::usage, "--password: " + why);
  o.auth.password = std::move(*password);
  // Parsed and checked when the command line was (main.cpp).
  o.command_timeout = *parse_duration(ctx.global.command_timeout);
  auto c = client::blocking_connection::open(std::move(o));
  if (!c) return report(ctx, c.error());
  return action(*c);
}

}  // namespace torctl::cli
