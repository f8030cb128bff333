// Tor's events, fanned out to the controllers that asked for them.
//
// Each connection's SETEVENTS replaces its own set of codes (session.hpp). Tor is
// subscribed to the union of every connection's set, and to nothing when that is empty;
// a connection's DONE waits until Tor has answered a SETEVENTS that covers its set. If
// Tor refuses or cannot be reached, the connection keeps its previous set and gets
// ERROR 0x0001 with the reason.
//
// Each event from Tor that TC can express (event_map.hpp) is encoded once, into the log
// of its code (event_log.hpp), and the connections subscribed to that code are marked;
// flush() then gives each marked connection one write of everything it has not yet
// sent, so that many events from one read of Tor's socket cost one write per
// connection, not one per event; those writes are shared with helper threads
// (send_pool.hpp) when there are many.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "event_log.hpp"
#include "event_map.hpp"
#include "send_pool.hpp"
#include "torctl/client/error.hpp"
#include "torctl/text/event.hpp"

namespace torctl::daemon {

class session;
struct server_state;

// Events, and octets of them, published before flush() is called even though more of
// Tor's are waiting. The octets bound how far past max_output_octets a slow reader can
// get before its next check.
inline constexpr std::size_t max_unflushed = 1024;
inline constexpr std::size_t max_unflushed_octets = 256 * 1024;

class event_hub {
 public:
  // Tor's answer to a SETEVENTS: nullopt when it took it.
  using done_fn = std::function<void(std::optional<client::error>)>;

  // `send_helpers`: threads that share a flush's writes with the event loop (send_pool).
  explicit event_hub(server_state& state, std::size_t send_helpers = 0)
      : state_(state), senders_(send_helpers) {}
  event_hub(const event_hub&) = delete;
  event_hub& operator=(const event_hub&) = delete;

  // Replaces the codes `s` receives and brings Tor's subscription up to date; `done`
  // once Tor has answered (at once when Tor already has what is needed).
  void set_events(const std::shared_ptr<session>& s, event_mask mask, done_fn done);
  // A closing connection's codes go; Tor's subscription shrinks to what remains wanted.
  void remove(session& s);

  // One event from Tor: encoded once for the connections subscribed to its code.
  void publish(const text::event& e);
  // Starts the writes of the connections that have events to send.
  void flush();
  // True once max_unflushed events wait for a flush: under a steady flood the queue of
  // Tor's events never empties, and the controllers must not wait for it to.
  bool must_flush() const noexcept {
    return unflushed_ >= max_unflushed || unflushed_octets_ >= max_unflushed_octets;
  }
  // A connection with frames to send, for the next flush (session::events_appended).
  void mark(std::shared_ptr<session> s) { marked_.push_back(std::move(s)); }

  event_log& log(std::size_t index) noexcept { return logs_[index]; }
  // Writes begun by flushes, and how many of them a helper thread sent.
  std::uint64_t writes() const noexcept { return senders_.sends(); }
  std::uint64_t writes_by_helpers() const noexcept { return senders_.helped(); }
  // The codes some connection wants.
  event_mask wanted() const noexcept;

 private:
  struct waiter {
    std::uint64_t generation;  // the SETEVENTS to Tor that covers this request
    std::weak_ptr<session> s;
    event_mask previous, requested;
    done_fn done;
  };
  void apply(session& s, event_mask mask);
  void update_tor();
  void tor_answered(std::uint64_t generation, std::optional<client::error> failed);

  server_state& state_;
  std::array<event_log, event_kinds> logs_;
  std::array<std::vector<session*>, event_kinds> readers_;
  std::vector<std::shared_ptr<session>> marked_;
  // One flush's writes, kept between flushes for their capacity: at most one write, of
  // at most max_write_buffers pieces, per connection.
  send_pool senders_;
  std::vector<std::shared_ptr<session>> writers_;
  std::vector<iovec> pieces_;
  std::vector<send_job> sends_;
  std::uint64_t next_number_ = 0;
  std::size_t unflushed_ = 0;
  std::size_t unflushed_octets_ = 0;
  // What Tor was last asked for (unknown after a failure, so the next change resends),
  // and how many SETEVENTS were sent and answered.
  std::optional<event_mask> requested_ = event_mask{0};
  std::uint64_t sent_ = 0;
  std::uint64_t answered_ = 0;
  std::vector<waiter> waiters_;
};

}  // namespace torctl::daemon
