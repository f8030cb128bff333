// One controller's connection to torctld. It tells the protocol apart on the first four
// octets (TC is served; an HTTP request gets a 501 and a text-protocol client a 510,
// and both are closed), reads TC frames, hands each request to handlers.cpp, and writes
// the answers in the order the requests came, however many are in flight.
//
// Events reach it through the event hub (event_hub.hpp): the connection holds a cursor
// into the shared log of each code it subscribed to, and each write sends the events
// not yet sent, merged across codes in Tor's order, then the answers that are ready.
// An answer's frames leave together, so no event comes in the middle of one.
//
// Bounds: at most max_requests_in_flight requests of one connection, and
// max_total_in_flight of all, wait for their answers (then reading pauses: controllers
// are slowed, not refused), and at most max_output_octets of answers and events wait to
// be sent (then the controller is disconnected: TC spec 4.2). One write carries at most
// max_write_octets of events in at most max_write_buffers pieces.
#pragma once

#include <sys/uio.h>

#include <array>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "event_map.hpp"
#include "server_state.hpp"
#include "torctl/tc/event.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::daemon {

using socket_type = asio::generic::stream_protocol::socket;

inline constexpr std::size_t max_write_octets = 256 * 1024;
inline constexpr std::size_t max_write_buffers = 64;

class session : public std::enable_shared_from_this<session> {
 public:
  session(server_state& state, socket_type socket, std::string peer);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start();
  // Closes at once; answers not yet sent are dropped.
  void close(std::string_view why);

  std::uint64_t id() const noexcept { return id_; }
  bool authenticated() const noexcept { return authenticated_; }
  void set_authenticated() noexcept { authenticated_ = true; }
  bool closed() const noexcept { return closed_; }

  // The codes this connection receives (its last SETEVENTS that Tor took).
  event_mask event_codes() const noexcept { return codes_; }
  // For the hub: replaces the codes; a new code's cursor starts at its log's end.
  void subscribe(event_mask codes);
  // For the hub: a log this connection reads has a new frame. Cheap: it only marks the
  // connection for the hub's next flush.
  void events_appended();
  // For the hub's flush, which sends for many connections at once (send_pool.hpp): lays
  // out what is due in `pieces` and returns true; false when there is nothing to send
  // now (a write is in flight, the connection closed, or it was cut off for being too
  // far behind). A true is followed by end_write, with nothing else of this connection's
  // touched in between.
  bool begin_write(std::vector<iovec>& pieces);
  // What the kernel took of that send, and its errno (0, or EAGAIN when the socket is
  // full); the rest goes by the event loop.
  void end_write(std::size_t sent, int error);
  int native_socket() noexcept { return socket_.native_handle(); }

  // A place for the answer to the next request, in order.
  std::uint64_t reserve();
  // The answer for a reserved place; answers leave in the order of their places.
  // `then_close`: close once this answer has been sent (a failed AUTHENTICATE).
  void answer(std::uint64_t place, std::vector<std::uint8_t> frames, bool then_close = false);

 private:
  struct pending_answer {
    bool ready = false;
    bool then_close = false;
    std::vector<std::uint8_t> frames;
  };
  asio::awaitable<void> run(std::shared_ptr<session> self);
  bool take_first_octets(const std::uint8_t* data, std::size_t size);
  void refuse(std::string_view reply, std::string_view why);
  bool must_pause() const noexcept;
  void feed(const std::uint8_t* data, std::size_t size);
  void flush();
  void drop_answers();
  void wake_paused();
  void write_more();
  bool prepare_write();
  void start_write();
  void gather_events();
  void sent_events() noexcept;
  std::uint64_t unsent() const noexcept;
  bool over_output_bound();

  server_state& state_;
  socket_type socket_;
  std::string peer_;
  std::uint64_t id_;
  bool authenticated_ = false;
  bool closing_ = false;  // no more requests are read (closed, or closing after an answer)
  bool closed_ = false;
  std::string first_;  // the first octets, until the protocol is known
  bool protocol_known_ = false;
  tc::message_reader reader_{tc::sender::client};
  std::vector<std::uint8_t> unread_;  // input read but not decoded: paused at a bound

  std::deque<pending_answer> answers_;
  std::uint64_t first_place_ = 0;      // the place of answers_.front()
  std::vector<std::uint8_t> out_;      // answers waiting for the write in flight
  std::vector<std::uint8_t> written_;  // answers in the write in flight
  bool writing_ = false;

  event_mask codes_ = 0;
  bool marked_ = false;                            // waiting for the hub's flush
  std::array<event_cursor, event_kinds> cursors_;  // where each subscribed code's next frame is
  // The write in flight: its pieces, and where the cursors of `sending_codes_` stand
  // once it has been written.
  std::vector<asio::const_buffer> pieces_;
  std::array<event_cursor, event_kinds> sending_;
  event_mask sending_codes_ = 0;
  // Cursors replaced by a SETEVENTS while a write was in flight, kept until it ends: the
  // write's pieces may lie in chunks that only they still hold.
  std::vector<event_cursor> retired_;
  bool close_when_written_ = false;
  bool end_of_input_ = false;  // the controller shut down its side: answer, then close
  asio::steady_timer room_;    // woken when a paused reader may read again
};

}  // namespace torctl::daemon
