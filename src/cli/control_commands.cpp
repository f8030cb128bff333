// signal, mapaddress, mappings, info: acting on the server and asking it things.
#include <CLI/CLI.hpp>
#include <array>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "text_output.hpp"

namespace torctl::cli {

namespace {

using client::signal;

// Every signal, in the client's order; the first five exist in TC too.
constexpr std::array<signal, 10> all_signals = {
    signal::reload, signal::shutdown,      signal::dump,      signal::debug,  signal::halt,
    signal::newnym, signal::cleardnscache, signal::heartbeat, signal::active, signal::dormant};
constexpr std::size_t tc_signal_count = 5;

std::string signal_names(std::size_t count) {
  std::string names;
  for (std::size_t i = 0; i < count; ++i) {
    std::string n(client::to_string(all_signals[i]));
    for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    names += (names.empty() ? "" : ", ") + n;
  }
  return names;
}

bool in_tc(signal s) {
  for (std::size_t i = 0; i < tc_signal_count; ++i) {
    if (all_signals[i] == s) return true;
  }
  return false;
}

int run_signal(const context& ctx, const std::string& name) {
  const auto s = client::signal_from_name(name);
  if (!s) {
    return report(ctx, exit_status::usage, "signal: unknown signal \"" + name + "\"",
                  "use one of " + signal_names(all_signals.size()));
  }
  if (ctx.protocol() == client::protocol::tc && !in_tc(*s)) {
    return report(ctx, exit_status::usage,
                  "signal: TC has no signal " + std::string(client::to_string(*s)),
                  "TC has " + signal_names(tc_signal_count) +
                      "; the others need Tor's own control port (--protocol text)");
  }
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto done = c.send_signal(*s);
    if (!done) return report(ctx, done.error());
    const std::string sent(client::to_string(*s));
    if (ctx.global.json) {
      print_json({{"ok", true}, {"signal", sent}});
    } else {
      std::cout << "sent " << sent << '\n';
    }
    return 0;
  });
}

json mapping_json(const client::address_mapping& m) {
  return {
      {"from", m.from}, {"to", m.to}, {"expires", m.expires ? json(*m.expires) : json(nullptr)}};
}

struct mapaddress_options {
  std::vector<std::string> addresses;  // FROM TO, or TO alone with --choose
  std::string choose;                  // ipv4, ipv6, hostname: the server picks FROM
};

int run_mapaddress(const context& ctx, const mapaddress_options& o) {
  const std::size_t wanted = o.choose.empty() ? 2 : 1;
  if (o.addresses.size() != wanted) {
    return report(ctx, exit_status::usage,
                  "mapaddress: expected " + std::string(wanted == 2 ? "FROM TO" : "TO alone") +
                      ", got " + std::to_string(o.addresses.size()) + " addresses",
                  "torctl mapaddress FROM TO, or torctl mapaddress --choose ipv4 TO");
  }
  std::string from;
  if (o.choose == "ipv4") from = client::any_ipv4;
  if (o.choose == "ipv6") from = client::any_ipv6;
  if (o.choose == "hostname") from = client::any_hostname;
  if (o.choose.empty()) from = o.addresses.front();
  const std::string& to = o.addresses.back();
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto m = c.map_address(from, to);
    if (!m) return report(ctx, m.error());
    if (ctx.global.json) {
      print_json(mapping_json(*m));
    } else {
      std::cout << printable(m->from) << " -> " << printable(m->to) << '\n';
    }
    return 0;
  });
}

int run_mappings(const context& ctx) {
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto all = c.get_mappings();
    if (!all) return report(ctx, all.error());
    if (ctx.global.json) {
      json list = json::array();
      for (const auto& m : *all) list.push_back(mapping_json(m));
      print_json({{"mappings", list}});
      return 0;
    }
    if (all->empty()) {
      std::cout << "no address mappings\n";
      return 0;
    }
    table t({"FROM", "TO", "EXPIRES (UTC)"});
    for (const auto& m : *all) {
      t.add({printable(m.from), printable(m.to), m.expires ? printable(*m.expires) : "never"});
    }
    t.print(std::cout);
    return 0;
  });
}

