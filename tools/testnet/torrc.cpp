#include "torrc.hpp"

#include <sstream>

#include "files.hpp"
#include "programs.hpp"

namespace torctl::testnet {

namespace {

// The directory authority's voting schedule: the shortest tor accepts. The first
// consensus comes within about 5 s of start, and a new one every 10 s.
constexpr std::string_view voting_schedule =
    "TestingV3AuthInitialVotingInterval 5\n"
    "TestingV3AuthInitialVoteDelay 2\n"
    "TestingV3AuthInitialDistDelay 2\n"
    "V3AuthVotingInterval 10\n"
    "V3AuthVoteDelay 2\n"
    "V3AuthDistDelay 2\n";

std::string port(std::uint16_t number) {
  return "127.0.0.1:" + std::to_string(number);
}

void write_common(std::ostream& out, const network& net, const node& n, const node_files& f) {
  const node& auth = net.authority();
  out << "# torctl-testnet: node " << n.nick << " (" << to_string(n.role) << ")\n"
      << "TestingTorNetwork 1\n"
      << "DataDirectory " << f.directory.string() << "\n"
      << "Nickname " << n.nick << "\n"
      << "Log notice file " << f.notice_log().string() << "\n"
      << "SafeLogging 0\n"
      << "LogTimeGranularity 1\n"
      << "ShutdownWaitLength 0\n"
      << "ControlPort " << port(n.control_port) << "\n"
      << "CookieAuthentication 1\n"
      << "PathsNeededToBuildCircuits 0.67\n"
      << "TestingDirAuthVoteExit *\n"
      << "TestingDirAuthVoteGuard *\n"
      << "TestingDirAuthVoteHSDir *\n"
      << "TestingMinExitFlagThreshold 0\n"
      << "V3AuthNIntervalsValid 2\n"
      << "FetchDirInfoEarly 1\n"
      << "FetchDirInfoExtraEarly 1\n"
      << "UseDefaultFallbackDirs 0\n"
      << "GeoIPFile " << empty_file(net).string() << "\n"
      << "GeoIPv6File " << empty_file(net).string() << "\n"
      << "DirAuthority " << auth.nick << " orport=" << auth.or_port
      << " no-v2 v3ident=" << net.v3ident << " " << port(auth.dir_port) << " " << auth.fingerprint
      << "\n";
}

void write_relay(std::ostream& out, const node& n) {
  out << "Address 127.0.0.1\n"
      << "ORPort " << port(n.or_port) << "\n"
      << "SocksPort 0\n"
      << "AssumeReachable 1\n"
      << "ContactInfo " << n.nick << "@testnet.invalid\n";
}

void write_role(std::ostream& out, const network& net, const node& n) {
  switch (n.role) {
    case role::authority:
      write_relay(out, n);
      out << "DirPort " << port(n.dir_port) << "\n"
          << "AuthoritativeDirectory 1\n"
          << "V3AuthoritativeDirectory 1\n"
          << "ExitRelay 0\n"
          << "ExitPolicy reject *:*\n"
          << voting_schedule;
      break;
    case role::relay:
      write_relay(out, n);
      out << "ExitRelay 0\n"
          << "ExitPolicy reject *:*\n";
      break;
    case role::exit:
      write_relay(out, n);
      out << "ExitRelay 1\n"
          << "ExitPolicyRejectPrivate 0\n"
          << "ExitPolicy accept 127.0.0.1:*\n"
          << "ExitPolicy reject *:*\n"
          << "ServerDNSResolvConfFile " << resolver_file(net).string() << "\n"
          << "ServerDNSDetectHijacking 0\n"
          << "ServerDNSTestAddresses\n"
          << "ServerDNSAllowBrokenConfig 1\n";
      break;
    case role::client:
      out << "SocksPort " << port(n.socks_port) << "\n"
          << "UseMicrodescriptors 0\n";
      break;
  }
}

}  // namespace

fs::path empty_file(const network& net) {
  return net.directory / "empty";
}
fs::path resolver_file(const network& net) {
  return net.directory / "resolv.conf";
}

void write_shared_files(const network& net) {
  write_text_atomically(empty_file(net), "");
  write_text_atomically(resolver_file(net), "nameserver 127.0.0.1\n");
}

std::string torrc_text(const network& net, const node& n, const node_files& files,
                       const std::vector<std::string>& extra_lines) {
  std::ostringstream out;
  write_common(out, net, n, files);
  write_role(out, net, n);
  for (const std::string& line : extra_lines) out << line << "\n";
  return out.str();
}

std::vector<std::string> tor_command(const node_files& files) {
  return {tor_program(), "-f", files.torrc().string(), "--defaults-torrc",
          (files.directory / "none").string()};
}

process_identity launch_node(const node_files& files) {
  return spawn_detached(tor_command(files), files.output());
}

}  // namespace torctl::testnet
