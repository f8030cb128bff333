// Starting, finding and stopping processes, by PID only. A PID is trusted only together
// with the start time the kernel gave that process (/proc/PID/stat, field 22): a PID the
// kernel has since handed to another process has another start time, so it is never
// signalled.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace torctl::testnet {

namespace fs = std::filesystem;

// A process as recorded when it was started.
struct process_identity {
  pid_t pid = -1;
  std::uint64_t start_time = 0;  // clock ticks after boot, from /proc/PID/stat
};

// How long a command run to completion (tor-gencert, tor --list-fingerprint) may take.
inline constexpr std::chrono::seconds command_timeout{60};
// How long a process has to exit after SIGTERM before it gets SIGKILL, and how long after
// SIGKILL before we report that it would not die. tor with ShutdownWaitLength 0 exits
// within a few milliseconds of SIGTERM.
inline constexpr std::chrono::seconds terminate_grace{10};
inline constexpr std::chrono::seconds kill_grace{5};

// Starts `argv` (argv[0] looked up in $PATH) in a session of its own, with standard input
// from /dev/null, standard output and error appended to `output`, and no other file
// descriptor inherited. The process outlives the caller. Throws error if it cannot fork.
process_identity spawn_detached(const std::vector<std::string>& argv, const fs::path& output);

struct command_result {
  int exit_status = -1;  // -1 if it was killed by a signal
  std::string output;    // standard output and error together
};

// Runs `argv` to completion with `input` on its standard input. A command still running
// after command_timeout is killed and reported as an error. Throws error if it cannot be
// started (exit status 127 means the program was not found).
command_result run_command(const std::vector<std::string>& argv, const std::string& input);

// The start time of a live process, or nullopt if there is none with that PID or it has
// exited (a zombie counts as exited).
std::optional<std::uint64_t> start_time_of(pid_t pid);

// True if `who` still names the process that was started: alive, same start time.
bool is_running(const process_identity& who);

// The command line of a live process (/proc/PID/cmdline); empty if unreadable.
std::vector<std::string> arguments_of(pid_t pid);

// The PIDs listed in /proc now: every process this user can see, live or not.
std::vector<pid_t> all_processes();

// If our own child `pid` has exited, reaps it and returns how it ended ("exited with
// status 1", "killed by signal 9"); otherwise nullopt.
std::optional<std::string> reap_if_exited(pid_t pid);

// Stops `who` if it is still the process that was started: SIGTERM, then SIGKILL after
// terminate_grace. Returns true once it is gone (or was gone already), false if it
// outlived SIGKILL by kill_grace.
bool stop(const process_identity& who);

}  // namespace torctl::testnet
