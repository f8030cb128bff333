// torctld against the Tor behind it, in one run: GETCONF round trips per second sent
// through torctld in TC, and the same queries sent straight to that Tor in the text
// protocol, sequential and pipelined, with the client library on both sides; then the
// memory torctld spends per idle controller connection.
//
// Usage: torctld_bench TORCTLD [--quick] [--count N] [--repetitions R] [--idle N]
//                     [--only sequential|pipelined]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "local_files.hpp"
#include "round_trips.hpp"
#include "torctl/client/connection.hpp"

namespace client = torctl::client;
namespace fs = std::filesystem;
using namespace torctl::bench;
using namespace std::chrono_literals;

namespace {

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// torctld in a temporary directory, stopped with SIGTERM at the end.
struct torctld_child {
  std::string dir;
  pid_t pid = -1;
  int port = 0;
  torctld_child(const std::string& program) {
    dir = (fs::temp_directory_path() / "torctld-bench-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) die("mkdtemp");
    std::ofstream(dir + "/initial.torrc") << "DisableNetwork 1\nSocksPort 0\n";
    port = free_port();
    pid = ::fork();
    if (pid == 0) {
      std::freopen((dir + "/torctld.log").c_str(), "w", stderr);
      const std::string listen = "127.0.0.1:" + std::to_string(port);
      const std::string data = dir + "/data", torrc = dir + "/initial.torrc";
      ::execl(program.c_str(), program.c_str(), "--listen", listen.c_str(), "--data-dir",
              data.c_str(), "--torrc", torrc.c_str(), "--log-level", "warn", nullptr);
      ::_exit(127);
    }
  }
  ~torctld_child() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  // Tor's own control port, from the file the launcher asked Tor to write.
  client::endpoint tor_control() const {
    const std::string written = read_file(dir + "/data/control-port");
    auto e = client::parse_endpoint(written.substr(5, written.find('\n') - 5));
    if (written.rfind("PORT=", 0) != 0 || !e) die("no control-port file from torctld's Tor");
    return *e;
  }
};

client::connection open(asio::io_context& io, client::protocol p, client::endpoint where) {
  client::connect_options o;
  o.protocol = p;
  o.endpoints = {std::move(where)};
  auto c = run(io, client::connection::open(io.get_executor(), std::move(o)));
  if (!c) die(c.error().message);
  return std::move(*c);
}

int run_bench(int argc, char** argv) {
  if (argc < 2) die("usage: torctld_bench TORCTLD [--quick] [--count N] [--repetitions R]");
  std::size_t count = 30000;  // shorter runs swing by 20 % on this VM
  int repetitions = 5;
  std::string only;
  int idle = 2000;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      count = 200;
      repetitions = 1;
      idle = 100;
    } else if (a == "--count" && i + 1 < argc) {
      count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--only" && i + 1 < argc) {  // sequential or pipelined (for profiling)
      only = argv[++i];
    } else if (a == "--repetitions" && i + 1 < argc) {
      repetitions = std::atoi(argv[++i]);
    } else if (a == "--idle" && i + 1 < argc) {
      idle = std::atoi(argv[++i]);
    } else {
      die("unknown argument " + a);
    }
  }
  torctld_child d(argv[1]);
  asio::io_context io;
  // torctld listens once its Tor is ready.
  std::optional<client::connection> through;
  for (int i = 0; i < 600 && !through; ++i) {
    client::connect_options o;
    o.protocol = client::protocol::tc;
    o.endpoints = {client::endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(d.port))};
    auto c = run(io, client::connection::open(io.get_executor(), std::move(o)));
    if (c) {
      through.emplace(std::move(*c));
    } else {
      std::this_thread::sleep_for(100ms);
    }
  }
  if (!through) die("torctld did not listen:\n" + read_file(d.dir + "/torctld.log"));
  client::connection direct = open(io, client::protocol::text, d.tor_control());

  std::vector<double> ts, ds, tp, dp;
  for (int r = 0; r < repetitions; ++r) {
    if (only != "pipelined") {
      ds.push_back(run(io, sequential(direct, count, query::getconf_socksport)));
      ts.push_back(run(io, sequential(*through, count, query::getconf_socksport)));
    }
    if (only != "sequential") {
      dp.push_back(pipelined(io, direct, count, query::getconf_socksport));
      tp.push_back(pipelined(io, *through, count, query::getconf_socksport));
    }
  }

  // Idle connections: connected and authenticated, then silent.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  const long before = rss_kib(d.pid);
  std::vector<client::connection> idlers;
  for (int i = 0; i < idle; ++i) {
    idlers.push_back(open(io, client::protocol::tc,
                          client::endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(d.port))));
  }
  const long after = rss_kib(d.pid);

  const double seq_direct = median(ds), seq_through = median(ts);
  const double pipe_direct = median(dp), pipe_through = median(tp);
  std::printf("GETCONF SocksPort round trips per second, %zu per run, median of %d runs\n", count,
              repetitions);
  std::printf("%-22s %12s %12s\n", "", "sequential", "pipelined");
  std::printf("%-22s %12.0f %12.0f\n", "straight to Tor (text)", seq_direct, pipe_direct);
  std::printf("%-22s %12.0f %12.0f\n", "through torctld (TC)", seq_through, pipe_through);
  std::printf("sequential latency through torctld / direct: %.3f (target at most 1.15)\n",
              seq_direct / seq_through);
  std::printf("pipelined throughput through torctld / direct: %.3f (target at least 0.9)\n",
              pipe_through / pipe_direct);
  std::printf("memory per idle controller: %.0f octets (%d connections; target at most 8 KiB)\n",
              static_cast<double>(after - before) * 1024.0 / idle, idle);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "torctld_bench: %s\n", e.what());
    return 1;
  }
}
