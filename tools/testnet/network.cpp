#include "network.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "error.hpp"
#include "files.hpp"

namespace torctl::testnet {

namespace {

using json = nlohmann::json;

// Written into every network.json; a file with another value is refused rather than
// misread by a later version of this program.
constexpr std::string_view format_name = "torctl-testnet network 1";

constexpr std::array<std::pair<role, std::string_view>, 4> role_names = {{
    {role::authority, "authority"},
    {role::relay, "relay"},
    {role::exit, "exit"},
    {role::client, "client"},
}};

json to_json(const node& n) {
  return json{{"nick", n.nick},
              {"role", to_string(n.role)},
              {"or_port", n.or_port},
              {"dir_port", n.dir_port},
              {"control_port", n.control_port},
              {"socks_port", n.socks_port},
              {"fingerprint", n.fingerprint}};
}

node node_from_json(const json& j) {
  node n;
  n.nick = j.at("nick").get<std::string>();
  n.role = role_from_string(j.at("role").get<std::string>());
  n.or_port = j.at("or_port").get<std::uint16_t>();
  n.dir_port = j.at("dir_port").get<std::uint16_t>();
  n.control_port = j.at("control_port").get<std::uint16_t>();
  n.socks_port = j.at("socks_port").get<std::uint16_t>();
  n.fingerprint = j.at("fingerprint").get<std::string>();
  return n;
}

}  // namespace

std::string_view to_string(role r) noexcept {
  for (const auto& [value, name] : role_names) {
    if (value == r) return name;
  }
  return "unknown";
}

role role_from_string(std::string_view name) {
  for (const auto& [value, text] : role_names) {
    if (text == name) return value;
  }
  throw error("unknown node role \"" + std::string(name) + "\"");
}

std::vector<std::uint16_t> node::ports() const {
  std::vector<std::uint16_t> opened{control_port};
  if (is_relay()) opened.push_back(or_port);
  if (role == role::authority) opened.push_back(dir_port);
  if (role == role::client) opened.push_back(socks_port);
  return opened;
}

const node& network::authority() const {
  for (const node& n : nodes) {
    if (n.role == role::authority) return n;
  }
  throw error("the network in " + directory.string() + " has no authority");
}

const node& network::find(std::string_view nick) const {
  for (const node& n : nodes) {
    if (n.nick == nick) return n;
  }
  throw error("the network in " + directory.string() + " has no node " + std::string(nick));
}

std::vector<const node*> network::relays() const {
  std::vector<const node*> found;
  for (const node& n : nodes) {
    if (n.is_relay()) found.push_back(&n);
  }
  return found;
}

fs::path description_path(const fs::path& directory) {
  return directory / "network.json";
}

void save(const network& net) {
  json nodes = json::array();
  for (const node& n : net.nodes) nodes.push_back(to_json(n));
  const json whole{{"format", format_name},
                   {"directory", net.directory.string()},
                   {"v3ident", net.v3ident},
                   {"nodes", nodes}};
  write_text_atomically(description_path(net.directory), whole.dump(2) + "\n");
}

network load(const fs::path& directory) {
  const fs::path path = description_path(directory);
  std::error_code missing;
  if (!fs::is_regular_file(path, missing)) {
    throw error("no network in " + directory.string() + ": " + path.string() +
                " does not exist (make one with: torctl-testnet create DIR)");
  }
  network net;
  try {
    const json whole = json::parse(read_text(path));
    if (whole.at("format").get<std::string>() != format_name) {
      throw error(path.string() + " is not in the format this program reads");
    }
    net.directory = whole.at("directory").get<std::string>();
    net.v3ident = whole.at("v3ident").get<std::string>();
    for (const json& j : whole.at("nodes")) net.nodes.push_back(node_from_json(j));
  } catch (const json::exception& e) {
    throw error(path.string() + " is malformed: " + e.what());
  }
  if (fs::weakly_canonical(net.directory) != fs::weakly_canonical(fs::absolute(directory))) {
    throw error("the network in " + directory.string() + " was created in " +
                net.directory.string() + " and cannot be used from elsewhere");
  }
  return net;
}

}  // namespace torctl::testnet
