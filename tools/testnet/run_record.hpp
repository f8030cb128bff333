// The record of which processes `up` started: DIR/run.json, one entry per node with its
// PID and the kernel's start time for that PID. `down` and `status` trust a PID only if
// its start time still matches (see process.hpp), so a PID reused by another program is
// never taken for a node.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "network.hpp"
#include "process.hpp"

namespace torctl::testnet {

struct started_node {
  std::string nick;
  process_identity process;
};

struct run_record {
  std::vector<started_node> nodes;

  // The entry for `nick`, or nullptr.
  const started_node* find(const std::string& nick) const;
};

fs::path run_record_path(const network& net);

// The record, or an empty one if the network has not been started.
run_record load_run_record(const network& net);
// Writes the record atomically. Throws error if it cannot.
void save_run_record(const network& net, const run_record& record);
void remove_run_record(const network& net);

// True if `started` is still the tor that was started for node `n` of `net`: its PID has
// the recorded start time and its command line reads that node's torrc.
bool is_node_running(const network& net, const started_node& started);

}  // namespace torctl::testnet
