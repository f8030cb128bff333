#include "exit_status.hpp"

#include <array>
#include <utility>

namespace torctl::cli {

namespace {

using client::errc;

struct errc_entry {
  errc value;
  std::string_view name;
  exit_status status;
};

// Every errc the client library has, with the class it falls in.
constexpr std::array<errc_entry, 16> errc_table = {{
    {errc::invalid_argument, "invalid_argument", exit_status::usage},
    {errc::not_supported, "not_supported", exit_status::usage},
    {errc::connection_failed, "connection_failed", exit_status::connection},
    {errc::wrong_service, "wrong_service", exit_status::connection},
    {errc::not_connected, "not_connected", exit_status::connection},
    {errc::queue_full, "queue_full", exit_status::failure},
    {errc::connection_lost, "connection_lost", exit_status::connection},
    {errc::timeout, "timeout", exit_status::failure},
    {errc::cancelled, "cancelled", exit_status::failure},
    {errc::authentication_unavailable, "authentication_unavailable", exit_status::authentication},
    {errc::authentication_failed, "authentication_failed", exit_status::authentication},
    {errc::server_not_authentic, "server_not_authentic", exit_status::authentication},
    {errc::refused, "refused", exit_status::refused},
    {errc::protocol_error, "protocol_error", exit_status::failure},
    {errc::event_queue_overflow, "event_queue_overflow", exit_status::failure},
    {errc::launch_failed, "launch_failed", exit_status::failure},
}};

const errc_entry* find(const client::error& e) noexcept {
  for (const errc_entry& entry : errc_table) {
    if (e.is(entry.value)) return &entry;
  }
  return nullptr;
}

}  // namespace

exit_status classify(const client::error& e) noexcept {
  const errc_entry* entry = find(e);
  return entry != nullptr ? entry->status : exit_status::failure;
}

std::string_view name(exit_status s) noexcept {
  switch (s) {
    case exit_status::ok: return "ok";
    case exit_status::refused: return "refused";
    case exit_status::usage: return "usage";
    case exit_status::connection: return "connection";
    case exit_status::authentication: return "authentication";
    case exit_status::failure: return "failure";
  }
  return "failure";
}

std::string_view errc_name(const client::error& e) noexcept {
  const errc_entry* entry = find(e);
  return entry != nullptr ? entry->name : "unknown";
}

}  // namespace torctl::cli
