// hash-password: Tor's hashed control passwords (HashedControlPassword), made and checked
// here without a Tor. The password is read from a prompt or standard input, never from
// the command line unless the user insists (it would show in ps and in shell history).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "password_input.hpp"
#include "torctl/auth/password.hpp"

namespace torctl::cli {

namespace {

struct hash_options {
  std::string verify;    // a stored hash to check the password against
  std::string argument;  // --insecure-password-arg
  bool argument_given = false;
};

std::string_view as_text(const auth::secret& s) {
  return {reinterpret_cast<const char*>(s.view().data()), s.size()};
}

// The password: from the command line if forced, else one prompt (twice on a terminal
// when making a hash, so that a typo is caught) or one line of standard input.
std::optional<auth::secret> obtain_password(const hash_options& o, bool confirm, std::string& why) {
  if (o.argument_given) return auth::secret(std::string_view(o.argument));
  auto first = read_password("Password: ", why);
  if (!first || !confirm || !input_is_terminal()) return first;
  auto again = read_password("Again: ", why);
  if (!again) return std::nullopt;
  if (!(*first == *again)) {
    why = "the two passwords differ";
    return std::nullopt;
  }
  return first;
}

int run_hash(const context& ctx, const hash_options& o) {
  std::string why;
  const auto password = obtain_password(o, true, why);
  if (!password) return report(ctx, exit_status::usage, "hash-password: " + why);
  auto hashed = auth::hash_password(as_text(*password));
  if (!hashed) return report(ctx, exit_status::failure, "hash-password: " + hashed.error().message);
  if (ctx.global.json) {
    print_json({{"hash", *hashed}});
  } else {
    std::cout << *hashed << '\n';
  }
  return 0;
}

int run_verify(const context& ctx, const hash_options& o) {
  std::string why;
  const auto password = obtain_password(o, false, why);
  if (!password) return report(ctx, exit_status::usage, "hash-password: " + why);
  auto match = auth::verify_password(as_text(*password), o.verify);
  if (!match) {
    return report(ctx, exit_status::usage, "hash-password --verify: " + match.error().message,
                  "give a hash as Tor writes it: 16: and 58 hex digits (tor --hash-password)");
  }
  if (ctx.global.json) {
    print_json({{"match", *match}});
  } else {
    std::cout << (*match ? "the password matches" : "the password does not match") << '\n';
  }
  return *match ? 0 : code(exit_status::refused);
}

}  // namespace

void add_hash_password_command(CLI::App& app, context& ctx) {
  auto o = std::make_shared<hash_options>();
  CLI::App* sub =
      app.add_subcommand("hash-password", "Hash a control password as Tor does, or check one");
  sub->add_option("--verify", o->verify, "check the password against this hash instead");
  CLI::Option* arg =
      sub->add_option("--insecure-password-arg", o->argument,
                      "take the password from the command line (other users can see it in ps)");
  sub->footer(
      "The password is read from the terminal with echo off (asked twice), or as one line\n"
      "of standard input. The hash goes into Tor's torrc (or torctld's configuration) as\n"
      "HashedControlPassword; it is Tor's own format, the same as tor --hash-password.\n"
      "With --verify, the exit status is 0 if the password matches and 1 if not.\n\n"
      "Examples:\n"
      "  torctl hash-password\n"
      "  printf '%s\\n' \"$PASSWORD\" | torctl hash-password\n"
      "  torctl hash-password --verify 16:0A1B... < password.txt\n"
      "  torctl setconf HashedControlPassword=$(torctl hash-password)");
  sub->callback([&ctx, o, arg] {
    o->argument_given = arg->count() > 0;
    ctx.run = [&ctx, o] { return o->verify.empty() ? run_hash(ctx, *o) : run_verify(ctx, *o); };
  });
}

}  // namespace torctl::cli
