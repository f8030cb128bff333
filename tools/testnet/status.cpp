// torctl-testnet status DIR [--json]: each node's role, ports, process and state.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "control_connection.hpp"
#include "error.hpp"
#include "network.hpp"
#include "readiness.hpp"
#include "run_record.hpp"
#include "torrc.hpp"

namespace torctl::testnet {

namespace {

using json = nlohmann::json;

struct node_status {
  const node* n;
  std::optional<pid_t> pid;  // set when the recorded process still runs
  node_report report;
};

node_status look_at(const network& net, const run_record& record, const node& n) {
  node_status s{&n, std::nullopt, {}};
  const started_node* started = record.find(n.nick);
  if (started == nullptr || !is_node_running(net, *started)) {
    s.report.problem = "not running";
    return s;
  }
  s.pid = started->process.pid;
  try {
    control_connection connection(n.control_port, node_files{net.node_directory(n)}.cookie());
    s.report = probe(connection, net);
  } catch (const error& e) {
    s.report.problem = e.what();
  }
  return s;
}

std::string port_text(std::uint16_t port) {
  return port == 0 ? "-" : std::to_string(port);
}

void print_table(const network& net, const std::vector<node_status>& nodes, bool ready) {
  std::cout << "network " << net.directory.string() << ": " << (ready ? "ready" : "NOT ready")
            << "\n"
            << std::left << std::setw(9) << "NODE" << std::setw(11) << "ROLE" << std::setw(7)
            << "OR" << std::setw(7) << "DIR" << std::setw(8) << "CONTROL" << std::setw(7) << "SOCKS"
            << std::setw(9) << "PID"
            << "STATE\n";
  for (const node_status& s : nodes) {
    const node& n = *s.n;
    std::cout << std::setw(9) << n.nick << std::setw(11) << to_string(n.role) << std::setw(7)
              << port_text(n.or_port) << std::setw(7) << port_text(n.dir_port) << std::setw(8)
              << n.control_port << std::setw(7) << port_text(n.socks_port) << std::setw(9)
              << (s.pid ? std::to_string(*s.pid) : "-")
              << (s.pid ? "running, " + s.report.describe() : "not running") << "\n";
  }
}

json node_json(const node_status& s) {
  const node& n = *s.n;
  json j{{"nick", n.nick},
         {"role", to_string(n.role)},
         {"or_port", n.or_port},
         {"dir_port", n.dir_port},
         {"control_port", n.control_port},
         {"socks_port", n.socks_port},
         {"fingerprint", n.fingerprint},
         {"running", s.pid.has_value()},
         {"pid", s.pid ? json(*s.pid) : json(nullptr)},
         {"control_reachable", s.report.reachable},
         {"bootstrap_progress",
          s.report.bootstrap_progress ? json(*s.report.bootstrap_progress) : json(nullptr)},
         {"bootstrap_summary", s.report.bootstrap_summary},
         {"relays_known", s.report.relays_known},
         {"relays_missing", s.report.relays_missing},
         {"ready", s.pid.has_value() && s.report.ready(n)}};
  if (!s.report.problem.empty()) j["problem"] = s.report.problem;
  return j;
}

}  // namespace

int show_status(const fs::path& directory, bool as_json) {
  const network net = load(directory);
  const run_record record = load_run_record(net);
  std::vector<node_status> nodes;
  bool ready = true;
  for (const node& n : net.nodes) {
    nodes.push_back(look_at(net, record, n));
    ready = ready && nodes.back().pid.has_value() && nodes.back().report.ready(n);
  }
  if (as_json) {
    json list = json::array();
    for (const node_status& s : nodes) list.push_back(node_json(s));
    std::cout
        << json{{"directory", net.directory.string()}, {"ready", ready}, {"nodes", list}}.dump(2)
        << "\n";
  } else {
    print_table(net, nodes, ready);
  }
  return ready ? 0 : 3;
}

}  // namespace torctl::testnet
