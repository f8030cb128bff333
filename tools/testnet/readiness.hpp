// What a node says about its own state, read through its control port, and the rule that
// decides when a network is ready for tests.
//
// Ready means: every client has bootstrapped to 100 %, and the consensus of every node,
// relays and clients alike, lists every relay of the network. The second half matters: a
// client can reach 100 % while the exit's consensus does not yet list the middle relay,
// and until it does, the exit closes streams that arrive through that relay ("unknown
// relay") and the client's request never completes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control_connection.hpp"
#include "network.hpp"

namespace torctl::testnet {

struct node_report {
  bool reachable = false;                 // the control port answered and accepted the cookie
  std::string problem;                    // why it is not reachable, or what GETINFO refused
  std::optional<int> bootstrap_progress;  // PROGRESS= of status/bootstrap-phase
  std::string bootstrap_summary;          // its SUMMARY=, unquoted
  std::vector<std::string> relays_known;  // nicknames of this network's relays in its consensus
  std::vector<std::string> relays_missing;

  // True if this node meets its half of the readiness rule.
  bool ready(const node& n) const;
  // One line for people: "bootstrap 100% (Done), consensus lists 3 of 3 relays".
  std::string describe() const;
};

// Asks the node behind `connection` for its bootstrap phase and its consensus. Throws
// error if the connection fails; a GETINFO that tor refuses is reported in `problem`.
node_report probe(control_connection& connection, const network& net);

// The RSA identities, as 40 upper-case hex digits, of the "r" lines in a GETINFO ns/all
// answer. Lines it cannot read are skipped.
std::vector<std::string> consensus_fingerprints(const std::string& ns_all);

}  // namespace torctl::testnet
