#include "password_input.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace torctl::cli {

namespace {

// Reads up to a line end from `fd`, octet by octet (no buffering past the line, so
// whatever follows on standard input stays there). False at end of input before any
// line end or octet.
bool read_line(int fd, std::string& line) {
  line.clear();
  bool got_any = false;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return got_any;
    got_any = true;
    if (c == '\n') break;
    line += c;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

// Echo off on the terminal `fd` for as long as it lives, and back on (with the line end
// the user typed but did not see) at the end. Turning it off discards what was typed
// ahead, as getpass does, so the prompt must be written after this, not before.
class echo_off {
 public:
  explicit echo_off(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~echo_off() {
    if (!active_) return;
    ::tcsetattr(fd_, TCSANOW, &saved_);
    [[maybe_unused]] const ssize_t n = ::write(fd_, "\n", 1);
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

void wipe(std::string& text) {
  auth::wipe({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
  text.clear();
}

}  // namespace

bool input_is_terminal() noexcept {
  return ::isatty(STDIN_FILENO) == 1;
}

std::optional<auth::secret> read_password(const std::string& prompt, std::string& why) {
  std::string line;
  if (!input_is_terminal()) {
    if (!read_line(STDIN_FILENO, line)) {
      why = "no password on standard input (give it as one line, or run on a terminal)";
      return std::nullopt;
    }
  } else {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) {
      why = std::string("cannot open the terminal: ") + std::strerror(errno);
      return std::nullopt;
    }
    bool ok = false;
    {
      echo_off quiet(tty);
      [[maybe_unused]] const ssize_t n = ::write(tty, prompt.data(), prompt.size());
      ok = read_line(tty, line);
    }
    ::close(tty);
    if (!ok) {
      why = "no password was typed";
      return std::nullopt;
    }
  }
  auth::secret password(line);
  wipe(line);
  return password;
}

}  // namespace torctl::cli
