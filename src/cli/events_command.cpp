// events: subscribe to events and print each as it arrives, until interrupted, a count
// is reached or a time limit passes.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "event_format.hpp"
#include "text_output.hpp"

namespace torctl::cli {

namespace {

// Set by SIGINT (and SIGTERM); the loop below looks at it between waits.
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) {
  interrupted.store(true);
}

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

// How often the loop wakes up to notice an interrupt: short enough to feel immediate.
constexpr std::chrono::milliseconds poll_interval{100};

struct events_options {
  std::vector<std::string> names;
  std::uint64_t count = 0;  // 0: no limit
  std::string timeout;      // empty: no limit
};

std::vector<std::string> upper_case(std::vector<std::string> names) {
  for (std::string& n : names) {
    for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return names;
}

void print_event(const context& ctx, const client::event& e) {
  const auto now = std::chrono::system_clock::now();
  if (e.dropped_before() > 0 && !ctx.global.json) {
    std::cout << "(" << e.dropped_before() << " events dropped: torctl fell behind)\n";
  }
  if (ctx.global.json) {
    print_json(event_json(e, now));
  } else {
    std::cout << event_line(e, now) << '\n' << std::flush;
  }
}

// Reads events until one of the ends; the exit status.
int stream_events(const context& ctx, const events_options& o, client::blocking_connection& c) {
  using clock = std::chrono::steady_clock;
  std::optional<clock::time_point> deadline;
  if (!o.timeout.empty()) deadline = clock::now() + *parse_duration(o.timeout);
  std::uint64_t seen = 0;
  while (!interrupted.load() && (o.count == 0 || seen < o.count)) {
    auto wait = poll_interval;
    if (deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock::now());
      if (left.count() <= 0) break;
      wait = std::min(wait, left);
    }
    auto e = c.next_event(wait);
    if (!e) {
      if (e.error().is(client::errc::timeout)) continue;
      return report(ctx, e.error());
    }
    print_event(ctx, *e);
    ++seen;
  }
  if (o.count != 0 && seen < o.count && !interrupted.load()) {
    return report(ctx, exit_status::failure,
                  "events: " + std::to_string(seen) + " of " + std::to_string(o.count) +
                      " events arrived within " + o.timeout);
  }
  return 0;
}

int run_events(const context& ctx, const events_options& o) {
  return with_connection(ctx, [&](client::blocking_connection& c) {
    // Only now: until here (a password prompt, a slow connect) Ctrl-C simply ends torctl.
    catch_interrupts();
    const auto names = upper_case(o.names);
    auto subscribed = c.set_events(names);
    if (!subscribed) return report(ctx, subscribed.error());
    // For a person watching: the silence that follows is waiting, not a hang.
    if (::isatty(STDERR_FILENO) == 1) {
      std::string list;
      for (const std::string& n : names) list += " " + n;
      std::cerr << "torctl: subscribed to" << list << "; Ctrl-C stops\n";
    }
    return stream_events(ctx, o, c);
  });
}

}  // namespace

void add_events_command(CLI::App& app, context& ctx) {
  auto o = std::make_shared<events_options>();
  CLI::App* sub = app.add_subcommand("events", "Print events as they happen");
  sub->add_option("NAME", o->names, "event names: CIRC STREAM ORCONN BW NOTICE WARN ERR ...")
      ->required();
  sub->add_option("--count", o->count, "stop after N events")->check(CLI::PositiveNumber);
  sub->add_option("--timeout", o->timeout, "stop after this long (30s, 500ms, 2m)")
      ->check(CLI::Validator(
          [](const std::string& text) {
            return parse_duration(text) ? std::string()
                                        : "\"" + text + "\" is not a duration (30s, 500ms, 2m)";
          },
          "DURATION"));
  sub->footer(
      "Runs until interrupted (Ctrl-C: exit status 0), until --count events have arrived,\n"
      "or until --timeout has passed (exit status 0; 5 if --count was not reached).\n"
      "With --json, every event is one JSON object on a line of its own.\n"
      "The text protocol has every event Tor has (CIRC, STREAM, ORCONN, BW, NOTICE, WARN,\n"
      "ERR, INFO, DEBUG, CONF_CHANGED, SIGNAL, STATUS_CLIENT, ...); TC has CIRC, STREAM,\n"
      "ORCONN, BW, and log messages (NOTICE, WARN or ERR).\n\n"
      "Examples:\n"
      "  torctl events CIRC STREAM BW\n"
      "  torctl events NOTICE --count 1 --timeout 30s\n"
      "  torctl --json events BW --timeout 10s | jq .read\n"
      "  torctl --protocol tc --control 127.0.0.1:9051 events CIRC BW");
  sub->callback([&ctx, o] { ctx.run = [&ctx, o] { return run_events(ctx, *o); }; });
}

}  // namespace torctl::cli
