// Choosing free TCP ports on 127.0.0.1 for a network's nodes.
//
// Node k of a network gets the ports base+10k+0 (ORPort), +1 (DirPort), +2 (ControlPort)
// and +3 (SocksPort), of which it opens only those its role needs. Bases are drawn from
// below Linux's ephemeral range (32768 up), so outgoing connections, which take their
// local ports from that range, never sit on a port a node will want later.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace torctl::testnet {

inline constexpr std::uint16_t port_stride = 10;  // ports reserved per node
inline constexpr std::uint16_t lowest_base = 20000;
inline constexpr std::uint16_t highest_base = 32000;
// Random bases tried before giving up.
inline constexpr int base_attempts = 200;

// True if a TCP socket can bind 127.0.0.1:port now (with SO_REUSEADDR, as tor binds, so a
// port whose old connections linger in TIME_WAIT counts as free).
bool port_is_free(std::uint16_t port);

// A base port for which every port in `offsets` (base + offset) is free now. With
// `requested`, only that base is tried. Throws error, naming a busy port, if none is found.
std::uint16_t choose_base_port(const std::vector<std::uint16_t>& offsets,
                               std::optional<std::uint16_t> requested);

}  // namespace torctl::testnet
