// Internal: one control connection's machinery, shared by both protocols. It owns the
// socket, writes commands in order, reads replies and events with the codecs, hands each
// reply to the oldest pending command and each event to the event queue, and fails
// everything pending when the connection drops.
//
// Everything here runs on the link's executor; callers must not use a link from other
// threads at the same time (connection.hpp documents the same for users).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ring.hpp"
#include "torctl/client/detail/async.hpp"
#include "torctl/client/endpoint.hpp"
#include "torctl/client/error.hpp"
#include "torctl/client/event.hpp"
#include "torctl/client/types.hpp"
#include "torctl/result.hpp"
#include "torctl/tc/frame.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::client::detail {

using socket_type = asio::generic::stream_protocol::socket;

// What a command got back: one text reply, or the TC frames that answer it.
using raw_reply = std::variant<text::reply, std::vector<tc_frame>>;

// How many TC frames answer a command: one (DONE, ERROR, CONFVALUE, ADDRESSMAPPED), or
// any number of ADDRESSMAPPED up to a DONE or an ERROR (GETALLMAPPINGS).
enum class reply_shape : std::uint8_t { one, until_done };

// A command's completion is called twice. First with `read` and the command's outcome,
// as soon as that is known (its reply is being fed, or it failed): it reads the reply into
// the caller's typed value there and then, and may move from the outcome; the reply's
// storage then serves the next reply. Then, later and from the event loop, with
// `hand_over` and no outcome: it hands what it read to the caller. Large enough to hold,
// without allocating, what the connection layer wraps around the caller's completion
// (connection.cpp: the reader, the typed value, and the caller's completion<T>).
enum class completion_step : bool { read, hand_over };
using reply_completion = unique_function<void(completion_step, result<raw_reply, error>*), 256>;

struct request {
  std::string wire;  // the bytes to send
  reply_shape shape = reply_shape::one;
  bool secret = false;  // holds a credential: wiped from the write buffers once sent
};

struct link_limits {
  // Commands written and not yet answered. Past it a command fails with queue_full at
  // once, rather than buffering without bound.
  std::size_t max_pending = 65536;
  text::reply_limits text;
  std::size_t tc_body = tc::max_body_size;
};

class link : public std::enable_shared_from_this<link> {
 public:
  enum class state : std::uint8_t { authenticating, open, reconnecting, closed };

  link(asio::any_io_executor ex, protocol proto, endpoint remote, link_limits limits,
       event_queue_options events, std::chrono::milliseconds command_timeout);
  ~link();
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  // Takes a connected socket and starts reading from it. The link is authenticating
  // until set_open().
  void attach(socket_type socket);
  void set_open() noexcept { state_ = state::open; }

  // Sends a command; `done` gets its reply (in the two steps above). A user's command
  // needs an open link; the authentication steps pass `internal`. Fails with
  // not_connected, queue_full, timeout, cancelled (through `slot`), connection_lost, or
  // the link's failure (protocol_error, wrong_service). `done`'s hand-over is always
  // called later, on the link's executor, never from inside submit().
  void submit(request r, bool internal, reply_completion done, asio::cancellation_slot slot = {});
  // The same as a coroutine.
  asio::awaitable<result<raw_reply, error>> command(request r, bool internal = false);

  // Waits for the next event, up to `timeout` if given. Fails with timeout, cancelled,
  // invalid_argument (another wait is pending), or not_connected once the link is
  // closed and the queue empty.
  void wait_event(std::optional<std::chrono::milliseconds> timeout,
                  completion<result<event, error>> done, asio::cancellation_slot slot = {});

  // Closes for good: pending commands and the event waiter fail with `why`.
  void close(error why);
  // Drops the current socket as lost: pending commands fail with connection_lost, a
  // link-lost event is queued, and the reconnect hook (if set) runs.
  void lose(error why);
  // Called with the link after a loss, unless close() was called. connect.cpp sets it
  // when reconnecting is enabled.
  std::function<void(std::shared_ptr<link>)> reconnect_hook;
  // Queues a link event (never dropped by the overflow policy).
  void push_link_event(link_change change, std::string reason);

  state current_state() const noexcept { return state_; }
  protocol proto() const noexcept { return proto_; }
  const endpoint& remote() const noexcept { return remote_; }
  const asio::any_io_executor& executor() const noexcept { return executor_; }
  std::chrono::milliseconds command_timeout() const noexcept { return command_timeout_; }
  void set_command_timeout(std::chrono::milliseconds t) noexcept { command_timeout_ = t; }
  std::uint64_t events_dropped() const noexcept { return events_dropped_; }
  std::size_t events_queued() const noexcept { return events_.size(); }
  // The first octets the server sent on the current socket (at most 64), for diagnosis.
  const std::string& first_octets() const noexcept { return first_octets_; }
  // The event names of the last successful SETEVENTS, restored after a reconnect.
  std::vector<std::string> subscribed;

