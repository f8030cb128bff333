// torctl-testnet: a private Tor network on 127.0.0.1, for tests and for people.
//
//   torctl-testnet create DIR     keys, torrc files and DIR/network.json
//   torctl-testnet up DIR         start every node; return once the network is ready
//   torctl-testnet status DIR     nodes, ports, PIDs, bootstrap and consensus state
//   torctl-testnet down DIR       stop every node, by PID
//
// docs/testnet.md describes the network, the readiness rule and the pitfalls.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "error.hpp"

namespace {

using namespace torctl::testnet;

// The highest base port that leaves room for every node's block of ports.
constexpr std::uint16_t highest_requested_base = 65000;
constexpr int longest_timeout_seconds = 3600;
constexpr int usage_error = 2;

struct arguments {
  std::string directory;
  std::optional<std::uint16_t> base_port;
  int timeout_seconds = static_cast<int>(default_up_timeout.count());
  bool json = false;
};

void add_directory(CLI::App* command, arguments& args) {
  command->add_option("DIR", args.directory, "The network's directory")->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "A private Tor network on 127.0.0.1: one directory authority, one middle relay, "
      "one exit to loopback, one client."};
  app.require_subcommand(1);
  arguments args;
  CLI::App* create = app.add_subcommand("create", "Make a new network in DIR (empty or absent)");
  add_directory(create, args);
  create
      ->add_option("--base-port", args.base_port,
                   "First port of the network (default: a free range from 20000 to 32000)")
      ->check(CLI::Range(std::uint16_t{1024}, highest_requested_base));
  CLI::App* up = app.add_subcommand("up", "Start every node; return once the network is ready");
  add_directory(up, args);
  up->add_option("--timeout", args.timeout_seconds, "Seconds to wait for readiness")
      ->check(CLI::Range(1, longest_timeout_seconds))
      ->capture_default_str();
  CLI::App* down = app.add_subcommand("down", "Stop every node of the network");
  add_directory(down, args);
  CLI::App* status = app.add_subcommand("status", "Show the nodes and their state");
  add_directory(status, args);
  status->add_flag("--json", args.json, "Print the state as JSON");
  app.footer(
      "Exit status: 0 on success, 1 on failure, 2 on usage errors; status returns 3 when "
      "the\nnetwork is not up and ready.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here too, with status 0.
    return app.exit(e) == 0 ? 0 : usage_error;
  }

  try {
    if (*create) return create_network(args.directory, args.base_port);
    if (*up) return up_network(args.directory, std::chrono::seconds(args.timeout_seconds));
    if (*down) return down_network(args.directory);
    return show_status(args.directory, args.json);
  } catch (const error& e) {
    std::cerr << "torctl-testnet: " << e.what() << "\n";
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "torctl-testnet: " << e.what() << "\n";
  }
  return 1;
}
