// The description of one private network: its directory, its nodes with their roles,
// ports and fingerprints. `create` writes it to DIR/network.json; every later command
// reads it from there, so ports chosen once stay fixed for the life of the network.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace torctl::testnet {

namespace fs = std::filesystem;

enum class role : std::uint8_t {
  authority,  // the directory authority, also a (non-exit) relay
  relay,      // a middle relay
  exit,       // an exit relay that may exit to 127.0.0.1 only
  client,     // a client with a SocksPort
};

std::string_view to_string(role r) noexcept;
// Throws error for a name that is none of the above.
role role_from_string(std::string_view name);

// One tor process. A port of 0 is not opened (only the authority has a DirPort, only
// clients a SocksPort). The fingerprint is the relay's RSA identity as 40 upper-case hex
// digits; clients have none.
struct node {
  std::string nick;
  testnet::role role = role::client;
  std::uint16_t or_port = 0;
  std::uint16_t dir_port = 0;
  std::uint16_t control_port = 0;
  std::uint16_t socks_port = 0;
  std::string fingerprint;

  bool is_relay() const noexcept { return role != role::client; }
  // The ports this node opens, as its role says.
  std::vector<std::uint16_t> ports() const;
};

struct network {
  fs::path directory;   // absolute
  std::string v3ident;  // the authority's v3 identity (its certificate's fingerprint)
  std::vector<node> nodes;

  // The node's data directory, where its torrc, keys, cookie and logs live.
  fs::path node_directory(const node& n) const { return directory / n.nick; }
  const node& authority() const;
  // Throws error if no node has this nickname.
  const node& find(std::string_view nick) const;
  // The relays (authority included), in the order of `nodes`.
  std::vector<const node*> relays() const;
};

// The file a network's description lives in.
fs::path description_path(const fs::path& directory);

// Writes DIR/network.json. Throws error if it cannot.
void save(const network& net);

// Reads DIR/network.json. Throws error for a missing or malformed file, or for a network
// created in another directory (torrc files hold absolute paths, so a network cannot be
// moved).
network load(const fs::path& directory);

}  // namespace torctl::testnet
