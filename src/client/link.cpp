#include "link.hpp"

#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <string_view>

#include "torctl/auth/secret.hpp"
#include "torctl/tc/message_type.hpp"

namespace torctl::client::detail {

namespace {

// Octets asked of the socket per read.
constexpr std::size_t read_chunk = 64 * 1024;
// Octets of the server's first answer kept for diagnosis.
constexpr std::size_t first_octets_kept = 64;

std::size_t size_of(const text::reply& r) noexcept {
  std::size_t n = 0;
  for (const text::reply_line& l : r.lines) n += 8 + l.text.size() + (l.data ? l.data->size() : 0);
  return n;
}

}  // namespace

link::link(asio::any_io_executor ex, protocol proto, endpoint remote, link_limits limits,
           event_queue_options events, std::chrono::milliseconds command_timeout)
    : executor_(std::move(ex)),
      proto_(proto),
      remote_(std::move(remote)),
      limits_(limits),
      event_options_(events),
      command_timeout_(command_timeout),
      text_reader_(limits.text),
      tc_frames_(limits.tc_body),
      deadline_timer_(executor_),
      event_timer_(executor_),
      resume_reading_(executor_) {}

link::~link() = default;

// A pipelined batch leaves while the caller is still issuing it (submit), in writes that
// start at first_gather_octets and double up to max_gather_octets: small first, so that
// Tor starts on the batch at once (it reads what has come, up to 16 KiB, and answers all of
// it together), then large, so that a long batch takes few system calls.
constexpr std::size_t first_gather_octets = 1024;
constexpr std::size_t max_gather_octets = 16 * 1024;

namespace {

// Sets a flag for a scope, and clears it however the scope ends.
struct replies_guard {
  explicit replies_guard(bool& flag) noexcept : flag_(flag) { flag_ = true; }
  ~replies_guard() { flag_ = false; }
  replies_guard(const replies_guard&) = delete;
  replies_guard& operator=(const replies_guard&) = delete;
  bool& flag_;
};

// The same connection, registered afresh with the event loop. Asio keeps a socket's
// EPOLLOUT registration once a connect (or a write) has waited for it, and with
// edge-triggered epoll every ACK from the peer then wakes the loop for nothing: on a
// control connection, a second wakeup per round trip. A socket registered afresh waits
// for input only, until a write has to wait for room (link::wait_writable); from then on
// Asio keeps EPOLLOUT again, which costs wakeups, not correctness.
socket_type registered_afresh(socket_type s) {
  std::error_code ec;
  const auto protocol = s.local_endpoint(ec).protocol();
  if (ec) return s;  // kept as it is: correct, only woken more often
  const auto executor = s.get_executor();
  const int fd = s.release(ec);
  if (ec) return s;
  socket_type fresh(executor);
  fresh.assign(protocol, fd, ec);
  if (ec) ::close(fd);  // the link's first read then fails: connection lost
  return fresh;
}

}  // namespace

void link::attach(socket_type socket) {
  ++generation_;
  socket_.emplace(registered_afresh(std::move(socket)));
  std::error_code ec;
  socket_->non_blocking(true, ec);
  if (ec) socket_->close(ec);  // a blocking socket would stall the loop: the read fails
  first_octets_.clear();
  text_reader_ = text::reply_reader(limits_.text);
  tc_frames_ = tc::frame_decoder(limits_.tc_body);
  read_buffer_.resize(read_chunk);
  asio::co_spawn(executor_, read_loop(shared_from_this(), generation_), asio::detached);
}

void link::submit(request r, bool internal, reply_completion done, asio::cancellation_slot slot) {
  const auto refuse = [&](error why) {
    pending refused;
    refused.done = std::move(done);
    complete(refused, failure{std::move(why)});
    if (r.secret) auth::wipe({reinterpret_cast<std::uint8_t*>(r.wire.data()), r.wire.size()});
  };
  if (state_ == state::closed || !socket_) {
    return refuse(failure_ ? *failure_
                           : error(errc::not_connected, remote_.to_string() + " is closed"));
  }
  if (!internal && state_ != state::open) {
    return refuse(
        error(errc::not_connected, state_ == state::reconnecting
                                       ? "reconnecting to " + remote_.to_string()
                                       : "not yet authenticated to " + remote_.to_string()));
  }
  if (pending_.size() >= limits_.max_pending) {
    return refuse(error(errc::queue_full, std::to_string(pending_.size()) +
                                              " commands are already waiting for " +
                                              remote_.to_string()));
  }
  pending& p = pending_.emplace_back();
  p.id = next_pending_id_++;
  p.shape = r.shape;
  p.done = std::move(done);
  if (command_timeout_.count() > 0) {
    p.deadline = std::chrono::steady_clock::now() + command_timeout_;
    arm_deadline(p.deadline);
  } else {
    p.deadline = std::chrono::steady_clock::time_point::max();
  }
  if (slot.is_connected()) {
    p.slot = slot;
    slot.assign([weak = weak_from_this(), id = p.id](asio::cancellation_type) {
      auto self = weak.lock();
      if (!self) return;
      if (pending* at = self->find_pending(id)) {
        self->complete(*at, failure{error(errc::cancelled, "cancelled while waiting for " +
                                                               self->remote_.to_string())});
      }
    });
  }
  append_out(r.wire);
  if (r.secret) {
    wipe_out_ = true;
    auth::wipe({reinterpret_cast<std::uint8_t*>(r.wire.data()), r.wire.size()});
  }
  if (writing_) return;  // the socket is full: this waits with the rest
  // A command leaves at once when no other awaits its reply. One issued while others
  // await theirs (a pipelined batch) gathers with those issued after it; they leave
  // together at the end of this turn of the event loop, when a reply comes in first
  // (read_loop), or once gather_octets_ of them wait (growing, see above), so that Tor
  // starts on a long batch while the caller is still issuing it.
  if (pending_.size() == 1) {
    gather_octets_ = first_gather_octets;
    write_more();
  } else if (out_.size() - out_sent_ >= gather_octets_) {
    gather_octets_ = std::min(2 * gather_octets_, max_gather_octets);
    write_more();
  } else if (!end_of_turn_posted_) {
    end_of_turn_posted_ = true;
    asio::post(executor_, [self = shared_from_this()] {
      self->end_of_turn_posted_ = false;
      if (!self->writing_) self->write_more();
    });
  }
}

asio::awaitable<result<raw_reply, error>> link::command(request r, bool internal) {
  // Named, not a temporary inside the co_await: g++ 12 destroys such temporaries twice.
  auto start = [self = shared_from_this(), r = std::move(r), internal](
                   completion<result<raw_reply, error>> done,
                   asio::cancellation_slot slot) mutable {
    // The outcome itself is what this caller wants: kept at the read, handed over after.
    auto keep = [done = std::move(done), kept = std::optional<result<raw_reply, error>>()](
                    completion_step step, result<raw_reply, error>* outcome) mutable {
      if (step == completion_step::read) {
        kept.emplace(std::move(*outcome));
      } else {
        done(std::move(*kept));
      }
    };
    self->submit(std::move(r), internal, std::move(keep), slot);
  };
  co_return co_await async_start<result<raw_reply, error>>(executor_, std::move(start),
                                                           asio::use_awaitable);
}

void link::complete(pending& p, result<raw_reply, error>* outcome) {
  if (p.completed()) return;
  if (p.slot.is_connected()) p.slot.clear();
  p.done(completion_step::read, outcome);
  // Hand-overs wait in `ready_` and run together from one posted handler: never inside
  // the call that completed them, and without a post per reply of a pipelined batch.
  ready_.push_back(std::move(p.done));      // leaves p.done empty: p is completed
  if (!reading_replies_) schedule_ready();  // else read_loop runs them once the read is fed
}

link::pending* link::find_pending(std::uint64_t id) noexcept {
  if (pending_.empty()) return nullptr;
  const std::uint64_t index = id - pending_.front().id;  // ids ascend from the front
  if (id < pending_.front().id || index >= pending_.size()) return nullptr;
  return &pending_[static_cast<std::size_t>(index)];
}

void link::schedule_ready() {
  if (flush_scheduled_ || ready_.empty()) return;
  flush_scheduled_ = true;
  asio::post(executor_, [self = shared_from_this()] { self->run_ready(); });
}

void link::run_ready() {
  flush_scheduled_ = false;
  std::vector<reply_completion> now;
  now.swap(ready_);
  for (reply_completion& r : now) r(completion_step::hand_over, nullptr);
  // Keep the larger buffer for the next batch. Completions run above may have queued
  // more; those have their own post.
  now.clear();
  if (ready_.empty() && ready_.capacity() < now.capacity()) ready_.swap(now);
}

void link::arm_deadline(std::chrono::steady_clock::time_point when) {
  if (armed_for_ && *armed_for_ <= when) return;
  armed_for_ = when;
  deadline_timer_.expires_at(when);
  deadline_timer_.async_wait([weak = weak_from_this(), when](std::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->armed_for_ != when) return;  // re-armed or closed meanwhile
    self->armed_for_.reset();
    self->expire_deadlines();
  });
}

