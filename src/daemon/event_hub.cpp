#include "event_hub.hpp"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "server_state.hpp"
#include "session.hpp"
#include "upstream.hpp"

namespace torctl::daemon {

namespace {

std::size_t index_of(const tc::event_payload& p) noexcept {
  return kind_index(tc::code_of(p));
}

}  // namespace

event_mask event_hub::wanted() const noexcept {
  event_mask mask = 0;
  for (std::size_t i = 0; i < event_kinds; ++i) {
    if (!readers_[i].empty()) mask = static_cast<event_mask>(mask | (1U << i));
  }
  return mask;
}

void event_hub::set_events(const std::shared_ptr<session>& s, event_mask mask, done_fn done) {
  const event_mask previous = s->event_codes();
  apply(*s, mask);
  update_tor();
  if (answered_ == sent_) return done(std::nullopt);  // Tor already has what s needs
  waiters_.push_back({sent_, s, previous, mask, std::move(done)});
}

void event_hub::remove(session& s) {
  if (s.event_codes() == 0) return;
  apply(s, 0);
  update_tor();
}

void event_hub::apply(session& s, event_mask mask) {
  const event_mask old = s.event_codes();
  for (std::size_t i = 0; i < event_kinds; ++i) {
    auto& readers = readers_[i];
    if (has(old, i) && !has(mask, i)) {
      const auto at = std::find(readers.begin(), readers.end(), &s);
      if (at != readers.end()) readers.erase(at);
    } else if (!has(old, i) && has(mask, i)) {
      readers.push_back(&s);
    }
  }
  s.subscribe(mask);
}

// Sends Tor the union when it differs from what Tor was last asked for. SETEVENTS are
// answered in order, so the last one sent is the one in force.
void event_hub::update_tor() {
  const event_mask mask = wanted();
  if (requested_ == mask || state_.tor == nullptr) return;
  requested_ = mask;
  const std::uint64_t generation = ++sent_;
  std::vector<std::string> names = tor_event_names(mask);
  spdlog::debug("asking Tor for events: {}",
                names.empty() ? "(none)" : fmt::format("{}", fmt::join(names, " ")));
  state_.tor->control().async_set_events(
      std::move(names), [this, generation](client::outcome<client::done> r) {
        tor_answered(generation, r ? std::nullopt : std::optional<client::error>(r.error()));
      });
}

void event_hub::tor_answered(std::uint64_t generation, std::optional<client::error> failed) {
  answered_ = std::max(answered_, generation);
  if (failed) {
    spdlog::warn("Tor did not take the event subscription: {}", failed->message);
    requested_.reset();  // unknown now: the next change sends again
  }
  const auto pending = [&](const waiter& w) { return w.generation > generation; };
  const auto first_due = std::stable_partition(waiters_.begin(), waiters_.end(), pending);
  std::vector<waiter> due(std::make_move_iterator(first_due),
                          std::make_move_iterator(waiters_.end()));
  waiters_.erase(first_due, waiters_.end());
  for (waiter& w : due) {
    auto s = w.s.lock();
    if (failed && s && !s->closed() && s->event_codes() == w.requested) apply(*s, w.previous);
    w.done(failed);
  }
}

void event_hub::publish(const text::event& e) {
  ++state_.count.events_from_tor;
  const auto payload = to_tc_event(e);
  if (!payload) {
    ++state_.count.events_without_tc_form;
    return;
  }
  const std::size_t i = index_of(*payload);
  if (readers_[i].empty()) return;  // Tor's answer to an unsubscribe is still on its way
  const std::uint64_t before = logs_[i].appended();
  if (!logs_[i].append(*payload, next_number_++)) {
    ++state_.count.events_without_tc_form;
    return;
  }
  ++unflushed_;
  unflushed_octets_ += static_cast<std::size_t>(logs_[i].appended() - before);
  for (session* s : readers_[i]) s->events_appended();
}

void event_hub::flush() {
  unflushed_ = 0;
  unflushed_octets_ = 0;
  std::vector<std::shared_ptr<session>> marked;
  marked.swap(marked_);
  writers_.clear();
  pieces_.clear();
  sends_.clear();
  for (auto& s : marked) {
    const std::size_t first = pieces_.size();
    if (!s->begin_write(pieces_)) continue;
    send_job j;
    j.fd = s->native_socket();
    j.count = pieces_.size() - first;
    sends_.push_back(j);
    writers_.push_back(std::move(s));
  }
  // The pieces are laid out: now their addresses hold.
  const iovec* next = pieces_.data();
  for (send_job& j : sends_) {
    j.pieces = next;
    next += j.count;
  }
  senders_.run(sends_);
  for (std::size_t i = 0; i < writers_.size(); ++i) {
    writers_[i]->end_write(sends_[i].sent, sends_[i].error);
  }
  writers_.clear();
}

}  // namespace torctl::daemon
