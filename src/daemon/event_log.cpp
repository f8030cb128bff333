#include "event_log.hpp"

#include <algorithm>

#include "torctl/tc/message.hpp"

namespace torctl::daemon {

bool event_log::append(const tc::event_payload& payload, std::uint64_t number) {
  const tc::message m{tc::event_message{payload}};
  const auto size = tc::encoded_size(m);
  if (!size) return false;
  if (!tail_ || tail_->capacity - tail_->used < *size) {
    auto fresh = std::make_shared<event_chunk>(std::max(chunk_octets, *size));
    if (tail_) tail_->next = fresh;
    tail_ = std::move(fresh);
  }
  const auto written = tc::encode(m, {tail_->data.get() + tail_->used, *size});
  if (!written) return false;
  tail_->used += *written;
  tail_->ends.push_back(static_cast<std::uint32_t>(tail_->used));
  tail_->numbers.push_back(number);
  appended_ += *written;
  ++frames_;
  return true;
}

event_cursor event_log::end() {
  if (!tail_) tail_ = std::make_shared<event_chunk>(chunk_octets);
  return event_cursor{tail_, tail_->frames(), appended_};
}

}  // namespace torctl::daemon