void link::expire_deadlines() {
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> next;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    pending& p = pending_[i];
    if (p.completed()) continue;
    if (p.deadline <= now) {
      complete(p,
               failure{error(errc::timeout, "no answer from " + remote_.to_string() + " within " +
                                                std::to_string(command_timeout_.count()) + " ms")});
    } else if (!next || p.deadline < *next) {
      next = p.deadline;
    }
  }
  if (next) arm_deadline(*next);
}

asio::awaitable<void> link::read_loop(std::shared_ptr<link> self, std::uint64_t generation) {
  static_cast<void>(self);  // held only to keep the link alive while it reads
  for (;;) {
    std::error_code ec;
    const std::size_t n = co_await socket_->async_read_some(
        asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    if (generation != generation_) co_return;  // the socket was dropped or replaced
    if (ec) {
      const std::string why =
          ec == asio::error::eof ? "the server closed the connection" : "reading: " + ec.message();
      lose(error(errc::connection_lost, remote_.to_string() + ": " + why));
      co_return;
    }
    if (first_octets_.size() < first_octets_kept) {
      const std::size_t keep = std::min(n, first_octets_kept - first_octets_.size());
      first_octets_.append(reinterpret_cast<const char*>(read_buffer_.data()), keep);
    }
    bool ok;
    {
      const replies_guard feeding(reading_replies_);
      ok = proto_ == protocol::text ? feed_text(read_buffer_.data(), n)
                                    : feed_tc(read_buffer_.data(), n);
    }
    if (!ok || generation != generation_) {
      schedule_ready();  // the failures of a lost link, completed while it was being fed
      co_return;
    }
    // Linux delays ACKs, and a peer with Nagle's algorithm on (Tor's control port has
    // it) then holds back its next small reply until the delayed ACK comes, up to 40 ms.
    // While replies are still due, ask for a quick ACK: pipelined replies keep flowing.
    if (!pending_.empty() && remote_.type == endpoint::kind::tcp) {
      const int one = 1;
      ::setsockopt(socket_->native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    }
    // The replies of this read go to their callers now, from here rather than from a post:
    // one scheduler round less per reply. (A caller may close the link meanwhile.)
    run_ready();
    if (generation != generation_) co_return;
    if (!writing_ && out_sent_ < out_.size()) {
      write_more();                              // commands gathered (submit)
      if (generation != generation_) co_return;  // that write lost the link
    }
    if (event_options_.policy == overflow_policy::pause_reading && queue_full()) {
      reading_paused_ = true;
      resume_reading_.expires_at(asio::steady_timer::time_point::max());
      co_await resume_reading_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      reading_paused_ = false;
      if (generation != generation_) co_return;
    }
  }
}

bool link::feed_text(const std::uint8_t* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size) {
    text::read_step step = text_reader_.read({data + used, size - used});
    used += step.consumed;
    if (step.status == text::read_status::need_more) break;
    if (step.status == text::read_status::malformed) {
      lose(error(errc::protocol_error,
                 remote_.to_string() + " broke the text protocol: " + std::string(step.error)));
      return false;
    }
    if (step.reply.is_event()) {
      const std::size_t octets = size_of(step.reply);
      push_event(event::from_text(std::move(step.reply)), octets);
    } else if (!deliver(std::move(step.reply))) {
      return false;
    }
  }
  return true;
}

bool link::feed_tc(const std::uint8_t* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size) {
    const tc::frame_step step = tc_frames_.decode({data + used, size - used});
    used += step.consumed;
    if (step.status == tc::decode_status::need_more) break;
    if (step.status == tc::decode_status::malformed) {
      lose(error(errc::protocol_error,
                 remote_.to_string() + " sent a bad TC frame: " + std::string(step.error.reason)));
      return false;
    }
    if (!take_tc_frame(step.frame.type, step.frame.body)) return false;
  }
  return true;
}

