// torctl: a command-line controller for Tor's control port (text protocol) and for
// torctld (TC). docs/cli.md describes every subcommand, its output and exit statuses.
#include <CLI/CLI.hpp>
#include <iostream>

#include "context.hpp"
#include "text_output.hpp"

namespace cli = torctl::cli;

namespace {

constexpr const char* epilogue =
    "Connecting: with no --control, torctl tries TOR_CONTROL_IPC_PATH, then\n"
    "TOR_CONTROL_HOST / TOR_CONTROL_PORT, then unix:/run/tor/control, 127.0.0.1:9051 and\n"
    "127.0.0.1:9151. Authentication is chosen as the server allows (SAFECOOKIE, password,\n"
    "none, COOKIE); the password comes from --password (a prompt, or a line of standard\n"
    "input) or TOR_CONTROL_PASSWD, the cookie from --cookie or\n"
    "TOR_CONTROL_COOKIE_AUTH_FILE. TORCTL_PROTOCOL sets the default --protocol.\n\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the server refused (an error reply, a TC ERROR); --verify: no match\n"
    "  2  usage: a wrong command line, or something the protocol lacks\n"
    "  3  connection: nothing to connect to, the wrong kind of port, connection lost\n"
    "  4  authentication failed or impossible\n"
    "  5  anything else: a timeout, a broken protocol, a local failure\n\n"
    "Examples:\n"
    "  torctl getconf SocksPort\n"
    "  torctl --protocol tc --control 127.0.0.1:9051 setconf Nickname=mynode\n"
    "  torctl events CIRC STREAM BW\n"
    "Run 'torctl SUBCOMMAND --help' for a subcommand's options and examples.";

CLI::Validator duration_validator() {
  return CLI::Validator(
      [](const std::string& text) {
        return cli::parse_duration(text) ? std::string()
                                         : "\"" + text + "\" is not a duration (30s, 500ms, 2m)";
      },
      "DURATION");
}

void add_global_options(CLI::App& app, cli::global_options& g) {
  app.add_option("--control", g.control, "the control port: HOST:PORT or unix:PATH");
  app.add_option("--protocol", g.protocol, "text (Tor's control port, the default) or tc (torctld)")
      ->check(CLI::IsMember({"text", "tc"}))
      ->envname("TORCTL_PROTOCOL");
  app.add_flag("--password", g.password,
               "read the control password from a prompt, or a line of standard input");
  app.add_option("--cookie", g.cookie, "the cookie file to authenticate with");
  app.add_flag("--json", g.json, "print JSON (one object per line for events)");
  app.add_option("--command-timeout", g.command_timeout,
                 "how long each command may wait for its answer")
      ->check(duration_validator())
      ->default_str("30s");
}

// The first word of the command line that is neither an option nor an option's value:
// what the user meant as the subcommand. Empty if there is none.
std::string first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a == "--control" || a == "--protocol" || a == "--cookie" || a == "--command-timeout") {
      ++i;  // its value follows
    } else if (!a.empty() && a.front() != '-') {
      return std::string(a);
    }
  }
  return {};
}

// CLI11's own refusals (an unknown option, a missing argument) are usage errors: status 2
// whatever number CLI11 gives them, with the same "torctl: " shape as every other error.
int parse_failure(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  const std::string word = first_word(argc, argv);
  if (app.get_subcommands().empty() && !word.empty()) {
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    std::cerr << "torctl: \"" << word << "\" is not a subcommand\n"
              << "torctl: the subcommands are " << names << '\n';
  } else {
    const auto parsed = app.get_subcommands();
    const std::string help =
        parsed.empty() ? "torctl --help" : "torctl " + parsed.front()->get_name() + " --help";
    std::cerr << "torctl: " << e.what() << '\n'
              << "torctl: see '" << help << "' for the arguments and examples\n";
  }
  return cli::code(cli::exit_status::usage);
}

}  // namespace

int main(int argc, char** argv) {
  cli::context ctx;
  CLI::App app{"torctl: talk to a Tor control port (text protocol) or to torctld (TC)"};
  app.name("torctl");
  app.footer(epilogue);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  add_global_options(app, ctx.global);
  cli::add_config_commands(app, ctx);
  cli::add_control_commands(app, ctx);
  cli::add_events_command(app, ctx);
  cli::add_raw_command(app, ctx);
  cli::add_hash_password_command(app, ctx);
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->fallthrough();
    sub->footer(sub->get_footer() +
                "\n\nGlobal options (--control, --protocol, --password, --cookie, --json,\n"
                "--command-timeout) may come before or after the subcommand: see torctl --help.");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_failure(app, e, argc, argv);
  }
  return ctx.run ? ctx.run() : cli::code(cli::exit_status::usage);
}
