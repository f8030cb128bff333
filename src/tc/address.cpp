#include "torctl/tc/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace torctl::tc {

namespace {

constexpr std::size_t ipv4_size = 4;
constexpr std::size_t ipv6_size = 16;

constexpr bool is_host_octet(unsigned char c) noexcept {
  return c >= 0x21 && c != 0x7F;
}

bool is_valid_host(std::string_view host) noexcept {
  if (host.empty()) return false;
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return is_host_octet(static_cast<unsigned char>(c)); });
}

decode_error syntax(std::string_view reason) noexcept {
  return {error_code::syntax, reason};
}

// RFC 5952: lower-case hex groups, the longest run of two or more zero groups (the
// first, on a tie) written as "::".
std::string ipv6_text(const std::array<std::uint8_t, 16>& ip) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    groups[i] = static_cast<unsigned>((ip[2 * i] << 8) | ip[2 * i + 1]);
  }
  std::size_t best = groups.size(), best_len = 0;
  for (std::size_t i = 0; i < groups.size();) {
    std::size_t j = i;
    while (j < groups.size() && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = (j == i) ? i + 1 : j;
  }
  std::string out;
  char buffer[8];
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buffer, sizeof buffer, "%x", groups[i]);
    out += buffer;
  }
  return out;
}

}  // namespace

address address::ipv4(const std::array<std::uint8_t, 4>& octets) noexcept {
  address a;
  a.type_ = address_type::ipv4;
  std::copy(octets.begin(), octets.end(), a.ip_.begin());
  return a;
}

address address::ipv6(const std::array<std::uint8_t, 16>& octets) noexcept {
  address a;
  a.type_ = address_type::ipv6;
  a.ip_ = octets;
  return a;
}

address address::hostname(std::string_view name) noexcept {
  address a;
  a.type_ = address_type::hostname;
  a.host_ = {name.data(), name.size()};
  return a;
}

address address::null_of(address_type type) noexcept {
  switch (type) {
    case address_type::ipv6: return ipv6({});
    case address_type::hostname: return hostname(".");
    case address_type::ipv4: break;
  }
  return ipv4({});
}

bool address::is_null() const noexcept {
  if (type_ == address_type::hostname) return host() == ".";
  return std::all_of(ip_.begin(), ip_.end(), [](std::uint8_t b) { return b == 0; });
}

bytes_view address::ip_octets() const noexcept {
  switch (type_) {
    case address_type::ipv4: return bytes_view(ip_).first(ipv4_size);
    case address_type::ipv6: return bytes_view(ip_);
    case address_type::hostname: break;
  }
  return {};
}

std::string address::to_string() const {
  switch (type_) {
    case address_type::ipv4: {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", ip_[0], ip_[1], ip_[2], ip_[3]);
      return buffer;
    }
    case address_type::ipv6: return ipv6_text(ip_);
    case address_type::hostname: break;
  }
  return std::string(host());
}

bool operator==(const address& a, const address& b) noexcept {
  if (a.type_ != b.type_) return false;
  if (a.type_ == address_type::hostname) return a.host() == b.host();
  return a.ip_ == b.ip_;
}

result<address, decode_error> decode_address(bytes_view& rest) noexcept {
  if (rest.empty()) return failure{syntax("address is missing its type octet")};
  const std::uint8_t type = rest[0];
  const bytes_view value = rest.subspan(1);
  switch (type) {
    case 0x01: {
      if (value.size() < ipv4_size) return failure{syntax("IPv4 address is shorter than 4 octets")};
      std::array<std::uint8_t, 4> ip{};
      std::copy_n(value.begin(), ipv4_size, ip.begin());
      rest = value.subspan(ipv4_size);
      return address::ipv4(ip);
    }
    case 0x02: {
      if (value.size() < ipv6_size) {
        return failure{syntax("IPv6 address is shorter than 16 octets")};
      }
      std::array<std::uint8_t, 16> ip{};
      std::copy_n(value.begin(), ipv6_size, ip.begin());
      rest = value.subspan(ipv6_size);
      return address::ipv6(ip);
    }
    case 0x03: {
      const void* nul = std::memchr(value.data(), '\0', value.size());
      if (nul == nullptr) return failure{syntax("hostname lacks its NUL terminator")};
      const auto length =
          static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - value.data());
      const std::string_view host = as_text(value.first(length));
      if (host.empty()) return failure{syntax("hostname is empty")};
      if (!is_valid_host(host)) {
        return failure{syntax("hostname holds a blank, control or DEL octet")};
      }
      rest = value.subspan(length + 1);
      return address::hostname(host);
    }
    default: return failure{syntax("address type is not 0x01, 0x02 or 0x03")};
  }
}

result<std::size_t, encode_error> measure_address(const address& a) noexcept {
  switch (a.type()) {
    case address_type::ipv4: return 1 + ipv4_size;
    case address_type::ipv6: return 1 + ipv6_size;
    case address_type::hostname: break;
  }
  if (!is_valid_host(a.host())) {
    return failure{encode_error{encode_errc::invalid_field,
                                "hostname is empty or holds a blank, control or DEL octet"}};
  }
  return 1 + a.host().size() + 1;
}

std::uint8_t* write_address(const address& a, std::uint8_t* out) noexcept {
  *out++ = static_cast<std::uint8_t>(a.type());
  if (a.type() == address_type::hostname) {
    std::memcpy(out, a.host().data(), a.host().size());
    out += a.host().size();
    *out++ = 0;
    return out;
  }
  const bytes_view ip = a.ip_octets();
  std::memcpy(out, ip.data(), ip.size());
  return out + ip.size();
}

std::optional<address> address_from_literal(std::string_view text) noexcept {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  char literal[64];  // longer than any address literal (INET6_ADDRSTRLEN is 46)
  if (text.size() >= sizeof literal) return std::nullopt;
  std::memcpy(literal, text.data(), text.size());
  literal[text.size()] = '\0';
  std::array<std::uint8_t, ipv6_size> octets{};
  if (::inet_pton(AF_INET, literal, octets.data()) == 1) {
    return address::ipv4({octets[0], octets[1], octets[2], octets[3]});
  }
  if (::inet_pton(AF_INET6, literal, octets.data()) == 1) return address::ipv6(octets);
  return std::nullopt;
}

}  // namespace torctl::tc
