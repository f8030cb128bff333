#include "torctl_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace torctl::testing {

namespace {

using clock = std::chrono::steady_clock;

// The test process's environment without what would point torctl elsewhere.
std::vector<std::string> clean_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("TOR_CONTROL_", 0) == 0 || entry.rfind("TORCTL_", 0) == 0) continue;
    env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string torctl_result::describe() const {
  return "exit status " + std::to_string(status) + "\n--- stdout ---\n" + out + "--- stderr ---\n" +
         err;
}

std::string torctl_program() {
  const char* configured = std::getenv("TORCTL_TORCTL");
  return configured != nullptr && *configured != '\0' ? configured : TORCTL_TORCTL_BUILT;
}

torctl_child::torctl_child(const std::vector<std::string>& arguments, const torctl_options& o) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_strings{torctl_program()};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  std::vector<std::string> env_strings = clean_environment(o.environment);
  // Prepared before fork: the child only calls async-signal-safe functions.
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  // A small input fits the pipe; nothing here writes more than a password or two.
  std::size_t written = 0;
  while (written < o.input.size()) {
    const ssize_t n = ::write(in[1], o.input.data() + written, o.input.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(in[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

torctl_child::~torctl_child() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

void torctl_child::pump(clock::time_point deadline) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  const int timeout = static_cast<int>(std::max<std::int64_t>(0, left.count()));
  if (out_fd_ < 0 && err_fd_ < 0) return;
  if (::poll(fds, 2, timeout) <= 0) return;
  const auto drain = [](int& fd, short revents, std::string& into) {
    if (fd < 0 || (revents & (POLLIN | POLLHUP | POLLERR)) == 0) return;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      ::close(fd);
      fd = -1;
    }
  };
  drain(out_fd_, fds[0].revents, out_);
  drain(err_fd_, fds[1].revents, err_);
}

std::optional<std::string> torctl_child::next_line(clock::time_point deadline) {
  for (;;) {
    const std::size_t end = out_.find('\n', out_taken_);
    if (end != std::string::npos) {
      std::string line = out_.substr(out_taken_, end - out_taken_);
      out_taken_ = end + 1;
      return line;
    }
    if (out_fd_ < 0 || clock::now() >= deadline) return std::nullopt;
    pump(deadline);
  }
}

void torctl_child::send(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

torctl_result torctl_child::finish(std::chrono::milliseconds bound) {
  const auto deadline = clock::now() + bound;
  while ((out_fd_ >= 0 || err_fd_ >= 0) && clock::now() < deadline) pump(deadline);
  while (!status_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = decode_status(status);
    } else if (clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      status_ = decode_status(status);
    } else {
      ::usleep(10'000);
    }
  }
  return {*status_, out_, err_};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

torctl_result run_torctl(const std::vector<std::string>& arguments, const torctl_options& o,
                         std::chrono::milliseconds bound) {
  torctl_child child(arguments, o);
  return child.finish(bound);
}

}  // namespace torctl::testing
