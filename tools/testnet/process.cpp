#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "error.hpp"
#include "files.hpp"

namespace torctl::testnet {

namespace {

using std::chrono::steady_clock;

// How often a wait for a process to exit looks again.
constexpr std::chrono::milliseconds exit_poll_interval{20};
// Octets of a command's output read at a time.
constexpr std::size_t output_chunk = 4096;
// Field 22 of /proc/PID/stat is the start time; counted from field 3, the state, it is
// the 19th field after the one holding the state.
constexpr int start_time_after_state = 19;

// The file execv should run for `program`: itself if it names a path, else the first
// executable of that name in $PATH, else `program` unchanged (execv then fails, and the
// child exits 127).
std::string resolve_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (program.find('/') != std::string::npos || path == nullptr) return program;
  std::string_view dirs = path;
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return program;
}

// What the child needs to exec, all prepared before fork: the child of a multi-threaded
// program may call only async-signal-safe functions, and PATH lookup allocates.
struct exec_plan {
  std::string file;
  std::vector<char*> args;
};

exec_plan plan_exec(const std::vector<std::string>& argv) {
  exec_plan plan{resolve_program(argv[0]), {}};
  for (const std::string& a : argv) plan.args.push_back(const_cast<char*>(a.c_str()));
  plan.args.push_back(nullptr);
  return plan;
}

// In a freshly forked child: makes `in` and `out` its standard streams, closes every
// other descriptor and runs the program. Never returns.
[[noreturn]] void exec_child(const exec_plan& plan, int in, int out) {
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  ::close_range(3, ~0U, 0);
  ::execv(plan.file.c_str(), plan.args.data());
  ::_exit(127);
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

// Reads the child's output until it closes it or `deadline` passes; false on timeout.
bool read_until_closed(int fd, std::string& out, steady_clock::time_point deadline) {
  char chunk[output_chunk];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    out.append(chunk, static_cast<std::size_t>(got));
  }
}

}  // namespace

process_identity spawn_detached(const std::vector<std::string>& argv, const fs::path& output) {
  const exec_plan plan = plan_exec(argv);
  const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out < 0) throw error("cannot open " + output.string() + ": " + std::strerror(errno));
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    exec_child(plan, in, out);
  }
  const int fork_errno = errno;
  ::close(out);
  if (in >= 0) ::close(in);
  if (pid < 0) throw error(std::string("cannot fork: ") + std::strerror(fork_errno));
  // The child exists from fork on, so its start time is readable even before exec.
  return {pid, start_time_of(pid).value_or(0)};
}

command_result run_command(const std::vector<std::string>& argv, const std::string& input) {
  const exec_plan plan = plan_exec(argv);
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) throw error("cannot create a pipe");
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw error("cannot create a pipe");
  }
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(plan, to_child[0], from_child[1]);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (pid < 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    throw error("cannot fork to run " + argv[0]);
  }
  // The inputs given here are a line or two: far below a pipe's capacity, so this write
  // cannot block.
  if (!input.empty()) {
    [[maybe_unused]] const ssize_t ignored = ::write(to_child[1], input.data(), input.size());
  }
  ::close(to_child[1]);
  command_result result;
  const bool finished =
      read_until_closed(from_child[0], result.output, steady_clock::now() + command_timeout);
  ::close(from_child[0]);
  if (!finished) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!finished) throw error(argv[0] + " did not finish within the time allowed; killed");
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::optional<std::uint64_t> start_time_of(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  // The command name in field 2 is in parentheses and may hold spaces or ')'.
  const std::size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string state;
  fields >> state;
  if (state.empty() || state == "Z" || state == "X") return std::nullopt;
  std::string field;
  for (int i = 0; i < start_time_after_state && fields >> field; ++i) {
  }
  std::uint64_t ticks = 0;
  const auto [end, failed] = std::from_chars(field.data(), field.data() + field.size(), ticks);
  if (failed != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return ticks;
}

bool is_running(const process_identity& who) {
  if (who.pid <= 0) return false;
  const auto now = start_time_of(who.pid);
  return now.has_value() && *now == who.start_time;
}

std::vector<std::string> arguments_of(pid_t pid) {
  const std::string raw = read_text("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

std::vector<pid_t> all_processes() {
  std::vector<pid_t> pids;
  std::error_code failed;
  for (const auto& entry : fs::directory_iterator("/proc", failed)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    const auto [end, bad] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (bad == std::errc() && end == name.data() + name.size()) pids.push_back(pid);
  }
  return pids;
}

std::optional<std::string> reap_if_exited(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) return std::nullopt;
  return describe_status(status);
}

namespace {

// Waits up to `bound` for `who` to be gone; reaps it if it is our child.
bool wait_until_gone(const process_identity& who, std::chrono::milliseconds bound) {
  const auto deadline = steady_clock::now() + bound;
  for (;;) {
    reap_if_exited(who.pid);
    if (!is_running(who)) return true;
    if (steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(exit_poll_interval);
  }
}

// Sends `signal` to `who` only if the PID still names that process. The check and the
// signal go through one pidfd, so a PID recycled in between cannot be hit. (Called through
// syscall(): Debian 12's <sys/pidfd.h> declares the wrappers without C linkage.)
void signal_if_same(const process_identity& who, int signal) {
  const long pidfd = ::syscall(SYS_pidfd_open, who.pid, 0);
  if (pidfd < 0) return;
  if (is_running(who)) ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0);
  ::close(static_cast<int>(pidfd));
}

}  // namespace

bool stop(const process_identity& who) {
  if (!is_running(who)) return true;
  signal_if_same(who, SIGTERM);
  if (wait_until_gone(who, terminate_grace)) return true;
  signal_if_same(who, SIGKILL);
  return wait_until_gone(who, kill_grace);
}

}  // namespace torctl::testnet
