// torctld: serves TC, the original binary control protocol, to local controllers, over a
// real Tor that it launches and owns (or attaches to). docs/torctld.md describes it.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "auth_policy.hpp"
#include "event_hub.hpp"
#include "listener.hpp"
#include "server_state.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/client/run.hpp"
#include "upstream.hpp"

namespace fs = std::filesystem;
namespace td = torctl::daemon;  // ("daemon" alone is a libc function)
namespace client = torctl::client;

namespace {

// Helper threads for event writes (send_pool.hpp): one fewer than the processors, at
// most three; 0 on one processor, where a helper could only take turns with the loop.
int default_send_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::min(cores > 0 ? cores - 1 : 0U, 3U));
}

struct options {
  std::vector<std::string> listen;
  std::string data_dir;
  std::string torrc;
  std::string tor = "tor";
  std::string tor_control;
  bool tor_password = false;  // read from standard input
  std::string log_level = "info";
  int busy_poll_us = 50;
  int send_threads = default_send_threads();
};

std::string default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/torctld";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/torctld";
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "torctld: %s\n", why.c_str());
  std::exit(1);
}

// DIR/torrc, made once: from --torrc (its CookieAuthentication and HashedControlPassword
// lines go to the policy instead, see auth_policy.hpp), or nearly empty.
void prepare_torrc(const options& o, const std::string& policy_path) {
  const std::string path = o.data_dir + "/torrc";
  if (fs::exists(path)) return;
  std::ostringstream tor_lines, policy_lines;
  tor_lines << "# torctld made this file; SAVECONF rewrites it.\n";
  if (!o.torrc.empty()) {
    std::ifstream in(o.torrc);
    if (!in) fail("cannot read " + o.torrc);
    std::string line;
    while (std::getline(in, line)) {
      const std::string key = line.substr(0, line.find_first_of(" \t"));
      (td::auth_policy::owns(key) ? policy_lines : tor_lines) << line << '\n';
    }
  }
  std::ofstream(path) << tor_lines.str();
  if (!policy_lines.str().empty() && !fs::exists(policy_path)) {
    std::ofstream(policy_path) << policy_lines.str();
    ::chmod(policy_path.c_str(), 0600);
  }
}

std::string read_password() {
  std::string password;
  std::getline(std::cin, password);
  return password;
}

// The command line; nullopt to go on, or the status to exit with (--help, a mistake).
std::optional<int> parse_options(int argc, char** argv, options& o) {
  CLI::App app{"torctld: a TC control port over a real Tor"};
  app.add_option("--listen", o.listen,
                 "HOST:PORT or unix:PATH to serve TC on (repeatable; "
                 "default 127.0.0.1:9051)");
  app.add_option("--data-dir", o.data_dir, "torctld's directory: torrc, tor/, the cookie")
      ->default_str(default_data_dir());
  app.add_option("--torrc", o.torrc, "the torrc to start from, when DIR/torrc does not exist");
  app.add_option("--tor", o.tor, "the tor program to launch")->default_str("tor");
  app.add_option("--tor-control", o.tor_control,
                 "attach to the Tor at this control port (HOST:PORT or unix:PATH) instead");
  app.add_flag("--tor-password", o.tor_password,
               "read the attached Tor's control password from standard input");
  app.add_option("--busy-poll", o.busy_poll_us,
                 "microseconds to keep polling after traffic before sleeping (0: never); "
                 "lower latency for more CPU while controllers are active")
      ->default_val(50)
      ->check(CLI::Range(0, 10000));
  app.add_option("--send-threads", o.send_threads,
                 "helper threads that share the writes of an event to many controllers "
                 "(0: the event loop writes alone)")
      ->default_val(default_send_threads())
      ->check(CLI::Range(0, static_cast<int>(td::max_send_helpers)));
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.data_dir.empty()) o.data_dir = default_data_dir();
  o.data_dir = fs::absolute(o.data_dir).lexically_normal().string();
  if (o.listen.empty()) o.listen = {"127.0.0.1:9051"};
  return std::nullopt;
}

