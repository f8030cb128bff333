#include "session.hpp"

#include <spdlog/spdlog.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <system_error>

#include "event_hub.hpp"
#include "handlers.hpp"
#include "replies.hpp"

namespace torctl::daemon {

namespace {

constexpr std::string_view http_refusal =
    "HTTP/1.0 501 Not Implemented\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Connection: close\r\n"
    "\r\n"
    "This is torctld's control port, not an HTTP server or proxy. A web page may be trying to "
    "reach it; nothing was done.\n";

constexpr std::string_view text_refusal =
    "510 This port speaks TC, torctld's binary control protocol; the text control protocol is "
    "not served here\r\n";

}  // namespace

session::session(server_state& state, socket_type socket, std::string peer)
    : state_(state),
      socket_(std::move(socket)),
      peer_(std::move(peer)),
      id_(state.next_connection_id++),
      room_(state.executor) {
  ++state_.count.opened;
  spdlog::info("conn {} opened from {}", id_, peer_);
}

session::~session() {
  if (state_.events) state_.events->remove(*this);
  ++state_.count.closed;
  spdlog::info("conn {} closed", id_);
}

void session::start() {
  asio::co_spawn(state_.executor, run(shared_from_this()), asio::detached);
}

void session::close(std::string_view why) {
  if (closed_) return;
  closed_ = closing_ = true;
  drop_answers();
  if (state_.events) state_.events->remove(*this);
  wake_paused();
  spdlog::debug("conn {} closing: {}", id_, why);
  std::error_code ignored;
  socket_.shutdown(socket_type::shutdown_both, ignored);
  socket_.close(ignored);
  room_.cancel();
}

// Waits until the socket is readable, then reads into the server's shared buffer: an
// idle connection holds no read buffer of its own.
asio::awaitable<void> session::run(std::shared_ptr<session> self) {
  static_cast<void>(self);  // keeps this session alive while it runs
  while (!closing_) {
    if (must_pause()) {
      if (answers_.size() < max_requests_in_flight) state_.paused.push_back(weak_from_this());
      room_.expires_at(asio::steady_timer::time_point::max());
      std::error_code ignored;
      co_await room_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    if (!unread_.empty()) {  // what was left when the last pause began
      std::vector<std::uint8_t> left;
      left.swap(unread_);
      feed(left.data(), left.size());
      continue;
    }
    std::error_code ec;
    co_await socket_.async_wait(socket_type::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (closing_) break;
    if (ec) {
      close("wait: " + ec.message());
      break;
    }
    const std::size_t n = socket_.read_some(asio::buffer(state_.read_buffer), ec);
    if (ec == asio::error::would_block) continue;
    if (ec == asio::error::eof) {
      // The controller has sent all it will (it may have shut down only its side): what
      // it asked for is still answered, then the connection is closed.
      closing_ = true;
      end_of_input_ = true;
      if (answers_.empty() && !writing_) close("closed by the controller");
      break;
    }
    if (ec) {
      close("read: " + ec.message());
      break;
    }
    if (!protocol_known_) {
      if (!take_first_octets(state_.read_buffer.data(), n)) continue;
    } else {
      feed(state_.read_buffer.data(), n);
    }
  }
}

// Collects the first four octets and decides: TC goes on, anything else is refused.
bool session::take_first_octets(const std::uint8_t* data, std::size_t size) {
  first_.append(reinterpret_cast<const char*>(data), size);
  const auto guess = tc::detect_protocol(tc::as_bytes(first_));
  switch (guess) {
    case tc::protocol_guess::need_more: return false;
    case tc::protocol_guess::http:
      ++state_.count.refused_http;
      refuse(http_refusal, "an HTTP request");
      return false;
    case tc::protocol_guess::text:
      ++state_.count.refused_text;
      refuse(text_refusal, "a text-protocol controller");
      return false;
    case tc::protocol_guess::tc: break;
  }
  protocol_known_ = true;
  std::string first = std::move(first_);
  first_.clear();
  feed(reinterpret_cast<const std::uint8_t*>(first.data()), first.size());
  return true;
}

void session::refuse(std::string_view reply, std::string_view why) {
  spdlog::info("conn {} refused: {}", id_, why);
  closing_ = true;
  const std::uint64_t place = reserve();
  answer(place, std::vector<std::uint8_t>(reply.begin(), reply.end()), true);
}

bool session::must_pause() const noexcept {
  return answers_.size() >= max_requests_in_flight || state_.in_flight >= max_total_in_flight;
}

// Decodes and dispatches requests until the input ends or a bound is reached; what is
// left then waits in unread_ (at most one read's worth) until there is room again.
void session::feed(const std::uint8_t* data, std::size_t size) {
  tc::bytes_view rest(data, size);
  while (!rest.empty() && !closing_) {
    if (must_pause()) {
      unread_.assign(rest.begin(), rest.end());
      return;
    }
    tc::message_reader::step step = reader_.read(rest);
    rest = rest.subspan(step.consumed);
    if (step.status == tc::decode_status::need_more) break;
    const std::uint64_t place = reserve();
    if (step.status == tc::decode_status::malformed) {
      spdlog::debug("conn {} sent a malformed message: {}", id_, step.error.reason);
      answer(place, error_frame(step.error.code, step.error.reason));
      continue;
    }
    handle_request(state_, shared_from_this(), step.message, place);
  }
}

std::uint64_t session::reserve() {
  answers_.emplace_back();
  ++state_.in_flight;
  return first_place_ + answers_.size() - 1;
}

void session::answer(std::uint64_t place, std::vector<std::uint8_t> frames, bool then_close) {
  if (closed_ || place < first_place_ || place - first_place_ >= answers_.size()) return;
  pending_answer& a = answers_[place - first_place_];
  a.ready = true;
  a.then_close = then_close;
  a.frames = std::move(frames);
  if (then_close) closing_ = true;  // nothing after this request is read or executed
  flush();
}

// Moves the answers that are ready, from the oldest, to the output.
void session::flush() {
  bool paused = answers_.size() >= max_requests_in_flight;
  while (!answers_.empty() && answers_.front().ready) {
    pending_answer& a = answers_.front();
    if (out_.capacity() == 0) {
      out_.swap(a.frames);  // the common case: nothing else waits, so no copy
    } else {
      out_.insert(out_.end(), a.frames.begin(), a.frames.end());
    }
    const bool then_close = a.then_close;
    answers_.pop_front();
    ++first_place_;
    --state_.in_flight;
    if (then_close) {
      close_when_written_ = true;
      drop_answers();
      break;
    }
  }
  wake_paused();
  if (over_output_bound()) return;
  if (!writing_) write_more();
  if (paused && answers_.size() < max_requests_in_flight) room_.cancel();
}

// Forgets the answers still due (the connection is going away); they no longer count.
void session::drop_answers() {
  state_.in_flight -= answers_.size();
  first_place_ += answers_.size();
  answers_.clear();
}

// Wakes the connections paused for the total bound, once it is no longer reached.
void session::wake_paused() {
  if (state_.in_flight >= max_total_in_flight || state_.paused.empty()) return;
  std::vector<std::weak_ptr<session>> paused;
  paused.swap(state_.paused);
  for (const auto& w : paused) {
    if (auto s = w.lock()) s->room_.cancel();
  }
}

// Octets waiting to be sent: answers, and events the cursors have not passed (those of
// the write in flight included).
std::uint64_t session::unsent() const noexcept {
  std::uint64_t octets = out_.size() + written_.size();
  for (std::size_t i = 0; i < event_kinds; ++i) {
    if (has(codes_, i)) octets += state_.events->log(i).appended() - cursors_[i].position;
  }
  return octets;
}

// TC spec 4.2: a controller that lets this much queue up is cut off.
bool session::over_output_bound() {
  const std::uint64_t waiting = unsent();
  if (waiting <= max_output_octets) return false;
  ++state_.count.disconnected_slow;
  spdlog::warn("conn {} disconnected: {} octets unread, more than {} (TC spec 4.2)", id_, waiting,
               max_output_octets);
  close("output bound");
  return true;
}

void session::subscribe(event_mask codes) {
  for (std::size_t i = 0; i < event_kinds; ++i) {
    if (has(codes, i) == has(codes_, i)) continue;
    // A write in flight must not move a cursor of a code that changed meanwhile, and
    // the chunks its pieces point into must outlive it: the old cursor holds them.
    sending_codes_ = static_cast<event_mask>(sending_codes_ & ~(1U << i));
    if (writing_ && has(codes_, i)) retired_.push_back(std::move(cursors_[i]));
    cursors_[i] = has(codes, i) ? state_.events->log(i).end() : event_cursor{};
  }
  codes_ = codes;
}

void session::events_appended() {
  if (marked_ || closed_) return;
  marked_ = true;
  state_.events->mark(shared_from_this());
}

bool session::begin_write(std::vector<iovec>& pieces) {
  marked_ = false;
  if (closed_ || over_output_bound() || writing_ || !prepare_write()) return false;
  for (const asio::const_buffer& b : pieces_) {
    pieces.push_back(iovec{const_cast<void*>(b.data()), b.size()});
  }
  return true;
}

void session::end_write(std::size_t sent, int error) {
  if (error != 0 && error != EAGAIN && error != EWOULDBLOCK) {
    sent_events();
    close("write: " + std::system_category().message(error));
    return;
  }
  if (sent == asio::buffer_size(pieces_)) {
    sent_events();
    write_more();
    return;
  }
  // The socket is full: the pieces not yet taken wait for the event loop's write.
  auto taken = pieces_.begin();
  while (taken != pieces_.end() && sent >= taken->size()) {
    sent -= taken->size();
    ++taken;
  }
  pieces_.erase(pieces_.begin(), taken);
  pieces_.front() += sent;
  start_write();
}

// Lays out the events not yet sent as pieces of the shared logs, oldest first: runs of
// one chunk's frames until another code's next frame is older. Sets sending_.
void session::gather_events() {
  sending_codes_ = codes_;
  for (std::size_t i = 0; i < event_kinds; ++i) {
    if (has(codes_, i)) sending_[i] = cursors_[i];
  }
  std::size_t octets = 0;
  while (pieces_.size() < max_write_buffers - 1 && octets < max_write_octets) {
    constexpr std::uint64_t none = ~std::uint64_t{0};
    std::size_t first = event_kinds;
    std::uint64_t oldest = none, next_oldest = none;
    for (std::size_t i = 0; i < event_kinds; ++i) {
      if (!has(codes_, i) || sending_[i].at_end()) continue;
      const std::uint64_t n = sending_[i].chunk->numbers[sending_[i].frame];
      if (n < oldest) {
        next_oldest = oldest;
        oldest = n;
        first = i;
      } else if (n < next_oldest) {
        next_oldest = n;
      }
    }
    if (first == event_kinds) break;
    event_cursor& c = sending_[first];
    const event_chunk& chunk = *c.chunk;
    const std::size_t begin = chunk.begin_of(c.frame);
    std::size_t end_frame = c.frame + 1;
    while (end_frame < chunk.frames() && chunk.numbers[end_frame] < next_oldest &&
           chunk.ends[end_frame] - begin <= max_write_octets - octets) {
      ++end_frame;
    }
    const std::size_t size = chunk.ends[end_frame - 1] - begin;
    pieces_.push_back(asio::buffer(chunk.data.get() + begin, size));
    c.frame = end_frame;
    c.position += size;
    octets += size;
  }
}

// The write in flight is done: the cursors move past what it carried.
void session::sent_events() noexcept {
  for (std::size_t i = 0; i < event_kinds; ++i) {
    if (has(sending_codes_, i)) cursors_[i] = std::move(sending_[i]);
    sending_[i] = event_cursor{};
  }
  sending_codes_ = 0;
  retired_.clear();
  pieces_.clear();
  written_.clear();  // kept for the next write while the connection is busy
}

// One write: the events due, then every answer that is ready (whole answers only).
void session::write_more() {
  if (prepare_write()) start_write();
}

// Lays out the next write in pieces_; false, and the connection idle, when there is
// nothing to write.
bool session::prepare_write() {
  if (closed_) return false;
  if (codes_ != 0) gather_events();
  if (!out_.empty()) {
    written_.swap(out_);
    pieces_.push_back(asio::buffer(written_));
  }
  if (pieces_.empty()) {
    writing_ = false;
    sent_events();  // nothing was gathered: only lets go of the copies of the cursors
    // Idle now: the buffers go, so that an idle connection holds none.
    out_ = {};
    written_ = {};
    if (close_when_written_) close("answered, then closed");
    if (end_of_input_ && answers_.empty()) close("closed by the controller, all answered");
    return false;
  }
  writing_ = true;
  return true;
}

void session::start_write() {
  asio::async_write(socket_, pieces_, [self = shared_from_this()](std::error_code ec, std::size_t) {
    self->sent_events();
    if (ec) {
      self->close("write: " + ec.message());
      return;
    }
    self->write_more();
  });
}

}  // namespace torctl::daemon
