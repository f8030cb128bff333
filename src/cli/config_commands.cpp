// getconf, setconf, saveconf: reading, changing and saving the configuration.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "text_output.hpp"

namespace torctl::cli {

namespace {

json entries_json(const std::vector<client::config_entry>& entries) {
  json list = json::array();
  for (const client::config_entry& e : entries) {
    list.push_back({{"key", e.key}, {"value", e.value ? json(*e.value) : json(nullptr)}});
  }
  return list;
}

// One row per value, in the server's order: a multi-valued option has several rows.
int print_conf(const context& ctx, const std::vector<client::config_entry>& entries) {
  if (ctx.global.json) {
    print_json({{"options", entries_json(entries)}});
    return 0;
  }
  table t({"OPTION", "VALUE"});
  for (const client::config_entry& e : entries) {
    t.add({printable(e.key), e.value ? printable(*e.value) : "(default)"});
  }
  t.print(std::cout);
  return 0;
}

int run_getconf(const context& ctx, const std::vector<std::string>& keys) {
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto entries = c.get_conf(keys);
    if (!entries) return report(ctx, entries.error());
    return print_conf(ctx, *entries);
  });
}

// "KEY=VALUE" sets (the value may be empty, or hold '='); "KEY" alone means the default.
std::vector<client::config_entry> parse_assignments(const std::vector<std::string>& args) {
  std::vector<client::config_entry> entries;
  for (const std::string& a : args) {
    const std::size_t eq = a.find('=');
    if (eq == std::string::npos) {
      entries.push_back({a, std::nullopt});
    } else {
      entries.push_back({a.substr(0, eq), a.substr(eq + 1)});
    }
  }
  return entries;
}

int run_setconf(const context& ctx, const std::vector<std::string>& args) {
  const auto entries = parse_assignments(args);
  for (const client::config_entry& e : entries) {
    if (e.key.empty()) {
      return report(ctx, exit_status::usage,
                    "setconf: \"=" + e.value.value_or("") + "\" has no option name",
                    "write KEY=VALUE, or KEY alone to restore its default");
    }
  }
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto done = c.set_conf(entries);
    if (!done) return report(ctx, done.error());
    if (ctx.global.json) {
      print_json({{"ok", true}, {"options", entries_json(entries)}});
      return 0;
    }
    table t({"SET", "VALUE"});
    for (const client::config_entry& e : entries) {
      t.add({printable(e.key), e.value ? printable(*e.value) : "(default)"});
    }
    t.print(std::cout);
    return 0;
  });
}

int run_saveconf(const context& ctx, bool force) {
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto done = c.save_conf(force);
    if (!done) return report(ctx, done.error());
    if (ctx.global.json) {
      print_json({{"ok", true}});
    } else {
      std::cout << "configuration saved\n";
    }
    return 0;
  });
}

}  // namespace

void add_config_commands(CLI::App& app, context& ctx) {
  auto keys = std::make_shared<std::vector<std::string>>();
  CLI::App* get = app.add_subcommand("getconf", "Print the values of configuration options");
  get->add_option("KEY", *keys, "option names (any case)")->required();
  get->footer(
      "Every value of a multi-valued option is printed, each on its own row, in order;\n"
      "(default) marks an option left at its default.\n\n"
      "Examples:\n"
      "  torctl getconf SocksPort\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 getconf SocksPort Nickname\n"
      "  torctl --json getconf ExitPolicy | jq -r '.options[].value'");
  get->callback([&ctx, keys] { ctx.run = [&ctx, keys] { return run_getconf(ctx, *keys); }; });

  auto pairs = std::make_shared<std::vector<std::string>>();
  CLI::App* set = app.add_subcommand("setconf", "Change configuration options, all or none");
  set->add_option("KEY=VALUE", *pairs, "an option and its value, or KEY alone for its default")
      ->required();
  set->footer(
      "All the options given change together, or none does. A value replaces every value\n"
      "the option had; give a multi-valued option once per value. KEY alone (no '=')\n"
      "restores the option's default; KEY= sets it to the empty string.\n\n"
      "Examples:\n"
      "  torctl setconf Nickname=mynode\n"
      "  torctl setconf 'ExitPolicy=accept *:443' 'ExitPolicy=reject *:*'\n"
      "  torctl setconf Nickname              # back to the default\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 setconf SocksPort=9150");
  set->callback([&ctx, pairs] { ctx.run = [&ctx, pairs] { return run_setconf(ctx, *pairs); }; });

  auto force = std::make_shared<bool>(false);
  CLI::App* save = app.add_subcommand("saveconf", "Make the server write its configuration file");
  save->add_flag("--force", *force,
                 "text protocol: overwrite a torrc that uses %include (TC ignores it)");
  save->footer(
      "Examples:\n"
      "  torctl saveconf\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 saveconf");
  save->callback([&ctx, force] { ctx.run = [&ctx, force] { return run_saveconf(ctx, *force); }; });
}

}  // namespace torctl::cli
