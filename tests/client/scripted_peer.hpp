// A scripted control-port peer for the client's own tests: it listens on 127.0.0.1, takes
// connections one after another, and runs a script on each in its own thread, with plain
// blocking sockets (independent of the client's io_context). Scripts read what the client
// sent (text lines or TC frames) and send whatever bytes the test wants: replies, events,
// garbage, nothing at all. Every read is bounded, so a broken test fails instead of
// hanging. A double of Tor for testing the client's own layers; the proof that features
// work against Tor is in tests/integration/.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "torctl/client/types.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::testing {

class peer_session {
 public:
  explicit peer_session(int fd) noexcept : fd_(fd) {}
  ~peer_session();
  peer_session(const peer_session&) = delete;
  peer_session& operator=(const peer_session&) = delete;

  // One text line without its CRLF; nullopt at EOF or after the read bound.
  std::optional<std::string> read_line();
  // One TC frame; nullopt at EOF or after the read bound.
  std::optional<client::tc_frame> read_frame();
  void send(std::string_view bytes);
  void send(const tc::message& m);  // encoded as one frame
  // Reads until the client closes (or the bound passes); true if it closed.
  bool wait_for_close();
  void close();

 private:
  bool fill();
  int fd_;
  std::string buffer_;
};

class scripted_peer {
 public:
  using script = std::function<void(peer_session&)>;
  // Runs `per_connection` on each accepted connection, in turn, until destroyed.
  explicit scripted_peer(script per_connection);
  ~scripted_peer();
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  int connections() const noexcept { return connections_.load(); }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// One encoded TC frame.
std::string frame_bytes(const tc::message& m);

}  // namespace torctl::testing
