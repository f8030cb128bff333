// Helper for launch_test.cpp: launches a Tor that this process owns, prints its PID on
// a line, and waits to be killed. Usage: launch_owner TOR_PROGRAM DATA_DIRECTORY
// (the directory is the test's, so that the test can remove it: a process killed with
// SIGKILL removes nothing).
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <cstdio>
#include <optional>

#include "torctl/client/launch.hpp"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  asio::io_context io;
  std::optional<torctl::client::outcome<torctl::client::launched_tor>> tor;
  torctl::client::launch_options options;
  options.tor_program = argv[1];
  options.data_directory = argv[2];
  options.torrc_lines = {"DisableNetwork 1", "SocksPort 0"};
  options.wait_for_bootstrap = false;
  const auto run = [&]() -> asio::awaitable<void> {
    tor.emplace(
        co_await torctl::client::launched_tor::launch(io.get_executor(), std::move(options)));
  };
  asio::co_spawn(io, run(), asio::detached);
  while (!tor) io.run_one();
  if (!tor->has_value()) {
    std::fprintf(stderr, "launch_owner: %s\n", tor->error().message.c_str());
    return 1;
  }
  std::printf("%d\n", static_cast<int>((*tor)->pid()));
  std::fflush(stdout);
  for (;;) io.run_one();  // keeps the owning connection open until this process dies
}
