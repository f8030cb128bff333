#include "torctl/auth/cookie.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace torctl::auth {

namespace {

auth_error file_error(const std::string& what, const std::string& path, int error) {
  return {auth_errc::file_error, what + " " + path + ": " + std::strerror(error)};
}

// Owner and mode of `path`, for a "permission denied" message.
std::string owner_and_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " (owner uid %u, mode %04o)",
                static_cast<unsigned>(st.st_uid), static_cast<unsigned>(st.st_mode & 07777));
  return buffer;
}

// Closes a descriptor on every path out of a function.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

result<secret, auth_error> create_cookie_file(const std::string& path) {
  std::array<std::uint8_t, cookie_size> bytes{};
  if (!random_bytes(bytes)) {
    return failure{auth_error{auth_errc::rng_failure, "the system's random source failed"}};
  }
  secret cookie(bytes);
  wipe(bytes);

  // mkstemp creates the file with mode 0600 and a name nobody else holds.
  std::string temporary = path + ".tmp-XXXXXX";
  fd_guard fd(::mkstemp(temporary.data()));
  if (fd.get() < 0) return failure{file_error("cannot create a file beside", path, errno)};
  const auto fail = [&](const char* what) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return failure{file_error(what, path, error)};
  };
  if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) return fail("cannot restrict the mode of");
  if (!write_all(fd.get(), cookie.view())) return fail("cannot write");
  if (::fsync(fd.get()) != 0) return fail("cannot flush");
  if (::close(fd.release()) != 0) return fail("cannot close");
  if (::rename(temporary.c_str(), path.c_str()) != 0) return fail("cannot rename a file onto");
  return cookie;
}

result<secret, auth_error> read_cookie_file(const std::string& path) {
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    auth_error e = file_error("cookie file unreadable:", path, error);
    if (error == EACCES) e.message += owner_and_mode(path);
    return failure{std::move(e)};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failure{file_error("cannot stat", path, errno)};
  if (!S_ISREG(st.st_mode)) {
    return failure{
        auth_error{auth_errc::bad_cookie, "cookie file " + path + " is not a regular file"}};
  }
  // Read one octet more than a cookie, so that a longer file is noticed even if it grew.
  std::array<std::uint8_t, cookie_size + 1> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      wipe(bytes);
      return failure{file_error("cannot read", path, errno)};
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != cookie_size) {
    wipe(bytes);
    return failure{auth_error{
        auth_errc::bad_cookie,
        "cookie file " + path + " is not 32 octets long" +
            (got > cookie_size ? " (it is longer)" : " (it has " + std::to_string(got) + ")")}};
  }
  secret cookie(std::span<const std::uint8_t>(bytes.data(), cookie_size));
  wipe(bytes);
  return cookie;
}

}  // namespace torctl::auth
