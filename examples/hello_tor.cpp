// hello_tor: the client library in a few minutes.
//
// It launches a private Tor that this program owns (offline: DisableNetwork 1), asks it
// for its version, changes a setting and reads it back, and prints the event that Tor
// sends about the change. Run it with no arguments; Tor goes away when it ends.
//
// Each operation is a coroutine returning result<T, error>: check it, then use it.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <cstdio>

#include "torctl/client/launch.hpp"

namespace client = torctl::client;

asio::awaitable<int> hello(asio::io_context& io) {
  client::launch_options options;
  options.torrc_lines = {"DisableNetwork 1", "SocksPort 0"};
  options.wait_for_bootstrap = false;  // offline: Tor never bootstraps
  auto tor = co_await client::launched_tor::launch(io.get_executor(), std::move(options));
  if (!tor) {
    std::fprintf(stderr, "hello_tor: %s\n", tor.error().message.c_str());
    co_return 1;
  }
  client::connection& control = tor->control();

  std::vector<std::string> keys{"version"};
  auto version = co_await control.get_info(std::move(keys));
  if (!version) co_return 1;
  std::printf("Tor %s, pid %d\n", version->front().value.c_str(), static_cast<int>(tor->pid()));

  // Ask for configuration-change events, then change a setting.
  std::vector<std::string> events{"CONF_CHANGED"};
  if (!co_await control.set_events(std::move(events))) co_return 1;
  std::vector<client::config_entry> change{{"ContactInfo", "hello from torctl"}};
  if (!co_await control.set_conf(std::move(change))) co_return 1;

  std::vector<std::string> contact{"ContactInfo"};
  auto conf = co_await control.get_conf(std::move(contact));
  if (!conf) co_return 1;
  std::printf("ContactInfo is now \"%s\"\n", conf->front().value.value_or("").c_str());

  auto event = co_await control.next_event(std::chrono::seconds(10));
  if (!event) {
    std::fprintf(stderr, "hello_tor: %s\n", event.error().message.c_str());
    co_return 1;
  }
  std::printf("event: %s\n", event->describe().c_str());
  co_return 0;  // `tor` goes out of scope: Tor is stopped and its directory removed
}

int main() {
  asio::io_context io;
  int status = 1;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { status = co_await hello(io); }, asio::detached);
  io.run_for(std::chrono::minutes(2));
  return status;
}
