// The link's event queue (link.hpp): events in, next_event out, and the overflow
// policies (event.hpp) when the caller falls behind.
#include <asio/post.hpp>

#include "link.hpp"

namespace torctl::client::detail {

bool link::queue_full(std::size_t adding) const noexcept {
  return events_.size() >= event_options_.capacity ||
         event_bytes_ + adding > event_options_.max_bytes;
}

void link::push_event(event e, std::size_t size) {
  const auto full = [&] { return queue_full(size); };
  if (full()) {
    switch (event_options_.policy) {
      case overflow_policy::pause_reading: break;  // read_loop stops after this read
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
  if (event_waiter_) finish_event_wait(failure{error()});  // the waiter takes the event
}

void link::push_link_event(link_change change, std::string reason) {
  event e = event::from_link(change, std::move(reason));
  e.set_dropped_before(std::exchange(dropped_since_delivery_, 0));
  events_.push_back({std::move(e), 0});
  if (event_waiter_) finish_event_wait(failure{error()});
}

void link::wait_event(std::optional<std::chrono::milliseconds> timeout,
                      completion<result<event, error>> done, asio::cancellation_slot slot) {
  const auto deliver_now = [&](result<event, error> outcome) {
    asio::post(executor_, [done = std::move(done), outcome = std::move(outcome)]() mutable {
      done(std::move(outcome));
    });
  };
  if (event_waiter_) {
    return deliver_now(
        failure{error(errc::invalid_argument, "another next_event is already waiting")});
  }
  event_waiter_ = std::move(done);
  if (!events_.empty() || state_ == state::closed) return finish_event_wait(failure{error()});
  if (slot.is_connected()) {
    event_slot_ = slot;
    slot.assign([weak = weak_from_this()](asio::cancellation_type) {
      if (auto self = weak.lock()) {
        self->finish_event_wait(
            failure{error(errc::cancelled, "cancelled while waiting for an event")});
      }
    });
  }
  if (timeout) {
    event_timer_.expires_after(std::max(*timeout, std::chrono::milliseconds(1)));
    event_timer_.async_wait([weak = weak_from_this()](std::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || !self->event_waiter_) return;
      self->finish_event_wait(failure{error(errc::timeout, "no event within the time allowed")});
    });
  }
}

// Completes the waiting next_event: with the first queued event if there is one, else
// with the end of the link if it is closed, else with `otherwise` (timeout, cancelled).
// An empty `otherwise` means "only if there is an event or the end".
void link::finish_event_wait(result<event, error> otherwise) {
  if (!event_waiter_) return;
  std::optional<result<event, error>> outcome;
  if (!events_.empty()) {
    queued_event q = std::move(events_.front());
    events_.pop_front();
    event_bytes_ -= q.size;
    outcome.emplace(std::move(q.e));
    if (reading_paused_ && events_.size() <= event_options_.capacity / 2 &&
        event_bytes_ <= event_options_.max_bytes / 2) {
      resume_reading_.cancel();
    }
  } else if (state_ == state::closed) {
    outcome.emplace(failure{
        failure_ ? *failure_ : error(errc::not_connected, remote_.to_string() + " is closed")});
  } else if (!otherwise.has_value() && otherwise.error().code) {
    outcome.emplace(std::move(otherwise));
  } else {
    return;  // nothing to hand over yet
  }
  event_timer_.cancel();
  if (event_slot_.is_connected()) event_slot_.clear();
  event_slot_ = {};
  asio::post(executor_, [done = std::move(event_waiter_), o = std::move(*outcome)]() mutable {
    done(std::move(o));
  });
  event_waiter_ = {};
}

}  // namespace torctl::client::detail
