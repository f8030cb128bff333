// The configuration of each node, and the files and command line that go with it.
// docs/testnet.md explains why each option is there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "network.hpp"
#include "process.hpp"

namespace torctl::testnet {

namespace fs = std::filesystem;

// Where a node keeps what the tools read. Its torrc, cookie and logs sit in its data
// directory.
struct node_files {
  fs::path directory;
  fs::path torrc() const { return directory / "torrc"; }
  fs::path cookie() const { return directory / "control_auth_cookie"; }
  fs::path notice_log() const { return directory / "notice.log"; }
  // tor's own standard output and error: what it says before its log is open (a bad
  // option, a port it cannot bind).
  fs::path output() const { return directory / "tor-output.log"; }
};

// The files every node shares: an empty GeoIP file and a resolver configuration that
// points at loopback.
fs::path empty_file(const network& net);
fs::path resolver_file(const network& net);
// Writes both. Throws error if it cannot.
void write_shared_files(const network& net);

// The torrc of node `n` whose data directory is `files.directory` (normally the node's
// directory inside the network; a test's extra client may live elsewhere), with
// `extra_lines` appended.
std::string torrc_text(const network& net, const node& n, const node_files& files,
                       const std::vector<std::string>& extra_lines = {});

// The command that starts the node in the foreground. No system-wide defaults file is
// read: --defaults-torrc names a file that does not exist.
std::vector<std::string> tor_command(const node_files& files);

// Starts the node's tor in the foreground of a session of its own (see spawn_detached),
// its output going to files.output(). Throws error if it cannot fork.
process_identity launch_node(const node_files& files);

}  // namespace torctl::testnet
