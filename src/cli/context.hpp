// What every subcommand shares: the global options, the way results and failures are
// printed, and the connection made from those options.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "exit_status.hpp"
#include "torctl/client/blocking.hpp"

namespace CLI {
class App;
}

namespace torctl::cli {

using json = nlohmann::json;

struct global_options {
  std::string control;  // HOST:PORT or unix:PATH; empty: discover as the client does
  std::string protocol = "text";
  bool password = false;  // read the control password from a prompt or standard input
  std::string cookie;     // a cookie file; empty: the one the server names
  bool json = false;
  std::string command_timeout = "30s";
};

struct context {
  global_options global;
  // Set by the subcommand that was parsed; main runs it once parsing is over, so that
  // nothing happens before the whole command line is known to be valid.
  std::function<int()> run;

  client::protocol protocol() const noexcept {
    return global.protocol == "tc" ? client::protocol::tc : client::protocol::text;
  }
};

// Writes one JSON document as one line on standard output, and flushes it. Text that is
// not UTF-8 is replaced rather than thrown on: it comes from the server.
void print_json(const json& document);

// Prints a failure on standard error, as "torctl: MESSAGE" and, where one is known, a
// line saying how to fix it; with --json also a {"error": {...}} line on standard
// output. Returns the exit status of the failure's class.
int report(const context& ctx, const client::error& e);
// The same for a failure found by torctl itself, of the given class.
int report(const context& ctx, exit_status status, const std::string& message,
           const std::string& hint = {});

// Connects and authenticates as the global options and the environment say
// (connection.cpp); a failure is reported and its exit status is returned instead.
using connected_action = std::function<int(client::blocking_connection&)>;
int with_connection(const context& ctx, const connected_action& action);

// The subcommands, by group; each registers itself and sets ctx.run when chosen.
void add_config_commands(CLI::App& app, context& ctx);   // getconf, setconf, saveconf
void add_control_commands(CLI::App& app, context& ctx);  // signal, mapaddress, mappings, info
void add_raw_command(CLI::App& app, context& ctx);
void add_events_command(CLI::App& app, context& ctx);
void add_hash_password_command(CLI::App& app, context& ctx);

}  // namespace torctl::cli
