// The text-protocol client tests' fixture: a scripted peer that does the handshake a
// NULL-authentication Tor would (PROTOCOLINFO, AUTHENTICATE), then runs the test's script,
// and a connection to it on the test's io_context.
#pragma once

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string_view>

#include "client/run_sync.hpp"
#include "client/scripted_peer.hpp"
#include "torctl/client/connection.hpp"

namespace torctl::client::testing_text {

using torctl::testing::peer_session;
using torctl::testing::scripted_peer;

inline constexpr std::string_view protocolinfo_null =
    "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n";

// PROTOCOLINFO offering NULL, then AUTHENTICATE; false if the client did otherwise.
inline bool handshake(peer_session& s) {
  if (s.read_line() != "PROTOCOLINFO 1") return false;
  s.send(protocolinfo_null);
  if (s.read_line() != "AUTHENTICATE") return false;
  s.send("250 OK\r\n");
  return true;
}

class TextClient : public ::testing::Test {
 protected:
  // Starts a peer that does the handshake and then runs `then`.
  void serve(std::function<void(peer_session&)> then) {
    peer_ = std::make_unique<scripted_peer>([then = std::move(then)](peer_session& s) {
      if (handshake(s)) then(s);
    });
  }
  outcome<connection> open(connect_options o = {}) {
    o.endpoints = {endpoint::tcp("127.0.0.1", peer_->port())};
    return torctl::testing::run_sync(io_, connection::open(io_.get_executor(), std::move(o)));
  }
  connection open_ok(connect_options o = {}) { return testing::must(open(std::move(o))); }

  asio::io_context io_;
  std::unique_ptr<scripted_peer> peer_;
};

}  // namespace torctl::client::testing_text