void set_up_logging(const std::string& level) {
  spdlog::set_default_logger(spdlog::stderr_color_st("torctld"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

// Every controller is a file descriptor: take all the kernel allows this process.
void raise_file_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
}

std::vector<client::endpoint> listen_endpoints(const options& o) {
  std::vector<client::endpoint> endpoints;
  for (const std::string& text : o.listen) {
    auto e = client::parse_endpoint(text);
    if (!e) fail("--listen: " + e.error().message);
    endpoints.push_back(*e);
  }
  return endpoints;
}

td::upstream_options upstream_options_of(const options& o) {
  td::upstream_options up;
  up.data_directory = o.data_dir;
  up.tor_program = o.tor;
  if (!o.tor_control.empty()) {
    auto where = client::parse_endpoint(o.tor_control);
    if (!where) fail("--tor-control: " + where.error().message);
    up.attach_to = *where;
    if (o.tor_password) up.tor_password = torctl::auth::secret(read_password());
  }
  return up;
}

// torctld running: the Tor behind it, the listeners, and the status to exit with.
class server {
 public:
  // The state outlives the io_context, whose handlers still hold sessions when it goes.
  explicit server(const options& o) : io_(1) {
    state_.executor = io_.get_executor();
    state_.events =
        std::make_unique<td::event_hub>(state_, static_cast<std::size_t>(o.send_threads));
    if (o.send_threads > 0) {
      spdlog::info("event writes shared with {} helper thread{}", o.send_threads,
                   o.send_threads == 1 ? "" : "s");
    }
    state_.policy_path = o.data_dir + "/torctld-auth.conf";
    prepare_torrc(o, state_.policy_path);
    auto policy = td::auth_policy::load(state_.policy_path);
    if (!policy) fail(policy.error());
    state_.policy = std::move(*policy);
    auto cookie = torctl::auth::create_cookie_file(o.data_dir + "/control_auth_cookie");
    if (!cookie) fail(cookie.error().message);
    state_.cookie = std::move(*cookie);
  }

  int run(std::vector<client::endpoint> endpoints, td::upstream_options up,
          std::chrono::microseconds busy_poll) {
    asio::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code e, int number) {
      if (!e) shut_down(0, number == SIGINT ? "SIGINT" : "SIGTERM");
    });
    asio::co_spawn(io_, serve(std::move(endpoints), std::move(up)), asio::detached);
    // Busy polling: see docs/torctld.md and torctl/client/run.hpp.
    client::run_polling(io_, busy_poll);
    listeners_.clear();
    tor_.reset();
    state_.tor = nullptr;
    log_summary();
    return status_;
  }

 private:
  void shut_down(int code, const std::string& why) {
    spdlog::info("shutting down: {}", why);
    status_ = code;
    for (auto& l : listeners_) l->close();
    if (tor_) tor_->stop();
    io_.stop();
  }

  asio::awaitable<void> serve(std::vector<client::endpoint> endpoints, td::upstream_options up) {
    auto started = co_await td::upstream::start(io_.get_executor(), std::move(up));
    if (!started) {
      std::fprintf(stderr, "torctld: %s\n", started.error().c_str());
      status_ = 1;
      io_.stop();
      co_return;
    }
    tor_ = std::move(*started);
    state_.tor = tor_.get();
    // Listen only now: a controller that can connect finds a working port.
    for (const auto& where : endpoints) {
      auto l = td::listener::open(state_, where);
      if (!l) {
        std::fprintf(stderr, "torctld: %s\n", l.error().c_str());
        shut_down(1, "cannot listen");
        co_return;
      }
      (*l)->start();
      listeners_.push_back(*l);
      spdlog::info("serving TC on {}", where.to_string());
    }
    co_await pump_events();
  }

  // Tor's events, for the controllers; the link's own say whether Tor is still there.
  asio::awaitable<void> pump_events() {
    for (;;) {
      auto e = co_await tor_->control().next_event();
      if (!e) {
        if (tor_->launched()) shut_down(1, "tor exited: " + e.error().message);
        co_return;
      }
      if (e->dropped_before() > 0) {
        spdlog::warn("torctld fell behind Tor: {} events were lost", e->dropped_before());
      }
      if (const torctl::text::event* te = e->text()) state_.events->publish(*te);
      // Write once Tor's events in hand are all published: one write per controller
      // for a whole read of Tor's socket (or per max_unflushed events, in a flood).
      if (tor_->control().events_queued() == 0 || state_.events->must_flush()) {
        state_.events->flush();
      }
      if (e->link() == client::link_change::lost) {
        if (tor_->launched()) {
          co_await end_with_tor();
          co_return;
        }
        spdlog::warn("lost the attached Tor ({}); reconnecting", e->link_reason());
      } else if (e->link() == client::link_change::restored) {
        spdlog::info("reconnected to the attached Tor");
      }
    }
  }

  // A launched Tor exits soon after its control connection closes; its status tells
  // whether it meant to (a controller's SIGNAL SHUTDOWN or HALT) or failed.
  asio::awaitable<void> end_with_tor() {
    std::optional<int> exited;
    for (int i = 0; i < 100 && !(exited = tor_->exit_status()); ++i) {
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::use_awaitable);
    }
    shut_down(exited == 0 ? 0 : 1,
              "tor exited" + (exited ? " with status " + std::to_string(*exited) : std::string()));
  }

  void log_summary() const {
    const td::counters& n = state_.count;
    spdlog::info(
        "controllers: {} connected, {} authenticated, {} refused authentication, {} HTTP "
        "and {} text-protocol clients refused, {} disconnected as slow readers",
        n.opened, n.authenticated, n.refused_authentication, n.refused_http, n.refused_text,
        n.disconnected_slow);
    spdlog::info(
        "events: {} from Tor, {} of them without a TC form; {} event writes, {} of "
        "them by helper threads",
        n.events_from_tor, n.events_without_tc_form, state_.events->writes(),
        state_.events->writes_by_helpers());
  }

  td::server_state state_;
  asio::io_context io_;
  std::unique_ptr<td::upstream> tor_;
  std::vector<std::shared_ptr<td::listener>> listeners_;
  int status_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const auto exit_now = parse_options(argc, argv, o)) return *exit_now;
  set_up_logging(o.log_level);
  raise_file_limit();
  std::vector<client::endpoint> endpoints = listen_endpoints(o);
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec || ::chmod(o.data_dir.c_str(), 0700) != 0) fail("cannot use " + o.data_dir);
  server torctld(o);
  return torctld.run(std::move(endpoints), upstream_options_of(o),
                     std::chrono::microseconds(o.busy_poll_us));
}