// A one-line value in a KEY VALUE table; a value of several lines (a data block) under
// its key, indented.
void print_info(const std::vector<client::info_value>& values) {
  table t;
  for (const client::info_value& v : values) {
    if (v.value.find('\n') == std::string::npos) {
      t.add({printable(v.key), printable(v.value)});
    }
  }
  t.print(std::cout);
  for (const client::info_value& v : values) {
    if (v.value.find('\n') == std::string::npos) continue;
    std::cout << printable(v.key) << ":\n";
    std::size_t start = 0;
    while (start < v.value.size()) {
      const std::size_t end = std::min(v.value.find('\n', start), v.value.size());
      std::cout << "  " << printable(std::string_view(v.value).substr(start, end - start)) << '\n';
      start = end + 1;
    }
  }
}

int run_info(const context& ctx, const std::vector<std::string>& keys) {
  if (ctx.protocol() == client::protocol::tc) {
    return report(ctx, exit_status::usage, "info: GETINFO exists only in the text protocol",
                  "ask Tor's own control port: --protocol text --control HOST:PORT");
  }
  return with_connection(ctx, [&](client::blocking_connection& c) {
    auto values = c.get_info(keys);
    if (!values) return report(ctx, values.error());
    if (ctx.global.json) {
      json list = json::array();
      for (const auto& v : *values) list.push_back({{"key", v.key}, {"value", v.value}});
      print_json({{"values", list}});
    } else {
      print_info(*values);
    }
    return 0;
  });
}

void add_signal(CLI::App& app, context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("signal", "Send a signal to Tor");
  sub->add_option("NAME", *name, "the signal, in any case")->required();
  sub->footer("Signals: " + signal_names(all_signals.size()) +
              " (HUP, INT, USR1, USR2 and TERM too).\n"
              "TC has the first five only: " +
              signal_names(tc_signal_count) +
              ".\n\n"
              "Examples:\n"
              "  torctl signal newnym\n"
              "  torctl --protocol tc --control 127.0.0.1:9051 signal reload");
  sub->callback([&ctx, name] { ctx.run = [&ctx, name] { return run_signal(ctx, *name); }; });
}

void add_mapaddress(CLI::App& app, context& ctx) {
  auto o = std::make_shared<mapaddress_options>();
  CLI::App* sub = app.add_subcommand("mapaddress", "Map an address to another one");
  sub->add_option("ADDRESS", o->addresses, "FROM TO (or TO alone with --choose)")->required();
  sub->add_option("--choose", o->choose,
                  "let the server choose FROM: an unused ipv4, ipv6 or hostname")
      ->check(CLI::IsMember({"ipv4", "ipv6", "hostname"}));
  sub->footer(
      "SOCKS requests for FROM go to TO instead. Mapping an address to itself removes its\n"
      "mapping. With --choose, the server picks a FROM of that kind and prints it.\n\n"
      "Examples:\n"
      "  torctl mapaddress www.example.com 127.0.0.1\n"
      "  torctl mapaddress --choose ipv4 www.example.com\n"
      "  torctl --json mapaddress --choose hostname 127.0.0.1 | jq -r .from");
  sub->callback([&ctx, o] { ctx.run = [&ctx, o] { return run_mapaddress(ctx, *o); }; });
}

void add_mappings(CLI::App& app, context& ctx) {
  CLI::App* sub = app.add_subcommand("mappings", "List the server's address mappings");
  sub->footer(
      "Over the text protocol this is GETINFO address-mappings/all; over TC, GETALLMAPPINGS.\n\n"
      "Examples:\n"
      "  torctl mappings\n"
      "  torctl --json mappings | jq -r '.mappings[] | .from + \" \" + .to'");
  sub->callback([&ctx] { ctx.run = [&ctx] { return run_mappings(ctx); }; });
}

void add_info(CLI::App& app, context& ctx) {
  auto keys = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("info", "Ask Tor for information (GETINFO; text protocol)");
  sub->add_option("KEY", *keys, "GETINFO keys: version, status/bootstrap-phase, ...")->required();
  sub->footer(
      "TC has no GETINFO: this needs Tor's own control port.\n\n"
      "Examples:\n"
      "  torctl info version\n"
      "  torctl info status/bootstrap-phase traffic/read traffic/written\n"
      "  torctl --json info version | jq -r '.values[0].value'");
  sub->callback([&ctx, keys] { ctx.run = [&ctx, keys] { return run_info(ctx, *keys); }; });
}

}  // namespace

void add_control_commands(CLI::App& app, context& ctx) {
  add_signal(app, ctx);
  add_mapaddress(app, ctx);
  add_mappings(app, ctx);
  add_info(app, ctx);
}

}  // namespace torctl::cli