bool link::take_tc_frame(std::uint16_t type, tc::bytes_view body) {
  using tc::message_type;
  const auto t = static_cast<message_type>(type);
  if (t == message_type::event) {
    push_event(event::from_tc({body.begin(), body.end()}), body.size() + 16);
    return true;
  }
  switch (t) {
    case message_type::error:
    case message_type::done:
    case message_type::confvalue:
    case message_type::addressmapped: {
      std::vector<tc_frame> frames;
      frames.push_back({type, {body.begin(), body.end()}});
      return deliver(std::move(frames));
    }
    default: break;
  }
  if (type > static_cast<std::uint16_t>(message_type::getallmappings)) return true;  // ignored
  lose(error(errc::protocol_error, remote_.to_string() + " sent a message only a client sends"));
  return false;
}

// Hands a reply to the oldest pending command. A TC GETALLMAPPINGS collects frames until
// its DONE or ERROR.
bool link::deliver(raw_reply reply) {
  if (pending_.empty()) {
    lose(error(errc::protocol_error, remote_.to_string() + " answered a command never sent"));
    return false;
  }
  pending& front = pending_.front();
  if (auto* frames = std::get_if<std::vector<tc_frame>>(&reply);
      frames != nullptr && front.shape == reply_shape::until_done) {
    const auto type = static_cast<tc::message_type>(frames->front().type);
    if (!front.frames) front.frames.emplace(std::vector<tc_frame>{});
    auto& collected = std::get<std::vector<tc_frame>>(*front.frames);
    collected.push_back(std::move(frames->front()));
    if (collected.size() > limits_.max_pending) {
      lose(error(errc::protocol_error, remote_.to_string() + " sent too many mappings"));
      return false;
    }
    if (type != tc::message_type::done && type != tc::message_type::error) return true;
    reply = std::move(*front.frames);
  }
  result<raw_reply, error> outcome(std::move(reply));
  complete(front, &outcome);  // nothing if it timed out or was cancelled
  pending_.pop_front();
  // What the reading left of a text reply holds the next one (text::reply_reader).
  if (outcome) {
    if (auto* text = std::get_if<text::reply>(&*outcome)) text_reader_.recycle(std::move(*text));
  }
  return true;
}

