// Errors of the client library. Every failed operation completes with a client::error:
// a classification (errc, as a std::error_code so that it can be compared and mapped),
// the server's own answer when there was one, and a message for people.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

namespace torctl::client {

enum class errc : std::uint8_t {
  // The caller's fault: nothing was sent.
  invalid_argument = 1,  // a key, value or name that cannot be sent safely or at all
  not_supported,         // the operation does not exist in this connection's protocol
  // Reaching the server.
  connection_failed,  // no endpoint could be connected to (message says what was tried)
  wrong_service,      // the endpoint answered, but it is not a control port of this protocol
  not_connected,      // the connection is closed, or reconnecting
  queue_full,         // too many commands in flight on this connection
  connection_lost,    // the connection dropped while the operation was pending
  // Waiting.
  timeout,    // no answer within the connection's timeout
  cancelled,  // the caller cancelled the operation
  // Authentication.
  authentication_unavailable,  // no method the server offers can be used (message says why)
  authentication_failed,       // the server refused the credential
  server_not_authentic,        // SAFECOOKIE: the server could not prove it knows the cookie
  // The server.
  refused,               // the server answered with an error: see error::tor_status / tc_code
  protocol_error,        // the server broke the protocol's grammar: the connection is closed
  event_queue_overflow,  // events arrived faster than read, and the policy was to close
  // Launching a Tor.
  launch_failed,  // tor could not be started, or exited before it was ready
};

const std::error_category& client_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

struct error {
  std::error_code code;
  // For errc::refused: the text protocol's status code (552, 513, ...) or the TC error
  // code (0x0004, ...); at most one of the two is set.
  std::optional<std::uint16_t> tor_status;
  std::optional<std::uint16_t> tc_code;
  // For people: what failed and, where it can, how to fix it. Never holds a secret.
  std::string message;

  error() = default;
  error(errc e, std::string text) : code(make_error_code(e)), message(std::move(text)) {}

  bool is(errc e) const noexcept { return code == make_error_code(e); }
};

}  // namespace torctl::client

template <>
struct std::is_error_code_enum<torctl::client::errc> : std::true_type {};
