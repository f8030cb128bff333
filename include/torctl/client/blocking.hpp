// A blocking facade over connection, for simple programs and the command-line tool: each
// call returns when its operation has completed. It runs the connection on a thread of
// its own; calls may come from any one thread at a time. Every call waits at most the
// connection's command timeout (next_event: the timeout given).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "torctl/client/connection.hpp"

namespace torctl::client {

class blocking_connection {
 public:
  // As connection::open.
  static outcome<blocking_connection> open(connect_options options);

  blocking_connection(blocking_connection&&) noexcept;
  blocking_connection& operator=(blocking_connection&&) noexcept;
  ~blocking_connection();

  outcome<std::vector<config_entry>> get_conf(std::vector<std::string> keys);
  outcome<done> set_conf(std::vector<config_entry> entries);
  outcome<done> reset_conf(std::vector<std::string> keys);
  outcome<done> save_conf(bool force = false);
  outcome<done> send_signal(client::signal s);
  outcome<address_mapping> map_address(std::string from, std::string to);
  outcome<std::vector<address_mapping>> get_mappings();
  outcome<std::vector<info_value>> get_info(std::vector<std::string> keys);
  outcome<done> set_events(std::vector<std::string> names);
  outcome<event> next_event(std::chrono::milliseconds timeout);
  outcome<text::reply> raw(std::string command_line);
  outcome<std::vector<tc_frame>> raw_tc(std::uint16_t type, std::vector<std::uint8_t> body);

  client::protocol protocol() const noexcept;
  const endpoint& remote() const noexcept;
  void close();

 private:
  struct runner;
  explicit blocking_connection(std::unique_ptr<runner> r) noexcept;
  std::unique_ptr<runner> runner_;
};

}  // namespace torctl::client