void link::fail_pending(const error& why) {
  ring<pending> failed;
  failed.swap(pending_);
  for (std::size_t i = 0; i < failed.size(); ++i) complete(failed[i], failure{why});
}

void link::drop_socket() {
  ++generation_;
  if (socket_) {
    std::error_code ignored;
    socket_->shutdown(socket_type::shutdown_both, ignored);
    socket_->close(ignored);
    socket_.reset();
  }
  writing_ = false;
  armed_for_.reset();
  deadline_timer_.cancel();
  resume_reading_.cancel();
  sent_all();  // what was not sent is dropped, wiped if it held a credential
}

void link::lose(error why) {
  if (state_ == state::closed) return;
  drop_socket();
  // A protocol violation or a wrong service is what the caller needs to hear; anything
  // else is a lost connection.
  if (!why.is(errc::protocol_error) && !why.is(errc::wrong_service)) {
    why.code = make_error_code(errc::connection_lost);
  }
  fail_pending(why);
  switch (state_) {
    case state::open:
      push_link_event(link_change::lost, why.message);
      if (reconnect_hook) {
        state_ = state::reconnecting;
        reconnect_hook(shared_from_this());
        return;
      }
      break;
    case state::reconnecting: return;  // the reconnect loop sees its command fail and tries again
    case state::authenticating:
    case state::closed: break;
  }
  state_ = state::closed;
  failure_ = std::move(why);
  finish_event_wait(failure{error()});
}

void link::close(error why) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  drop_socket();
  fail_pending(why);
  failure_ = std::move(why);
  finish_event_wait(failure{error()});
  // The failed commands' completions leave the link for a handler that owns them: a
  // completion can hold its caller's coroutine, which holds the link, and an event loop
  // stopped before run_ready ran would otherwise keep that cycle (and the link) for good.
  // A loop that is destroyed destroys the handler, and with it the cycle.
  if (ready_.empty()) return;
  auto last = std::make_shared<std::vector<reply_completion>>(std::move(ready_));
  ready_.clear();
  asio::post(executor_, [last] {
    for (reply_completion& r : *last) r(completion_step::hand_over, nullptr);
  });
}

}  // namespace torctl::client::detail
