// What torctld_events_bench needs of the processes it runs: a torctld child attached
// to the fake Tor (stopped by its PID, its directory removed, whatever happens), the
// CPU time and counters /proc keeps for it, and blocking connections to it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fanout.hpp"
#include "local_files.hpp"

namespace torctl::bench {

// `fd` connected to `address`, or -1 with the socket closed (errno says why).
inline int connected_or_closed(int fd, const sockaddr* address, socklen_t size) {
  if (::connect(fd, address, size) == 0) return fd;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

// A blocking TCP connection to 127.0.0.1:port, or -1 (errno says why).
inline int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return connected_or_closed(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

// A blocking connection to the Unix socket at `path`, or -1 (errno says why).
inline int connect_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) fail_run("socket path too long: " + path);
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return connected_or_closed(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

inline void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_run(std::string("send: ") + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// CPU seconds a process has used (user + system), from /proc.
inline double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string skipped;
  for (int i = 3; i < 14; ++i) fields >> skipped;  // state .. cmajflt: fields 3 to 13
  double user = 0, system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

inline double thread_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A number from /proc/PID/status (VmRSS: and VmHWM: are in KiB).
inline long status_number(pid_t pid, const char* field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

// torctld attached to the fake Tor, in a temporary directory. It is stopped by its PID
// (SIGTERM, then SIGKILL after 5 s) and the directory removed, however the run ends; if
// this program is killed, the kernel sends torctld SIGTERM (PR_SET_PDEATHSIG). It serves
// TC on a loopback TCP port, or on a Unix socket in that directory.
class torctld_process {
 public:
  // `extra`: more of torctld's options (say --send-threads 0).
  torctld_process(const std::string& program, std::uint16_t tor_port, bool unix_socket,
                  std::vector<std::string> extra = {}) {
    dir_ = (std::filesystem::temp_directory_path() / "torctld-events-bench-XXXXXX").string();
    if (::mkdtemp(dir_.data()) == nullptr) fail_run("mkdtemp failed");
    port_ = free_port();
    if (unix_socket) socket_path_ = dir_ + "/tc.sock";
    // Everything the child needs is made before fork: between fork and exec it only
    // makes system calls, since the fake Tor's thread exists.
    const std::string log = dir_ + "/torctld.log", data = dir_ + "/data";
    const std::string tor = "127.0.0.1:" + std::to_string(tor_port);
    const std::string listen =
        unix_socket ? "unix:" + socket_path_ : "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> args{program,    "--tor-control", tor,           "--data-dir", data,
                                  "--listen", listen,          "--log-level", "warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) fail_run("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(127);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) ::dup2(fd, STDERR_FILENO);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~torctld_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 500 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (i == 499) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
        }
      }
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  torctld_process(const torctld_process&) = delete;
  torctld_process& operator=(const torctld_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  // A new blocking connection to torctld's TC port, or -1 (errno says why).
  int connect() const {
    return socket_path_.empty() ? connect_loopback(port_) : connect_unix(socket_path_);
  }
  std::string log() const { return read_file(dir_ + "/torctld.log"); }

  // Returns once torctld accepts connections (it listens once attached to its Tor).
  void wait_listening() {
    for (int i = 0; i < 300; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        fail_run("torctld exited at start (status " + std::to_string(status) + "):\n" + log());
      }
      const int fd = connect();
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    fail_run("torctld did not listen within 15 s:\n" + log());
  }
  // Throws, with torctld's log, if it has exited.
  void check_alive() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fail_run("torctld exited (status " + std::to_string(status) + "):\n" + log());
    }
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string socket_path_;  // empty: TCP
};

}  // namespace torctl::bench