 private:
  // A command written and not yet answered, held by value in the queue (ring.hpp: no
  // allocation per command). Its id, counted from the link's first command, finds it
  // again for a cancellation (elements move when the queue grows).
  struct pending {
    std::uint64_t id = 0;
    reply_shape shape = reply_shape::one;
    std::optional<raw_reply> frames;  // TC GETALLMAPPINGS: the frames collected so far
    std::chrono::steady_clock::time_point deadline;
    reply_completion done;  // empty once completed
    asio::cancellation_slot slot;
    // Completed (answered, failed, timed out or cancelled). A command that timed out or
    // was cancelled stays in the queue until its reply comes, which is then dropped:
    // replies are matched to commands by their order.
    bool completed() const noexcept { return !done; }
  };
  // Has a pending command's completion read `outcome` now, and queues its hand-over for
  // run_ready() (once; later calls do nothing).
  void complete(pending& p, result<raw_reply, error> outcome) { complete(p, &outcome); }
  void complete(pending& p, result<raw_reply, error>* outcome);
  // The pending command with this id, or null once it has left the queue.
  pending* find_pending(std::uint64_t id) noexcept;
  void run_ready();
  void arm_deadline(std::chrono::steady_clock::time_point when);
  void expire_deadlines();
  void finish_event_wait(result<event, error> outcome);
  void write_more();
  void wait_writable();
  void sent_all() noexcept;
  void schedule_ready();
  void append_out(std::string_view bytes);
  asio::awaitable<void> read_loop(std::shared_ptr<link> self, std::uint64_t generation);
  // Feeds what was read to the codec; false when the link failed on it.
  bool feed_text(const std::uint8_t* data, std::size_t size);
  bool feed_tc(const std::uint8_t* data, std::size_t size);
  bool take_tc_frame(std::uint16_t type, tc::bytes_view body);
  bool deliver(raw_reply reply);
  void push_event(event e, std::size_t size);
  bool queue_full(std::size_t adding = 0) const noexcept;
  void fail_pending(const error& why);
  void drop_socket();

  asio::any_io_executor executor_;
  protocol proto_;
  endpoint remote_;
  link_limits limits_;
  event_queue_options event_options_;
  std::chrono::milliseconds command_timeout_;
  state state_ = state::authenticating;
  std::optional<error> failure_;  // why the link closed for good

  std::optional<socket_type> socket_;
  std::uint64_t generation_ = 0;  // bumped whenever the socket is replaced or dropped
  // Commands not yet taken by the kernel: out_ from out_sent_ on. Its buffer is kept for
  // the next commands (up to max_kept_out_octets).
  std::string out_;
  std::size_t out_sent_ = 0;
  bool writing_ = false;             // the socket is full: waiting until it takes more
  bool end_of_turn_posted_ = false;  // gathered commands leave from a posted handler
  std::size_t gather_octets_ = 0;    // a batch's next write leaves at this size (submit)
  bool wipe_out_ = false;            // out_ holds a credential
  std::vector<std::uint8_t> read_buffer_;
  std::string first_octets_;

  text::reply_reader text_reader_;
  tc::frame_decoder tc_frames_;
  ring<pending> pending_;
  std::uint64_t next_pending_id_ = 0;
  std::vector<reply_completion> ready_;  // read, waiting for run_ready() to hand over
  bool flush_scheduled_ = false;
  bool reading_replies_ = false;  // read_loop is feeding a read: it runs ready_ itself
  // One timer for every pending command: armed for the earliest deadline; when it fires,
  // every command past its deadline fails with timeout and the timer is armed again.
  asio::steady_timer deadline_timer_;
  std::optional<std::chrono::steady_clock::time_point> armed_for_;

  struct queued_event {
    event e;
    std::size_t size;
  };
  std::deque<queued_event> events_;
  std::size_t event_bytes_ = 0;
  std::uint64_t events_dropped_ = 0;
  std::uint64_t dropped_since_delivery_ = 0;
  // The one waiting next_event, if any, and its timeout.
  completion<result<event, error>> event_waiter_;
  asio::cancellation_slot event_slot_;
  asio::steady_timer event_timer_;
  // overflow_policy::pause_reading: the read loop waits on this while the queue is full.
  asio::steady_timer resume_reading_;
  bool reading_paused_ = false;
};

}  // namespace torctl::client::detail
