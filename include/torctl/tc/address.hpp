// Addresses in MAPADDRESS and ADDRESSMAPPED bodies (spec 3.11, 3.12):
//   Type [1 octet]: 0x01 IPv4 (4 octets), 0x02 IPv6 (16 octets),
//                   0x03 hostname (NUL-terminated)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "torctl/result.hpp"
#include "torctl/tc/bytes.hpp"
#include "torctl/tc/error_code.hpp"

namespace torctl::tc {

enum class address_type : std::uint8_t { ipv4 = 0x01, ipv6 = 0x02, hostname = 0x03 };

// One address. A hostname is a view: its text must outlive the address.
class address {
 public:
  address() = default;  // 0.0.0.0, the IPv4 null address

  static address ipv4(const std::array<std::uint8_t, 4>& octets) noexcept;
  static address ipv6(const std::array<std::uint8_t, 16>& octets) noexcept;
  static address hostname(std::string_view name) noexcept;

  // The null addresses 0.0.0.0, ::0 and "." ask the server to choose an address.
  static address null_of(address_type type) noexcept;

  address_type type() const noexcept { return type_; }
  // True for 0.0.0.0, ::0 and ".": "server chooses".
  bool is_null() const noexcept;

  // The 4 or 16 octets of an IP address (empty for a hostname).
  bytes_view ip_octets() const noexcept;
  // The hostname (empty for an IP address).
  std::string_view host() const noexcept {
    return type_ == address_type::hostname ? std::string_view(host_.data, host_.size)
                                           : std::string_view();
  }

  // Dotted quad, RFC 5952 IPv6 text, or the hostname as it is.
  std::string to_string() const;

  friend bool operator==(const address& a, const address& b) noexcept;

 private:
  address_type type_ = address_type::ipv4;
  // One or the other, as type_ says: keeps messages small enough to pass around cheaply.
  struct host_text {  // a trivial stand-in for string_view, allowed in a union
    const char* data;
    std::size_t size;
  };
  union {
    std::array<std::uint8_t, 16> ip_{};
    host_text host_;
  };
};

// An IPv4 or IPv6 address literal as text ("127.0.0.1", "::1", "[::1]": an IPv6 address
// may be in brackets, as the text protocol writes it); nullopt for anything else (a
// hostname, say).
std::optional<address> address_from_literal(std::string_view text) noexcept;

// Reads one address from the front of `rest` and advances past it.
result<address, decode_error> decode_address(bytes_view& rest) noexcept;

// Checks an address for encoding; returns its size, type octet included. A hostname
// must be non-empty, and every octet above 0x20 and not DEL (0x7F): no NUL, no control
// octets, no blanks. Octets from 0x80 up are allowed (UTF-8 names pass through).
result<std::size_t, encode_error> measure_address(const address& a) noexcept;
std::uint8_t* write_address(const address& a, std::uint8_t* out) noexcept;

}  // namespace torctl::tc
