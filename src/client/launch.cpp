#include "torctl/client/launch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "torctl/text/arguments.hpp"

extern char** environ;

namespace torctl::client {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// How often the launcher looks for the control-port file and for Tor's progress.
constexpr auto poll_interval = 50ms;
constexpr auto bootstrap_poll_interval = 250ms;
// Each step of stop(): closing the owning connection, SIGTERM, SIGKILL.
constexpr auto stop_step_bound = 5s;
// Octets of Tor's log quoted in errors.
constexpr std::size_t log_tail_size = 1500;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

error launch_error(std::string why) {
  return error(errc::launch_failed, std::move(why));
}

// Reaps `pid` if it has exited; its exit status then.
std::optional<int> reap(pid_t pid) {
  int status = 0;
  const pid_t done = ::waitpid(pid, &status, WNOHANG);
  if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (done < 0 && errno == ECHILD) return -1;  // not ours to reap, or already reaped
  return std::nullopt;
}

std::optional<int> wait_exit(pid_t pid, std::chrono::steady_clock::duration bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    if (auto status = reap(pid)) return status;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

// Ends `pid` (already asked to exit, or not) and reaps it: SIGTERM, then SIGKILL.
int end_process(pid_t pid, std::chrono::steady_clock::duration first_wait) {
  if (auto status = wait_exit(pid, first_wait)) return *status;
  ::kill(pid, SIGTERM);
  if (auto status = wait_exit(pid, stop_step_bound)) return *status;
  ::kill(pid, SIGKILL);
  return wait_exit(pid, stop_step_bound).value_or(-1);
}

// The data directory: the caller's (created if missing) or a new temporary one.
result<std::string, error> prepare_directory(const std::string& wanted) {
  if (wanted.empty()) {
    std::string pattern = (fs::temp_directory_path() / "torctl-tor-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return failure{launch_error("cannot create a temporary directory: " +
                                  std::string(std::strerror(errno)))};
    }
    return pattern;
  }
  std::error_code ec;
  fs::create_directories(wanted, ec);
  if (ec || ::chmod(wanted.c_str(), 0700) != 0) {
    return failure{launch_error("cannot create the data directory " + wanted + ": " +
                                (ec ? ec.message() : std::string(std::strerror(errno))))};
  }
  return wanted;
}

// The launcher's own options, given to Tor as defaults (see launch.hpp), and the
// caller's torrc.
result<bool, error> write_configuration(const std::string& dir, const launch_options& o) {
  std::ofstream defaults(dir + "/torctl-defaults.torrc", std::ios::trunc);
  defaults << "# Written by torctl's launcher at every start; Tor reads it as its defaults.\n"
           << "DataDirectory " << dir << "/tor\n"
           << "ControlPort auto\n"
           << "ControlPortWriteToFile " << dir << "/control-port\n"
           << "CookieAuthentication 1\n"
           << "__OwningControllerProcess " << ::getpid() << "\n";
  defaults.close();
  if (!defaults) return failure{launch_error("cannot write " + dir + "/torctl-defaults.torrc")};
  const std::string path = dir + "/torrc";
  if (o.keep_torrc && fs::exists(path)) return true;
  std::ofstream torrc(path, o.keep_torrc ? std::ios::app : std::ios::trunc);
  if (!o.keep_torrc) {
    for (const std::string& line : o.torrc_lines) torrc << line << "\n";
  }
  torrc.close();
  if (!torrc) return failure{launch_error("cannot write " + path)};
  return true;
}

result<pid_t, error> spawn_tor(const std::string& program, const std::string& dir) {
  const std::string log = dir + "/tor.log";
  std::vector<std::string> args = {program, "--defaults-torrc", dir + "/torctl-defaults.torrc",
                                   "-f", dir + "/torrc"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc =
      program.find('/') == std::string::npos
          ? ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ)
          : ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return failure{launch_error("cannot run " + program + ": " + std::strerror(rc) +
                                (rc == ENOENT ? " (is Debian's tor installed?)" : ""))};
  }
  return pid;
}

// Kills and reaps a Tor that did not get ready, and removes a directory made for it.
struct launch_guard {
  pid_t pid = -1;
  std::string dir;
  bool owns_dir = false;
  ~launch_guard() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      end_process(pid, stop_step_bound);
    }
    if (owns_dir) {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  }
  std::string tail() const {
    const std::string log = read_file(dir + "/tor.log");
    return log.size() > log_tail_size ? log.substr(log.size() - log_tail_size) : log;
  }
};

// "NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done""
bootstrap_status parse_bootstrap(std::string_view phase) {
  bootstrap_status out;
  text::argument_reader args(phase);
  text::argument a;
  while (args.next(a)) {
    if (a.key == "PROGRESS") out.progress = std::atoi(std::string(a.value).c_str());
    if (a.key == "TAG") out.tag = a.decoded();
    if (a.key == "SUMMARY") out.summary = a.decoded();
  }
  return out;
}

