// Address mapping replies: MAPADDRESS answers (control-spec 3.8) and the values of
// GETINFO address-mappings/* (control-spec 3.9).
//
// Tor answers a MAPADDRESS pair by pair, one line each, and the codes may differ within
// one reply:
//
//   512-syntax error: invalid address 'bad%addr'
//   250 a.example=b.example
//
// so a reply gives one entry per line, each with its own status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::text {

struct mapaddress_entry {
  std::uint16_t status = 0;
  std::string from,
      to;             // for status 250: the mapping made (the server's choice for a null address)
  std::string error;  // otherwise: Tor's text for this pair

  bool ok() const noexcept { return status == 250; }
  friend bool operator==(const mapaddress_entry&, const mapaddress_entry&) = default;
};

// Fails only for a 250 line without '='.
result<std::vector<mapaddress_entry>, std::string_view> parse_mapaddress(const reply& r);

struct address_mapping {
  std::string from, to;
  std::optional<std::string> expires;  // UTC "YYYY-MM-DD HH:MM:SS"; nullopt for NEVER
  friend bool operator==(const address_mapping&, const address_mapping&) = default;
};

// The value of address-mappings/all, /config, /cache or /control: one mapping per line,
// "from to expiry", expiry being NEVER or a quoted time. An empty value is no mappings.
// With `has_expiry` false it reads the older addr-mappings/* form, "from to".
result<std::vector<address_mapping>, std::string_view> parse_address_mappings(
    std::string_view value, bool has_expiry = true);

}  // namespace torctl::text
