// torctl-testnet create DIR: keys, configuration and network.json for a new network.
#include <array>
#include <iostream>

#include "commands.hpp"
#include "error.hpp"
#include "files.hpp"
#include "keys.hpp"
#include "network.hpp"
#include "ports.hpp"
#include "process.hpp"
#include "programs.hpp"
#include "torrc.hpp"

namespace torctl::testnet {

namespace {

struct node_plan {
  std::string_view nick;
  testnet::role role;
};

// The network: one authority that is also a relay, a middle relay, an exit, a client.
// Three relays are the fewest that give a client three distinct hops.
constexpr std::array<node_plan, 4> layout = {{
    {"auth0", role::authority},
    {"relay0", role::relay},
    {"exit0", role::exit},
    {"client0", role::client},
}};

// Offsets of each kind of port inside a node's block of port_stride ports.
constexpr std::uint16_t or_offset = 0;
constexpr std::uint16_t dir_offset = 1;
constexpr std::uint16_t control_offset = 2;
constexpr std::uint16_t socks_offset = 3;

// The nodes with their ports from `base` (0 for ports they do not open).
std::vector<node> plan_nodes(std::uint16_t base) {
  std::vector<node> nodes;
  for (std::size_t k = 0; k < layout.size(); ++k) {
    const auto block = static_cast<std::uint16_t>(base + k * port_stride);
    node n;
    n.nick = layout[k].nick;
    n.role = layout[k].role;
    n.control_port = static_cast<std::uint16_t>(block + control_offset);
    if (n.is_relay()) n.or_port = static_cast<std::uint16_t>(block + or_offset);
    if (n.role == role::authority) n.dir_port = static_cast<std::uint16_t>(block + dir_offset);
    if (n.role == role::client) n.socks_port = static_cast<std::uint16_t>(block + socks_offset);
    nodes.push_back(n);
  }
  return nodes;
}

// Every port the nodes would open, as offsets from the base.
std::vector<std::uint16_t> port_offsets() {
  std::vector<std::uint16_t> offsets;
  for (const node& n : plan_nodes(0)) {
    for (const std::uint16_t p : n.ports()) offsets.push_back(p);
  }
  return offsets;
}

void refuse_unusable(const fs::path& dir) {
  std::error_code failed;
  if (fs::exists(description_path(dir), failed)) {
    throw error(dir.string() + " already holds a network (" + description_path(dir).string() +
                "); stop it with `torctl-testnet down " + dir.string() +
                "` and remove the directory, or choose another one");
  }
  if (fs::exists(dir, failed) && !fs::is_directory(dir, failed)) {
    throw error(dir.string() + " exists and is not a directory");
  }
  if (fs::exists(dir, failed) && !fs::is_empty(dir, failed)) {
    throw error(dir.string() + " is not empty; a network needs a directory of its own");
  }
}

void make_private_directory(const fs::path& dir) {
  fs::create_directories(dir);
  // tor refuses a data directory that others can read.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

// Runs tor --verify-config on the node's torrc; throws error with tor's complaint.
void verify_config(const node& n, const node_files& files) {
  std::vector<std::string> argv = tor_command(files);
  argv.push_back("--verify-config");
  const command_result checked = run_command(argv, "");
  if (checked.exit_status != 0) {
    throw error("tor refuses the configuration of " + n.nick + " (" + files.torrc().string() +
                "):\n" + checked.output);
  }
}

network build(const fs::path& dir, std::optional<std::uint16_t> requested_base) {
  network net;
  net.directory = dir;
  net.nodes = plan_nodes(choose_base_port(port_offsets(), requested_base));
  write_shared_files(net);
  for (node& n : net.nodes) {
    const fs::path node_dir = net.node_directory(n);
    make_private_directory(node_dir);
    if (n.role == role::authority) net.v3ident = make_authority_keys(node_dir, n.dir_port);
    if (n.is_relay()) n.fingerprint = make_relay_identity(node_dir, n.nick);
  }
  for (const node& n : net.nodes) {
    const node_files files{net.node_directory(n)};
    write_text_atomically(files.torrc(), torrc_text(net, n, files));
    verify_config(n, files);
  }
  save(net);  // last: a directory with network.json holds a complete network
  return net;
}

void print_summary(const network& net) {
  std::cout << "created a network in " << net.directory.string() << "\n";
  for (const node& n : net.nodes) {
    std::cout << "  " << n.nick << " (" << to_string(n.role) << "): control port "
              << n.control_port;
    if (n.or_port != 0) std::cout << ", ORPort " << n.or_port;
    if (n.dir_port != 0) std::cout << ", DirPort " << n.dir_port;
    if (n.socks_port != 0) std::cout << ", SocksPort " << n.socks_port;
    std::cout << "\n";
  }
  std::cout << "start it with: torctl-testnet up " << net.directory.string() << "\n";
}

}  // namespace

int create_network(const fs::path& directory, std::optional<std::uint16_t> base_port) {
  const fs::path dir = fs::absolute(directory).lexically_normal();
  refuse_unusable(dir);
  std::error_code failed;
  const bool existed = fs::exists(dir, failed);
  try {
    make_private_directory(dir);
    print_summary(build(dir, base_port));
  } catch (...) {
    // Leave the directory as it was found: absent, or empty.
    if (existed) {
      for (const auto& entry : fs::directory_iterator(dir, failed)) fs::remove_all(entry, failed);
    } else {
      fs::remove_all(dir, failed);
    }
    throw;
  }
  return 0;
}

}  // namespace torctl::testnet
