#include "keys.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "error.hpp"
#include "files.hpp"
#include "process.hpp"
#include "programs.hpp"

namespace torctl::testnet {

namespace {

constexpr std::size_t fingerprint_digits = 40;

bool is_fingerprint(std::string_view text) {
  return text.size() == fingerprint_digits &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(c) != 0; });
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Runs a key-generating command; throws error with its output unless it exits 0.
command_result run_or_throw(const std::vector<std::string>& argv, const std::string& input) {
  command_result done = run_command(argv, input);
  if (done.exit_status == 127) {
    throw error("cannot run " + argv[0] + ": is Debian's tor installed?");
  }
  if (done.exit_status != 0) {
    throw error(argv[0] + " failed (status " + std::to_string(done.exit_status) + "):\n" +
                done.output);
  }
  return done;
}

}  // namespace

std::string make_authority_keys(const fs::path& node_dir, std::uint16_t dir_port) {
  const fs::path keys = node_dir / "keys";
  fs::create_directories(keys);
  fs::permissions(keys, fs::perms::owner_all, fs::perm_options::replace);
  // An empty line on standard input is the (empty) passphrase of the identity key.
  run_or_throw(
      {gencert_program(), "--create-identity-key", "--passphrase-fd", "0", "-m",
       std::to_string(certificate_months), "-a", "127.0.0.1:" + std::to_string(dir_port), "-i",
       (keys / "authority_identity_key").string(), "-s", (keys / "authority_signing_key").string(),
       "-c", (keys / "authority_certificate").string()},
      "\n");
  std::istringstream certificate(read_text(keys / "authority_certificate"));
  for (std::string line; std::getline(certificate, line);) {
    constexpr std::string_view tag = "fingerprint ";
    if (line.rfind(tag, 0) == 0 && is_fingerprint(line.substr(tag.size()))) {
      return upper(line.substr(tag.size()));
    }
  }
  throw error("tor-gencert wrote a certificate without a fingerprint line in " + keys.string());
}

std::string make_relay_identity(const fs::path& node_dir, const std::string& nick) {
  // The torrc paths name files that do not exist, so nothing but these options counts.
  const std::string none = (node_dir / "none").string();
  const command_result done =
      run_or_throw({tor_program(), "--ignore-missing-torrc", "-f", none, "--defaults-torrc", none,
                    "--DataDirectory", node_dir.string(), "--ORPort", "1", "--Nickname", nick,
                    "--Log", "err stderr", "--list-fingerprint"},
                   "");
  // The last line reads "NICK XXXX XXXX ... XXXX": the fingerprint in groups of four.
  std::istringstream lines(done.output);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) last = line;
  }
  std::string digits;
  if (last.rfind(nick + " ", 0) == 0) {
    for (const char c : last.substr(nick.size() + 1)) {
      if (c != ' ') digits += c;
    }
  }
  if (!is_fingerprint(digits)) {
    throw error("tor --list-fingerprint printed no fingerprint for " + nick + ":\n" + done.output);
  }
  return upper(digits);
}

}  // namespace torctl::testnet
