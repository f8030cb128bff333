// Who may use torctld's TC port (TC spec 4.1): the two options CookieAuthentication and
// HashedControlPassword, as controllers set them with SETCONF and keep them with SAVECONF.
//
//   neither set               any AUTHENTICATE is accepted (trust local users)
//   CookieAuthentication 1    the 32 octets of DIR/control_auth_cookie
//   HashedControlPassword H   a passphrase whose hash (Tor's S2K) is H; several allowed
//   both                      either
//
// torctld keeps these two options itself, in DIR/torctld-auth.conf, rather than in Tor's
// configuration: Tor would apply them to its own control port too, where torctld's link
// to Tor has to keep authenticating with Tor's own cookie whatever a controller sets.
// GETCONF and SETCONF of these keys are answered here; everything else goes to Tor.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/auth/secret.hpp"
#include "torctl/result.hpp"
#include "torctl/tc/config_lines.hpp"
#include "torctl/tc/error_code.hpp"

namespace torctl::daemon {

struct policy_error {
  tc::error_code code;
  std::string text;
};

class auth_policy {
 public:
  // True for the two keys this class owns (compared without regard to case, as Tor does).
  static bool owns(std::string_view key) noexcept;

  // Reads a policy file of torrc lines; a missing file is the empty policy. Fails with a
  // message naming the file and the line for anything else it cannot read.
  static result<auth_policy, std::string> load(const std::string& path);
  // Writes the policy: owner-only, atomically (a new file renamed over the old one).
  result<bool, std::string> save(const std::string& path) const;

  bool cookie_required() const noexcept { return cookie_; }
  const std::vector<std::string>& password_hashes() const noexcept { return hashes_; }
  bool open() const noexcept { return !cookie_ && hashes_.empty(); }

  // Whether `credential` is acceptable: the cookie (compared in constant time) or a
  // passphrase matching one of the hashes; anything when the policy is open.
  bool accepts(std::span<const std::uint8_t> credential, const auth::secret& cookie) const;

  // The policy with SETCONF `entries` applied (only those whose key this class owns):
  // a key given replaces all of its values, a key alone restores the default (unset).
  // Fails with 0x0005 for a value that is not 0 or 1, or not a Tor password hash.
  result<auth_policy, policy_error> with(const std::vector<tc::config_entry>& entries) const;

  // The CONFVALUE entries for one owned key: its values in order, or the key alone.
  std::vector<std::pair<std::string, std::optional<std::string>>> values(
      std::string_view key) const;

 private:
  bool cookie_ = false;
  std::vector<std::string> hashes_;
};

}  // namespace torctl::daemon
