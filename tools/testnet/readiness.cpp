#include "readiness.hpp"

#include <algorithm>
#include <sstream>

#include "torctl/text/arguments.hpp"
#include "torctl/text/keyvalue.hpp"

namespace torctl::testnet {

namespace {

constexpr std::size_t identity_octets = 20;

// Standard base64 without padding, as the consensus writes identities; nullopt on any
// other character.
std::optional<std::string> base64_to_hex(std::string_view text) {
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  constexpr std::string_view digits = "0123456789ABCDEF";
  std::string hex;
  unsigned bits = 0;
  int held = 0;
  for (const char c : text) {
    const std::size_t value = alphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    held += 6;
    if (held >= 8) {
      held -= 8;
      const unsigned octet = (bits >> held) & 0xFFu;
      hex += digits[octet >> 4];
      hex += digits[octet & 0x0Fu];
    }
  }
  return hex;
}

void read_bootstrap(const std::string& phase, node_report& report) {
  text::argument_reader reader(phase);
  for (text::argument a; reader.next(a);) {
    if (a.key == "PROGRESS") {
      int progress = 0;
      std::istringstream(std::string(a.value)) >> progress;
      report.bootstrap_progress = progress;
    } else if (a.key == "SUMMARY") {
      report.bootstrap_summary = a.decoded();
    }
  }
}

void read_consensus(const std::string& ns_all, const network& net, node_report& report) {
  const std::vector<std::string> listed = consensus_fingerprints(ns_all);
  for (const node* relay : net.relays()) {
    const bool found = std::find(listed.begin(), listed.end(), relay->fingerprint) != listed.end();
    (found ? report.relays_known : report.relays_missing).push_back(relay->nick);
  }
}

// The value of GETINFO `key`, or nullopt with tor's refusal in `problem` (tor refuses
// ns/all before it has a consensus). Connection failures throw.
std::optional<std::string> ask(control_connection& connection, std::string_view key,
                               std::string& problem) {
  const text::reply r = connection.command(text::command("GETINFO").word(key));
  const auto entries = text::parse_key_values(r, text::value_form::raw);
  if (!entries || entries->empty()) {
    problem = "GETINFO " + std::string(key) + ": " + std::string(r.message());
    return std::nullopt;
  }
  return entries->front().value.value_or("");
}

}  // namespace

std::vector<std::string> consensus_fingerprints(const std::string& ns_all) {
  std::vector<std::string> found;
  std::istringstream lines(ns_all);
  for (std::string line; std::getline(lines, line);) {
    // r NICKNAME IDENTITY DIGEST DATE TIME IP ORPORT DIRPORT
    std::istringstream fields(line);
    std::string tag, nick, identity;
    if (!(fields >> tag >> nick >> identity) || tag != "r") continue;
    const auto hex = base64_to_hex(identity);
    if (hex && hex->size() == 2 * identity_octets) found.push_back(*hex);
  }
  return found;
}

node_report probe(control_connection& connection, const network& net) {
  node_report report;
  report.reachable = true;
  if (const auto phase = ask(connection, "status/bootstrap-phase", report.problem)) {
    read_bootstrap(*phase, report);
  }
  const auto ns_all = ask(connection, "ns/all", report.problem);
  read_consensus(ns_all.value_or(""), net, report);
  return report;
}

bool node_report::ready(const node& n) const {
  if (!reachable || !relays_missing.empty() || relays_known.empty()) return false;
  return n.role != role::client || bootstrap_progress == 100;
}

std::string node_report::describe() const {
  if (!reachable) {
    return problem.empty() ? "not asked yet" : "control port not answering: " + problem;
  }
  std::ostringstream out;
  out << "bootstrap ";
  if (bootstrap_progress) {
    out << *bootstrap_progress << "% (" << bootstrap_summary << ")";
  } else {
    out << "unknown";
  }
  const std::size_t total = relays_known.size() + relays_missing.size();
  out << ", consensus lists " << relays_known.size() << " of " << total << " relays";
  if (!relays_missing.empty()) {
    out << " (missing:";
    for (const std::string& nick : relays_missing) out << " " << nick;
    out << ")";
  }
  return out.str();
}

}  // namespace torctl::testnet
