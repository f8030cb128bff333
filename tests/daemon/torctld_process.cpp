#include "daemon/torctld_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/tor_process.hpp"

namespace torctl::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// How long torctld may take to launch its Tor and listen.
constexpr auto ready_bound = 60s;

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

std::optional<int> wait_for(pid_t pid, int bound_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(bound_ms);
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

std::string make_directory(const torctld_process::options& o, bool& owned) {
  owned = o.directory.empty();
  std::string dir = o.directory;
  if (owned) {
    dir = (fs::temp_directory_path() / "torctld-test-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) return {};
  }
  std::ofstream torrc(dir + "/initial.torrc");
  for (const std::string& line : o.torrc_lines) torrc << line << "\n";
  return dir;
}

std::vector<std::string> base_arguments(const std::string& dir, const torctld_process::options& o,
                                        int port) {
  std::vector<std::string> args = {
      torctld_program(),      "--listen",    "127.0.0.1:" + std::to_string(port),
      "--data-dir",           dir + "/data", "--torrc",
      dir + "/initial.torrc", "--tor",       tor_program(),
      "--log-level",          "debug"};
  args.insert(args.end(), o.extra_arguments.begin(), o.extra_arguments.end());
  return args;
}

}  // namespace

std::string torctld_program() {
  const char* configured = std::getenv("TORCTL_TORCTLD");
  return configured != nullptr && *configured != '\0' ? configured : TORCTL_TORCTLD_BUILT;
}

std::unique_ptr<torctld_process> torctld_process::start(const options& o, std::string& error) {
  std::unique_ptr<torctld_process> p(new torctld_process());
  p->directory_ = make_directory(o, p->owns_directory_);
  if (p->directory_.empty()) {
    error = "cannot make a temporary directory";
    return nullptr;
  }
  p->port_ = free_port();
  p->pid_ = spawn(base_arguments(p->directory_, o, p->port_), p->directory_ + "/torctld.log");
  const auto deadline = std::chrono::steady_clock::now() + ready_bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto status = wait_for(p->pid_, 0)) {
      p->pid_ = -1;
      error = "torctld exited with status " + std::to_string(*status) + ":\n" + p->output();
      return nullptr;
    }
    if (accepts(p->port_)) return p;
    std::this_thread::sleep_for(50ms);
  }
  error = "torctld did not listen within the bound:\n" + p->output();
  return nullptr;
}

int torctld_process::run_to_exit(const options& o, std::vector<std::string> arguments,
                                 std::string& output) {
  bool owned = false;
  const std::string dir = make_directory(o, owned);
  std::vector<std::string> args = base_arguments(dir, o, free_port());
  // An option given in `arguments` replaces the one above ("--tor X"), except --listen,
  // which may be repeated.
  for (std::size_t i = 0; i + 1 < arguments.size(); i += 2) {
    if (arguments[i] == "--listen") continue;
    for (std::size_t j = 1; j + 1 < args.size(); ++j) {
      if (args[j] == arguments[i]) {
        args.erase(args.begin() + static_cast<long>(j), args.begin() + static_cast<long>(j) + 2);
        break;
      }
    }
  }
  args.insert(args.end(), arguments.begin(), arguments.end());
  const pid_t pid = spawn(args, dir + "/torctld.log");
  auto status = wait_for(pid, 60000);
  if (!status) {
    ::kill(pid, SIGKILL);
    wait_for(pid, 10000);
  }
  output = read_file(dir + "/torctld.log");
  if (owned) fs::remove_all(dir);
  return status.value_or(-1);
}

torctld_process::~torctld_process() {
  if (pid_ > 0 && !stop(SIGTERM, 20000)) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, 10000);
  }
  std::error_code ignored;
  if (owns_directory_) fs::remove_all(directory_, ignored);
}

std::string torctld_process::output() const {
  return read_file(directory_ + "/torctld.log");
}

std::optional<int> torctld_process::stop(int signal, int bound_ms) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, signal);
  return wait_exit(bound_ms);
}

std::optional<int> torctld_process::wait_exit(int bound_ms) {
  if (pid_ <= 0) return std::nullopt;
  auto status = wait_for(pid_, bound_ms);
  if (status) pid_ = -1;
  return status;
}

}  // namespace torctl::testing
