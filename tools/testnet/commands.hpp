// The four commands of torctl-testnet. Each prints what it does for people, throws error
// when it cannot do its job, and returns the program's exit status.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace torctl::testnet {

namespace fs = std::filesystem;

// How long `up` waits for the network to become ready, unless told otherwise.
inline constexpr std::chrono::seconds default_up_timeout{90};

// Makes a new network in `directory` (created if missing; it must be empty): keys,
// torrc files and network.json. With `base_port`, the nodes' ports start there; otherwise
// a free range is picked.
int create_network(const fs::path& directory, std::optional<std::uint16_t> base_port);

// Starts every node and returns once the network is ready (readiness.hpp), or stops what
// it started and fails if it is not ready within `timeout`.
int up_network(const fs::path& directory, std::chrono::seconds timeout);

// Stops every node `up` started, and any other tor that reads a torrc of this network.
// Returns 0 only if none is left running.
int down_network(const fs::path& directory);

// Shows each node: role, ports, PID, whether it runs, its bootstrap and consensus.
// Returns 0 if the network is up and ready, 3 if not.
int show_status(const fs::path& directory, bool as_json);

}  // namespace torctl::testnet
