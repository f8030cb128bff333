#include "extra_client.hpp"

#include <unistd.h>

#include <thread>

#include "error.hpp"
#include "files.hpp"
#include "ports.hpp"

namespace torctl::testnet {

namespace {

constexpr std::uint16_t control_offset = 0;
constexpr std::uint16_t socks_offset = 1;
constexpr std::chrono::milliseconds connect_retry{100};
constexpr std::size_t log_lines_on_failure = 20;

fs::path make_directory(const network& net, const std::string& nick) {
  const fs::path parent = net.directory / "extra";
  fs::create_directories(parent);
  std::string pattern = (parent / (nick + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw error("cannot create a directory under " + parent.string());
  }
  return pattern;  // mkdtemp makes it 0700, as tor wants a data directory
}

}  // namespace

extra_client::extra_client(const network& net, const std::string& nick)
    : files_{make_directory(net, nick)} {
  node_.nick = nick;
  node_.role = role::client;
  const std::uint16_t base = choose_base_port({control_offset, socks_offset}, std::nullopt);
  node_.control_port = static_cast<std::uint16_t>(base + control_offset);
  node_.socks_port = static_cast<std::uint16_t>(base + socks_offset);
  try {
    write_text_atomically(files_.torrc(),
                          torrc_text(net, node_, files_,
                                     {"DisableNetwork 1",
                                      "__OwningControllerProcess " + std::to_string(::getpid())}));
    std::vector<std::string> check = tor_command(files_);
    check.push_back("--verify-config");
    const command_result checked = run_command(check, "");
    if (checked.exit_status != 0) throw error("tor refuses the extra client:\n" + checked.output);
    process_ = launch_node(files_);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(files_.directory, ignored);
    throw;
  }
}

extra_client::~extra_client() {
  stop();
  std::error_code ignored;
  fs::remove_all(files_.directory, ignored);
  fs::remove(files_.directory.parent_path(), ignored);  // only if no other client is left
}

bool extra_client::stop() {
  return testnet::stop(process_);
}

control_connection extra_client::connect() {
  const clock::time_point deadline = clock::now() + control_port_timeout;
  for (;;) {
    if (const auto ended = reap_if_exited(process_.pid)) {
      throw error(node_.nick + "'s tor " + *ended + "; its log ends:\n" +
                  tail_lines(files_.notice_log(), log_lines_on_failure) +
                  tail_lines(files_.output(), log_lines_on_failure));
    }
    try {
      return control_connection(node_.control_port, files_.cookie());
    } catch (const error& e) {
      if (clock::now() >= deadline) {
        throw error(node_.nick + ": no control connection in time: " + e.what());
      }
    }
    std::this_thread::sleep_for(connect_retry);
  }
}

}  // namespace torctl::testnet
