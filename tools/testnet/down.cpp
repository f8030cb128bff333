// torctl-testnet down DIR: stops every node of the network, by PID.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "error.hpp"
#include "network.hpp"
#include "run_record.hpp"

namespace torctl::testnet {

namespace {

// True if `args` is a tor started on a torrc inside `dir` ("-f DIR/.../torrc"), the way
// this program starts every node, and the way tests start their extra clients.
bool reads_torrc_in(const std::vector<std::string>& args, const fs::path& dir) {
  const std::string prefix = dir.string() + "/";
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string& path = args[i + 1];
    if (args[i] == "-f" && path.rfind(prefix, 0) == 0 && path.ends_with("/torrc")) return true;
  }
  return false;
}

// Live processes running a torrc of this network that no record accounts for: a node
// whose record was lost, or an extra client a test failed to stop.
std::vector<process_identity> find_strays(const network& net) {
  std::vector<process_identity> strays;
  for (const pid_t pid : all_processes()) {
    if (!reads_torrc_in(arguments_of(pid), net.directory)) continue;
    if (const auto started = start_time_of(pid)) strays.push_back({pid, *started});
  }
  return strays;
}

// Stops the recorded nodes; returns how many are still running afterwards.
int stop_recorded(const network& net, const run_record& record) {
  int left = 0;
  for (const started_node& s : record.nodes) {
    const std::string pid = "PID " + std::to_string(s.process.pid);
    if (!is_running(s.process)) {
      std::cout << "  " << s.nick << ": not running (" << pid << " has exited)\n";
    } else if (!is_node_running(net, s)) {
      std::cout << "  " << s.nick << ": " << pid << " is now another program; left alone\n";
    } else if (stop(s.process)) {
      std::cout << "  " << s.nick << ": stopped (" << pid << ")\n";
    } else {
      std::cout << "  " << s.nick << ": " << pid << " did not exit, even after SIGKILL\n";
      ++left;
    }
  }
  return left;
}

}  // namespace

int down_network(const fs::path& directory) {
  const network net = load(directory);
  const run_record record = load_run_record(net);
  if (record.nodes.empty()) std::cout << "  no record of a start: nothing was started\n";
  int left = stop_recorded(net, record);
  const std::vector<process_identity> strays = find_strays(net);
  for (const process_identity& stray : strays) {
    const bool stopped = stop(stray);
    std::cout << "  stray tor PID " << stray.pid << " (not started by up, or not stopped by "
              << "its test): " << (stopped ? "stopped" : "did not exit") << "\n";
    if (!stopped) ++left;
  }
  if (left == 0) remove_run_record(net);
  if (left > 0 || !strays.empty()) {
    std::cerr << "torctl-testnet: "
              << (left > 0 ? std::to_string(left) + " process(es) left running"
                           : "stray tor processes were found")
              << " in " << net.directory.string() << "\n";
    return 1;
  }
  std::cout << "network in " << net.directory.string() << " is down\n";
  return 0;
}

}  // namespace torctl::testnet
