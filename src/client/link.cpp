#include "link.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
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

asio::steady_timer::time_point deadline_after(std::chrono::milliseconds d) {
  if (d.count() <= 0) return asio::steady_timer::time_point::max();
  return asio::steady_timer::clock_type::now() + d;
}

}  // namespace

struct link::pending {
  explicit pending(const asio::any_io_executor& ex) : signal(ex) {}
  asio::steady_timer signal;  // expires at the deadline; cancelled when the answer is in
  reply_shape shape = reply_shape::one;
  std::optional<raw_reply> reply;
  std::optional<error> failure;
  bool done = false;
  bool abandoned = false;  // the caller stopped waiting; the reply is dropped on arrival

  void finish() {
    done = true;
    signal.cancel();
  }
};

link::link(asio::any_io_executor ex, protocol proto, endpoint remote, link_limits limits,
           event_queue_options events, std::chrono::milliseconds command_timeout)
    : executor_(std::move(ex)),
      proto_(proto),
      remote_(std::move(remote)),
      limits_(limits),
      event_options_(events),
      command_timeout_(command_timeout),
      text_reader_(limits.text),
      tc_frames_(limits.tc_body) {}

link::~link() = default;

void link::attach(socket_type socket) {
  ++generation_;
  socket_.emplace(std::move(socket));
  first_octets_.clear();
  text_reader_ = text::reply_reader(limits_.text);
  tc_frames_ = tc::frame_decoder(limits_.tc_body);
  read_buffer_.resize(read_chunk);
  asio::co_spawn(executor_, read_loop(shared_from_this(), generation_), asio::detached);
}

asio::awaitable<result<raw_reply, error>> link::command(request r, bool internal) {
  const auto self = shared_from_this();  // the link outlives this wait
  if (state_ == state::closed || !socket_) {
    co_return failure{failure_ ? *failure_
                               : error(errc::not_connected, remote_.to_string() + " is closed")};
  }
  if (!internal && state_ != state::open) {
    co_return failure{
        error(errc::not_connected, state_ == state::reconnecting
                                       ? "reconnecting to " + remote_.to_string()
                                       : "not yet authenticated to " + remote_.to_string())};
  }
  if (pending_.size() >= limits_.max_pending) {
    co_return failure{error(errc::queue_full, std::to_string(pending_.size()) +
                                                  " commands are already waiting for " +
                                                  remote_.to_string())};
  }
  auto p = std::make_shared<pending>(executor_);
  p->shape = r.shape;
  p->signal.expires_at(deadline_after(command_timeout_));
  pending_.push_back(p);
  out_.append(r.wire);
  if (r.secret) {
    wipe_out_ = true;
    auth::wipe({reinterpret_cast<std::uint8_t*>(r.wire.data()), r.wire.size()});
  }
  if (!writing_) write_more();

  std::error_code ec;
  co_await p->signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (p->done) {
    if (p->failure) co_return failure{std::move(*p->failure)};
    co_return std::move(*p->reply);
  }
  p->abandoned = true;  // its reply, when it comes, keeps the order and is dropped
  if (!ec) {
    co_return failure{error(errc::timeout, "no answer from " + remote_.to_string() + " within " +
                                               std::to_string(command_timeout_.count()) + " ms")};
  }
  co_return failure{error(errc::cancelled, "cancelled while waiting for " + remote_.to_string())};
}

