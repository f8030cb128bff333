#include "auth_policy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "torctl/auth/password.hpp"
#include "torctl/text/arguments.hpp"

namespace torctl::daemon {

namespace {

constexpr std::string_view cookie_key = "CookieAuthentication";
constexpr std::string_view password_key = "HashedControlPassword";

// A stored hash this build can check: one of Tor's two forms, at a cost it accepts.
bool is_usable_hash(std::string_view hash) {
  const auto checked = auth::verify_password("", hash);
  return checked.has_value();
}

}  // namespace

bool auth_policy::owns(std::string_view key) noexcept {
  return text::equal_ignoring_case(key, cookie_key) || text::equal_ignoring_case(key, password_key);
}

result<auth_policy, std::string> auth_policy::load(const std::string& path) {
  std::ifstream in(path);
  auth_policy out;
  if (!in) {
    if (errno == ENOENT) return out;
    return failure{"cannot read " + path + ": " + std::strerror(errno)};
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = line.find(' ');
    const std::string_view key = std::string_view(line).substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (text::equal_ignoring_case(key, cookie_key) && (value == "0" || value == "1")) {
      out.cookie_ = value == "1";
    } else if (text::equal_ignoring_case(key, password_key) && is_usable_hash(value)) {
      out.hashes_.push_back(value);
    } else {
      return failure{path + ":" + std::to_string(number) + ": not a " + std::string(cookie_key) +
                     " 0|1 or " + std::string(password_key) + " line"};
    }
  }
  return out;
}

result<bool, std::string> auth_policy::save(const std::string& path) const {
  std::ostringstream text;
  text << "# torctld's authentication policy for its TC port; SAVECONF writes this file.\n";
  text << cookie_key << ' ' << (cookie_ ? 1 : 0) << '\n';
  for (const std::string& h : hashes_) text << password_key << ' ' << h << '\n';
  const std::string body = text.str();
  std::string temporary = path + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());  // mode 0600
  if (fd < 0) return failure{"cannot write beside " + path + ": " + std::strerror(errno)};
  const bool written = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    return failure{"cannot write " + path + ": " + why};
  }
  return true;
}

bool auth_policy::accepts(std::span<const std::uint8_t> credential,
                          const auth::secret& cookie) const {
  if (open()) return true;
  if (cookie_ && auth::constant_time_equal(credential, cookie.view())) return true;
  const std::string_view passphrase(reinterpret_cast<const char*>(credential.data()),
                                    credential.size());
  for (const std::string& h : hashes_) {
    const auto matched = auth::verify_password(passphrase, h);
    if (matched && *matched) return true;
  }
  return false;
}

result<auth_policy, policy_error> auth_policy::with(
    const std::vector<tc::config_entry>& entries) const {
  auth_policy out = *this;
  bool hashes_given = false;
  for (const tc::config_entry& e : entries) {
    if (text::equal_ignoring_case(e.key, cookie_key)) {
      if (!e.value) {
        out.cookie_ = false;
      } else if (*e.value == "0" || *e.value == "1") {
        out.cookie_ = *e.value == "1";
      } else {
        return failure{policy_error{tc::error_code::invalid_value,
                                    std::string(cookie_key) + " must be 0 or 1"}};
      }
    } else if (text::equal_ignoring_case(e.key, password_key)) {
      if (!hashes_given) out.hashes_.clear();  // a key given replaces all its values
      hashes_given = true;
      if (!e.value) continue;
      if (!is_usable_hash(*e.value)) {
        return failure{policy_error{
            tc::error_code::invalid_value,
            std::string(password_key) +
                " must be a hash as tor --hash-password prints it (16: and 58 hex digits)"}};
      }
      out.hashes_.emplace_back(*e.value);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::optional<std::string>>> auth_policy::values(
    std::string_view key) const {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (text::equal_ignoring_case(key, cookie_key)) {
    out.emplace_back(std::string(cookie_key), cookie_ ? "1" : "0");
  } else if (hashes_.empty()) {
    out.emplace_back(std::string(password_key), std::nullopt);
  } else {
    for (const std::string& h : hashes_) out.emplace_back(std::string(password_key), h);
  }
  return out;
}

}  // namespace torctl::daemon
