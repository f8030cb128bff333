// torctl-testnet up DIR: starts every node and waits until the network is ready.
#include <algorithm>
#include <array>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "control_connection.hpp"
#include "error.hpp"
#include "files.hpp"
#include "network.hpp"
#include "ports.hpp"
#include "programs.hpp"
#include "readiness.hpp"
#include "run_record.hpp"
#include "torrc.hpp"

namespace torctl::testnet {

namespace {

// How often every node is asked again while the network comes up.
constexpr std::chrono::milliseconds poll_interval{250};
// Lines of each node's logs shown when the network does not come up.
constexpr std::size_t failure_log_lines = 15;

volatile std::sig_atomic_t interrupted = 0;

void note_interrupt(int) {
  interrupted = 1;
}

double seconds_since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

void refuse_if_running(const network& net) {
  for (const started_node& s : load_run_record(net).nodes) {
    if (is_node_running(net, s)) {
      throw error("the network in " + net.directory.string() + " is already up (" + s.nick +
                  " runs as PID " + std::to_string(s.process.pid) +
                  "); stop it first with torctl-testnet down");
    }
  }
}

void refuse_busy_ports(const network& net) {
  for (const node& n : net.nodes) {
    for (const std::uint16_t p : n.ports()) {
      if (!port_is_free(p)) {
        throw error("port " + std::to_string(p) + " of " + n.nick +
                    " on 127.0.0.1 is in use by another program");
      }
    }
  }
}

// What a node's data directory keeps from one run to the next: its configuration and its
// identity. Cached consensuses, descriptors and state go, so that every `up` is a cold
// start: readiness then always refers to consensuses made in this run, never to one a
// node loaded from disk (which makes a restart look ready at once, with a consensus
// that may have expired).
constexpr std::array<std::string_view, 4> kept_between_runs = {"torrc", "keys", "fingerprint",
                                                               "fingerprint-ed25519"};
// Logs of the previous run are kept under this suffix, one run deep.
constexpr std::string_view previous_suffix = ".previous";

void clear_previous_run(const node_files& files) {
  std::error_code failed;
  for (const fs::path& log : {files.notice_log(), files.output()}) {
    fs::path previous = log;
    previous += previous_suffix;
    if (fs::exists(log, failed)) fs::rename(log, previous, failed);
  }
  for (const auto& entry : fs::directory_iterator(files.directory, failed)) {
    const std::string name = entry.path().filename().string();
    const bool kept = std::find(kept_between_runs.begin(), kept_between_runs.end(), name) !=
                      kept_between_runs.end();
    if (!kept && !name.ends_with(previous_suffix)) fs::remove_all(entry.path(), failed);
  }
}

// One node being watched while the network comes up.
struct watch {
  const node* n;
  process_identity process;
  std::optional<control_connection> connection;
  node_report last;
  bool ready = false;
  std::optional<std::string> ended;  // how the process ended, if it did
};

// Asks the node how it is doing, connecting first if needed; a failed connection is
// dropped, to be tried again next round.
void refresh(watch& w, const network& net) {
  try {
    if (!w.connection)
      w.connection.emplace(w.n->control_port, node_files{net.node_directory(*w.n)}.cookie());
    w.last = probe(*w.connection, net);
  } catch (const error& e) {
    w.connection.reset();
    w.last = node_report{};
    w.last.problem = e.what();
  }
}

// Polls every node until all are ready. Throws error if a node exits, the user
// interrupts, or `deadline` passes first.
void wait_until_ready(std::vector<watch>& watches, const network& net, clock::time_point start,
                      clock::time_point deadline) {
  for (;;) {
    bool all_ready = true;
    for (watch& w : watches) {
      if ((w.ended = reap_if_exited(w.process.pid))) {
        if (*w.ended == "exited with status 127") {
          throw error("cannot run " + tor_program() + " (is Debian's tor installed?)");
        }
        throw error(w.n->nick + "'s tor " + *w.ended + " while the network was starting");
      }
      refresh(w, net);
      const bool now_ready = w.last.ready(*w.n);
      if (now_ready && !w.ready) {
        std::cout << "  " << std::left << std::setw(8) << w.n->nick << " ready after " << std::fixed
                  << std::setprecision(1) << seconds_since(start) << " s: " << w.last.describe()
                  << "\n"
                  << std::flush;
      }
      w.ready = now_ready;
      all_ready = all_ready && now_ready;
    }
    if (all_ready) return;
    if (interrupted != 0) throw error("interrupted");
    if (clock::now() >= deadline) throw error("the network was not ready in time");
    std::this_thread::sleep_for(poll_interval);
  }
}

void report_failure(const std::vector<watch>& watches, const network& net) {
  for (const watch& w : watches) {
    const node_files files{net.node_directory(*w.n)};
    std::cerr << "--- " << w.n->nick << ": " << (w.ready ? "ready" : "NOT ready") << ": "
              << w.last.describe() << "\n"
              << "    last lines of " << files.notice_log().string() << ":\n"
              << tail_lines(files.notice_log(), failure_log_lines);
    // What tor printed before its log opened says why it stopped (a bad option, a port
    // it could not bind); for a node still running it only repeats the log's start.
    if (w.ended) {
      std::cerr << "    it " << *w.ended << "; last lines of " << files.output().string() << ":\n"
                << tail_lines(files.output(), failure_log_lines);
    }
  }
}

void stop_all(const network& net, const run_record& record) {
  for (const started_node& s : record.nodes) {
    if (!stop(s.process)) {
      std::cerr << "torctl-testnet: " << s.nick << " (PID " << s.process.pid
                << ") would not exit\n";
    }
  }
  remove_run_record(net);
}

}  // namespace

int up_network(const fs::path& directory, std::chrono::seconds timeout) {
  const network net = load(directory);
  refuse_if_running(net);
  refuse_busy_ports(net);
  std::signal(SIGINT, note_interrupt);
  std::signal(SIGTERM, note_interrupt);
  const clock::time_point start = clock::now();
  run_record record;
  std::vector<watch> watches;
  try {
    for (const node& n : net.nodes) clear_previous_run(node_files{net.node_directory(n)});
    for (const node& n : net.nodes) {
      // Recorded at once, so that `down` finds every node even if this program dies.
      record.nodes.push_back({n.nick, launch_node(node_files{net.node_directory(n)})});
      save_run_record(net, record);
      watches.push_back({&n, record.nodes.back().process, std::nullopt, {}, false, std::nullopt});
    }
    wait_until_ready(watches, net, start, start + timeout);
  } catch (const error& e) {
    std::cerr << "torctl-testnet: " << e.what() << " (after " << std::fixed << std::setprecision(1)
              << seconds_since(start) << " s, limit " << timeout.count()
              << " s); stopping what was started\n";
    report_failure(watches, net);
    stop_all(net, record);
    return 1;
  }
  std::cout << "network ready after " << std::fixed << std::setprecision(1) << seconds_since(start)
            << " s; client SocksPort";
  for (const node& n : net.nodes) {
    if (n.socks_port != 0) std::cout << " " << n.nick << "=127.0.0.1:" << n.socks_port;
  }
  std::cout << "\n";
  return 0;
}

}  // namespace torctl::testnet
