// Key generation for a new network, with the programs Tor ships for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace torctl::testnet {

namespace fs = std::filesystem;

// Validity of the authority's signing certificate, in months. A test network lives for
// minutes, but one kept by a user should not expire under them.
inline constexpr int certificate_months = 12;

// Makes the authority's v3 identity key, signing key and certificate in
// `node_dir`/keys with tor-gencert (no passphrase), and returns the v3 identity: the
// certificate's "fingerprint" line. Throws error with tor-gencert's output if it fails.
std::string make_authority_keys(const fs::path& node_dir, std::uint16_t dir_port);

// Makes a relay's identity keys in `node_dir` (its data directory) with
// `tor --list-fingerprint`, and returns the RSA fingerprint as 40 hex digits. Throws
// error with tor's output if it fails.
std::string make_relay_identity(const fs::path& node_dir, const std::string& nick);

}  // namespace torctl::testnet