void link::write_more() {
  if (out_.empty() || !socket_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  // The buffer belongs to this write: a dropped socket's write may finish after a new
  // socket has taken over.
  auto batch = std::make_shared<std::string>();
  batch->swap(out_);
  const bool wipe = std::exchange(wipe_out_, false);
  asio::async_write(
      *socket_, asio::buffer(*batch),
      [self = shared_from_this(), batch, wipe, generation = generation_](std::error_code ec,
                                                                         std::size_t) {
        if (wipe) {
          auth::wipe({reinterpret_cast<std::uint8_t*>(batch->data()), batch->size()});
        }
        if (generation != self->generation_) return;
        if (ec) {
          self->writing_ = false;
          self->lose(error(errc::connection_lost,
                           "writing to " + self->remote_.to_string() + ": " + ec.message()));
          return;
        }
        self->write_more();
      });
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
    const bool ok = proto_ == protocol::text ? feed_text(read_buffer_.data(), n)
                                             : feed_tc(read_buffer_.data(), n);
    if (!ok || generation != generation_) co_return;
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
  const std::shared_ptr<pending>& front = pending_.front();
  if (auto* frames = std::get_if<std::vector<tc_frame>>(&reply);
      frames != nullptr && front->shape == reply_shape::until_done) {
    const auto type = static_cast<tc::message_type>(frames->front().type);
    if (!front->reply) front->reply.emplace(std::vector<tc_frame>{});
    auto& collected = std::get<std::vector<tc_frame>>(*front->reply);
    collected.push_back(std::move(frames->front()));
    if (collected.size() > limits_.max_pending) {
      lose(error(errc::protocol_error, remote_.to_string() + " sent too many mappings"));
      return false;
    }
    if (type != tc::message_type::done && type != tc::message_type::error) return true;
  } else {
    front->reply.emplace(std::move(reply));
  }
  const std::shared_ptr<pending> p = front;
  pending_.pop_front();
  if (!p->abandoned) p->finish();
  return true;
}

void link::push_event(event e, std::size_t size) {
  const auto full = [&] {
    return events_.size() >= event_options_.capacity ||
           event_bytes_ + size > event_options_.max_bytes;
  };
  if (full()) {
    switch (event_options_.policy) {
      case overflow_policy::drop_newest:
        ++events_dropped_;
        ++dropped_since_delivery_;
        return;
      case overflow_policy::drop_oldest:
        while (!events_.empty() && full()) {
          queued_event& oldest = events_.front();
          const std::uint64_t gap = oldest.e.dropped_before() + 1;
          event_bytes_ -= oldest.size;
          events_.pop_front();
          ++events_dropped_;
          if (events_.empty()) {
            dropped_since_delivery_ += gap;
          } else {
            events_.front().e.set_dropped_before(events_.front().e.dropped_before() + gap);
          }
        }
        break;
      case overflow_policy::close_connection:
        close(error(errc::event_queue_overflow,
                    "more than " + std::to_string(event_options_.capacity) + " events or " +
                        std::to_string(event_options_.max_bytes) + " octets of events unread"));
        return;
    }
  }
  e.set_dropped_before(e.dropped_before() + std::exchange(dropped_since_delivery_, 0));
  event_bytes_ += size;
  events_.push_back({std::move(e), size});
  if (event_waiter_ != nullptr) event_waiter_->cancel();
}

void link::push_link_event(link_change change, std::string reason) {
  event e = event::from_link(change, std::move(reason));
  e.set_dropped_before(std::exchange(dropped_since_delivery_, 0));
  events_.push_back({std::move(e), 0});
  if (event_waiter_ != nullptr) event_waiter_->cancel();
}

asio::awaitable<result<event, error>> link::next_event(
    std::optional<std::chrono::milliseconds> timeout) {
  const auto self = shared_from_this();
  const auto deadline = timeout ? deadline_after(std::max(*timeout, std::chrono::milliseconds(1)))
                                : asio::steady_timer::time_point::max();
  for (;;) {
    if (!events_.empty()) {
      queued_event q = std::move(events_.front());
      events_.pop_front();
      event_bytes_ -= q.size;
      co_return std::move(q.e);
    }
    if (state_ == state::closed) {
      co_return failure{failure_ ? *failure_
                                 : error(errc::not_connected, remote_.to_string() + " is closed")};
    }
    if (event_waiter_ != nullptr) {
      co_return failure{error(errc::invalid_argument, "another next_event is already waiting")};
    }
    asio::steady_timer signal(executor_, deadline);
    event_waiter_ = &signal;
    std::error_code ec;
    co_await signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    event_waiter_ = nullptr;
    if (!events_.empty() || state_ == state::closed) continue;
    if (!ec) co_return failure{error(errc::timeout, "no event within the time allowed")};
    co_return failure{error(errc::cancelled, "cancelled while waiting for an event")};
  }
}

void link::fail_pending(const error& why) {
  std::deque<std::shared_ptr<pending>> failed;
  failed.swap(pending_);
  for (const auto& p : failed) {
    if (p->abandoned) continue;
    p->failure = why;
    p->finish();
  }
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
  if (wipe_out_) auth::wipe({reinterpret_cast<std::uint8_t*>(out_.data()), out_.size()});
  wipe_out_ = false;
  out_.clear();
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
  if (event_waiter_ != nullptr) event_waiter_->cancel();
}

void link::close(error why) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  drop_socket();
  fail_pending(why);
  failure_ = std::move(why);
  if (event_waiter_ != nullptr) event_waiter_->cancel();
}

}  // namespace torctl::client::detail
