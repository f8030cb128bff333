// An authenticated connection to one tor's control port, speaking the text protocol
// through the project's own codec: text::command writes every command, text::reply_reader
// reads every reply. Replies come back in the order commands were sent; events (650) that
// arrive in between are kept, in order, for next_event().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tcp_socket.hpp"
#include "torctl/text/command.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::testnet {

// How long a connect, and each reply to a command, may take. Tor answers a loopback
// command in well under a millisecond; these allow for a machine under heavy load.
inline constexpr std::chrono::seconds connect_timeout{3};
inline constexpr std::chrono::seconds reply_timeout{10};

class control_connection {
 public:
  // Connects to 127.0.0.1:port and authenticates with the cookie in `cookie_file`
  // (AUTHENTICATE with the cookie in hex). Throws error if the port refuses, the cookie
  // cannot be read, or tor does not accept it.
  control_connection(std::uint16_t port, const std::filesystem::path& cookie_file);

  // Sends `cmd` and returns its reply, whatever its status. Throws error if the command
  // cannot be written, the connection fails, or no reply comes within reply_timeout.
  text::reply command(const text::command& cmd);

  // The value of one GETINFO key. Throws error if tor refuses the key.
  std::string getinfo(std::string_view key);

  // Sends `cmd` and throws error, with tor's message, unless tor answers 250.
  void expect_ok(const text::command& cmd);

  // The next event, waiting for one until `deadline`; nullopt once the deadline passes.
  std::optional<text::reply> next_event(clock::time_point deadline);

 private:
  // Reads the next reply of any kind; nullopt if `deadline` passes first. Throws error
  // on a closed connection or a reply the codec finds malformed.
  std::optional<text::reply> try_read_reply(clock::time_point deadline);
  // As try_read_reply, but a timeout throws error too.
  text::reply read_reply(clock::time_point deadline);
  void authenticate(const std::filesystem::path& cookie_file);

  tcp_socket socket_;
  text::reply_reader reader_;
  std::string pending_;  // octets received and not yet given to the reader
  std::deque<text::reply> events_;
};

}  // namespace torctl::testnet
