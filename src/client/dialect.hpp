// Internal: each typed operation in each protocol. A dialect turns an operation's
// arguments into the bytes of a request (refusing, with invalid_argument or
// not_supported, what cannot be sent) and turns the raw reply back into the typed result
// (refused for the server's errors, protocol_error for a reply of the wrong shape).
// Nothing here does I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "link.hpp"
#include "torctl/client/error.hpp"
#include "torctl/client/types.hpp"
#include "torctl/result.hpp"

namespace torctl::client::detail {

class dialect {
 public:
  virtual ~dialect() = default;

  virtual result<request, error> get_conf(const std::vector<std::string>& keys) const = 0;
  virtual result<std::vector<config_entry>, error> read_conf(const raw_reply& r) const = 0;
  virtual result<request, error> set_conf(const std::vector<config_entry>& entries) const = 0;
  virtual result<request, error> save_conf(bool force) const = 0;
  virtual result<request, error> send_signal(signal s) const = 0;
  virtual result<request, error> map_address(std::string_view from, std::string_view to) const = 0;
  virtual result<address_mapping, error> read_mapping(const raw_reply& r) const = 0;
  virtual result<request, error> get_mappings() const = 0;
  virtual result<std::vector<address_mapping>, error> read_mappings(const raw_reply& r) const = 0;
  virtual result<request, error> get_info(const std::vector<std::string>& keys) const = 0;
  virtual result<std::vector<info_value>, error> read_info(const raw_reply& r) const = 0;
  virtual result<request, error> set_events(const std::vector<std::string>& names) const = 0;
  // A reply that carries nothing but success or failure; `what` names the command.
  virtual result<done, error> read_done(const raw_reply& r, std::string_view what) const = 0;
};

const dialect& text_dialect() noexcept;
const dialect& tc_dialect() noexcept;
inline const dialect& dialect_for(protocol p) noexcept {
  return p == protocol::text ? text_dialect() : tc_dialect();
}

// `text` quoted and escaped for an error message (keys and values are untrusted).
std::string shown(std::string_view text);

// Text from the server, for an error message: control octets become '?'.
std::string printable(std::string_view text);

// An IPv6 literal, with or without brackets, whose 16 octets are all zero.
bool is_zero_ipv6(std::string_view address);

}  // namespace torctl::client::detail