asio::awaitable<result<bool, error>> wait_for_bootstrap(connection& c, const launch_options& o) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + o.bootstrap_timeout;
  int last = -1;
  for (;;) {
    std::vector<std::string> keys{"status/bootstrap-phase"};  // g++ 12: no braces in co_await
    auto info = co_await c.get_info(std::move(keys));
    if (!info) co_return failure{info.error()};
    const bootstrap_status status = parse_bootstrap(info->front().value);
    if (status.progress != last && o.on_progress) o.on_progress(status);
    last = status.progress;
    if (status.progress >= 100) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return failure{launch_error(
          "tor did not bootstrap within " + std::to_string(o.bootstrap_timeout.count()) +
          " ms (stuck at " + std::to_string(status.progress) + " %: " + status.summary + ")")};
    }
    timer.expires_after(bootstrap_poll_interval);
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// Waits for "PORT=127.0.0.1:NNNN\n" in the control-port file while Tor runs.
asio::awaitable<result<endpoint, error>> wait_for_control_port(launch_guard& guard,
                                                               std::chrono::milliseconds bound) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + bound;
  const std::string file = guard.dir + "/control-port";
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto status = reap(guard.pid)) {
      guard.pid = -1;
      co_return failure{launch_error("tor exited at start (status " + std::to_string(*status) +
                                     "); its log ends:\n" + guard.tail())};
    }
    const std::string written = read_file(file);
    if (written.rfind("PORT=", 0) == 0 && !written.empty() && written.back() == '\n') {
      auto where = parse_endpoint(written.substr(5, written.find('\n') - 5));
      if (where) co_return *where;
    }
    timer.expires_after(poll_interval);
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return failure{launch_error("tor opened no control port within " +
                                 std::to_string(bound.count()) + " ms; its log ends:\n" +
                                 guard.tail())};
}

}  // namespace

awaitable_outcome<launched_tor> launched_tor::launch(asio::any_io_executor ex,
                                                     launch_options options) {
  auto dir = prepare_directory(options.data_directory);
  if (!dir) co_return failure{dir.error()};
  launch_guard guard{-1, *dir, options.data_directory.empty()};
  std::error_code ignored;
  fs::remove(guard.dir + "/control-port", ignored);  // a stale one from an earlier run
  auto written = write_configuration(guard.dir, options);
  if (!written) co_return failure{written.error()};
  auto pid = spawn_tor(options.tor_program, guard.dir);
  if (!pid) co_return failure{pid.error()};
  guard.pid = *pid;

  auto where = co_await wait_for_control_port(guard, options.ready_timeout);
  if (!where) co_return failure{where.error()};
  connect_options c = std::move(options.connection);
  c.endpoints = {*where};
  c.protocol = protocol::text;
  auto opened = co_await connection::open(ex, std::move(c));
  if (!opened) co_return failure{opened.error()};
  auto owned = co_await opened->raw("TAKEOWNERSHIP");
  if (!owned || !owned->ok()) {
    co_return failure{
        launch_error("tor refused TAKEOWNERSHIP: " +
                     (owned ? std::string(owned->message()) : owned.error().message))};
  }
  if (options.wait_for_bootstrap) {
    auto ready = co_await wait_for_bootstrap(*opened, options);
    if (!ready) co_return failure{ready.error()};
  }
  launched_tor out(std::move(*opened), std::exchange(guard.pid, -1), guard.dir, guard.owns_dir);
  guard.owns_dir = false;
  co_return std::move(out);
}

launched_tor::launched_tor(connection c, pid_t pid, std::string dir, bool owns_dir)
    : control_(std::move(c)),
      pid_(pid),
      data_directory_(std::move(dir)),
      owns_directory_(owns_dir) {}

launched_tor::launched_tor(launched_tor&& other) noexcept
    : control_(std::move(other.control_)),
      pid_(std::exchange(other.pid_, -1)),
      data_directory_(std::move(other.data_directory_)),
      owns_directory_(std::exchange(other.owns_directory_, false)),
      exit_status_(other.exit_status_) {}

launched_tor& launched_tor::operator=(launched_tor&& other) noexcept {
  if (this != &other) {
    stop();
    control_ = std::move(other.control_);
    pid_ = std::exchange(other.pid_, -1);
    data_directory_ = std::move(other.data_directory_);
    owns_directory_ = std::exchange(other.owns_directory_, false);
    exit_status_ = other.exit_status_;
  }
  return *this;
}

launched_tor::~launched_tor() {
  stop();
}

bool launched_tor::exited() {
  if (pid_ <= 0) return true;
  if (auto status = reap(pid_)) {
    exit_status_ = status;
    pid_ = -1;
  }
  return pid_ <= 0;
}

std::string launched_tor::log_tail() const {
  const std::string log = read_file(data_directory_ + "/tor.log");
  return log.size() > log_tail_size ? log.substr(log.size() - log_tail_size) : log;
}

void launched_tor::stop() {
  control_.close();  // Tor, owned by this connection, exits when it closes
  if (pid_ > 0) {
    exit_status_ = end_process(pid_, stop_step_bound);
    pid_ = -1;
  }
  if (owns_directory_) {
    std::error_code ignored;
    fs::remove_all(data_directory_, ignored);
    owns_directory_ = false;
  }
}

}  // namespace torctl::client
