// Events as a client delivers them: from Tor over the text protocol, from a TC server, or
// from the client itself about its link (lost, restored after a reconnect).
//
// An event owns what it was parsed from, and the parsed views point into that: events
// can be moved and queued freely, but not copied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "torctl/tc/event.hpp"
#include "torctl/text/event.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::client {

enum class link_change : std::uint8_t {
  lost,      // the connection dropped; pending operations failed with connection_lost
  restored,  // reconnected, authenticated again, event subscriptions restored
};

class event {
 public:
  // Takes a 650 reply and parses it. An event that breaks its own grammar is still
  // delivered: text() is null and parse_error() says why; text_reply() holds it all.
  static event from_text(text::reply reply);
  // Takes the payload of a TC EVENT frame (code first) and parses it. A payload that
  // does not parse is kept the same way (tc() null, parse_error() set).
  static event from_tc(std::vector<std::uint8_t> code_and_payload);
  static event from_link(link_change change, std::string reason);

  event(event&&) noexcept = default;
  event& operator=(event&&) noexcept = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  // The parsed text-protocol event, or null (not a text event, or it did not parse).
  const text::event* text() const noexcept;
  const text::reply* text_reply() const noexcept;
  // The parsed TC payload, or null.
  const tc::event_payload* tc() const noexcept;
  // For a link event, what changed, and why (empty for `restored`).
  std::optional<link_change> link() const noexcept;
  std::string_view link_reason() const noexcept;
  std::string_view parse_error() const noexcept;

  // The event's name: Tor's keyword for text events (CIRC, STREAM, NOTICE, ...); for TC
  // the text protocol's name of its kind (CIRC, STREAM, ORCONN, BW, LOG, or EVENT_0xNNNN);
  // "LINK" for link events.
  std::string name() const;
  // One line for people, no line end: Tor's text after "650 " for text events, a
  // rendering of the fields for TC, "link lost: reason" for link events.
  std::string describe() const;

  // Events dropped, by the queue's overflow policy, just before this one. Zero unless
  // the reader fell behind.
  std::uint64_t dropped_before() const noexcept { return dropped_before_; }
  void set_dropped_before(std::uint64_t n) noexcept { dropped_before_ = n; }

 private:
  struct text_part {
    text::reply reply;
    std::optional<text::event> parsed;  // views into reply
    std::string_view error;
  };
  struct tc_part {
    std::vector<std::uint8_t> bytes;          // code and payload
    std::optional<tc::event_payload> parsed;  // views into bytes
    std::string_view error;
  };
  struct link_part {
    link_change change;
    std::string reason;
  };
  explicit event(std::variant<text_part, tc_part, link_part> body) : body_(std::move(body)) {}

  std::variant<text_part, tc_part, link_part> body_;
  std::uint64_t dropped_before_ = 0;
};

// What happens when events arrive faster than the caller takes them and the queue is full.
enum class overflow_policy : std::uint8_t {
  drop_oldest,       // make room by dropping the oldest queued event (a monitor's choice)
  drop_newest,       // drop the event that arrived (keep the earliest history)
  close_connection,  // fail the connection with errc::event_queue_overflow
  // Stop reading the connection until the caller has taken half the queue: nothing is
  // lost, the server is slowed instead (its socket fills), and replies to commands wait
  // behind the events too. The queue may pass its bounds by what one read brought.
  pause_reading,
};

// The queue is full when it holds `capacity` events or `max_bytes` octets of them,
// whichever comes first; then the policy applies. The byte bound defaults to the 16 MB
// that the TC spec (4.2) lets a controller leave unread.
struct event_queue_options {
  std::size_t capacity = 65536;
  std::size_t max_bytes = std::size_t{16} << 20;
  overflow_policy policy = overflow_policy::drop_oldest;
};

}  // namespace torctl::client
