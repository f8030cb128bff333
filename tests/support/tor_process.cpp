#include "support/tor_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace torctl::testing {

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Forks and execs argv; the child's standard output goes to `stdout_fd` if not -1.
pid_t spawn(const std::vector<std::string>& argv, int stdout_fd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
      if (stdout_fd < 0) ::dup2(devnull, STDOUT_FILENO);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid` up to `bound`; true if it exited.
bool wait_for_exit(pid_t pid, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

std::string tor_program() {
  const char* configured = std::getenv("TORCTL_TOR");
  return configured != nullptr && *configured != '\0' ? configured : "tor";
}

std::string run_and_capture(const std::vector<std::string>& argv, int& exit_status) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "";
  const pid_t pid = spawn(argv, pipe_fds[1]);
  ::close(pipe_fds[1]);
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

std::unique_ptr<tor_process> tor_process::start(const std::vector<std::string>& extra,
                                                std::string& error,
                                                std::chrono::seconds ready_within) {
  return start_on_port(0, extra, error, ready_within);
}

void tor_process::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_, std::chrono::seconds(10));
  pid_ = -1;
}

std::unique_ptr<tor_process> tor_process::start_on_port(int control_port,
                                                        const std::vector<std::string>& extra,
                                                        std::string& error,
                                                        std::chrono::seconds ready_within) {
  std::unique_ptr<tor_process> tor(new tor_process());
  std::string pattern = (fs::temp_directory_path() / "torctl-tor-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "cannot create a temporary directory";
    return nullptr;
  }
  tor->directory_ = pattern;
  const std::string dir = tor->directory_;
  std::ofstream(dir + "/empty").close();
  // The defaults below give way to extra lines that set the same option.
  const auto overrides = [&](std::string_view option) {
    return std::any_of(extra.begin(), extra.end(), [&](const std::string& line) {
      return line.rfind(std::string(option) + " ", 0) == 0;
    });
  };
  std::ofstream torrc(dir + "/torrc");
  torrc << "DataDirectory " << dir << "/data\n"
        << "ControlPort "
        << (control_port > 0 ? "127.0.0.1:" + std::to_string(control_port) : "auto") << "\n"
        << "ControlPortWriteToFile " << dir << "/control-port\n"
        << (overrides("SocksPort") ? "" : "SocksPort 0\n")
        << (overrides("DisableNetwork") ? "" : "DisableNetwork 1\n") << "Log notice file " << dir
        << "/notice.log\n"
        << "GeoIPFile " << dir << "/empty\n"
        << "GeoIPv6File " << dir << "/empty\n"
        << "__OwningControllerProcess " << ::getpid() << "\n";
  for (const std::string& line : extra) torrc << line << "\n";
  torrc.close();

  tor->pid_ = spawn({tor_program(), "--defaults-torrc", dir + "/none", "-f", dir + "/torrc"}, -1);
  const auto deadline = std::chrono::steady_clock::now() + ready_within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(tor->pid_, &status, WNOHANG) == tor->pid_) {
      tor->pid_ = -1;
      const bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
      error = missing ? "cannot run " + tor_program() +
                            ": is Debian's tor installed? (scripts/install-deps.sh)"
                      : "tor exited at start; its log ends:\n" + tor->log_tail();
      return nullptr;
    }
    // The file reads "PORT=127.0.0.1:NNNN" once tor listens.
    const std::string written = read_file(dir + "/control-port");
    const std::size_t colon = written.rfind(':');
    if (written.rfind("PORT=", 0) == 0 && colon != std::string::npos && written.back() == '\n') {
      tor->control_port_ = std::atoi(written.c_str() + colon + 1);
      return tor;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error = "tor opened no control port within the time allowed; its log ends:\n" + tor->log_tail();
  return nullptr;
}

tor_process::~tor_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!wait_for_exit(pid_, std::chrono::seconds(10))) {
      ::kill(pid_, SIGKILL);
      wait_for_exit(pid_, std::chrono::seconds(10));
    }
  }
  std::error_code ignored;
  if (!directory_.empty()) fs::remove_all(directory_, ignored);
}

std::string tor_process::log_tail() const {
  const std::string log = read_file(directory_ + "/notice.log");
  return log.size() > 2000 ? log.substr(log.size() - 2000) : log;
}

control_connection::control_connection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  timeval timeout{10, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

control_connection::~control_connection() {
  if (fd_ >= 0) ::close(fd_);
}

std::string control_connection::read_line() {
  for (;;) {
    const std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return {};
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::vector<std::string> control_connection::command(const std::string& line) {
  std::vector<std::string> reply;
  const std::string wire = line + "\r\n";
  if (fd_ < 0 ||
      ::send(fd_, wire.data(), wire.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(wire.size())) {
    return reply;
  }
  for (;;) {
    std::string got = read_line();
    if (got.empty()) return reply;
    const bool end = got.size() >= 4 && got[3] == ' ';
    reply.push_back(std::move(got));
    if (end) return reply;
  }
}

}  // namespace torctl::testing
