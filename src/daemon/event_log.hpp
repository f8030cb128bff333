// The TC EVENT frames of one event code, encoded once and shared by every controller
// that subscribed to the code: each controller holds a cursor, not a copy.
//
// Frames sit back to back in chunks of chunk_octets (a frame larger than that gets a
// chunk of its own). The log holds only its newest chunk; older chunks live as long as
// some cursor still points at them or at an earlier chunk, so memory follows the
// slowest reader. A reader more than max_output_octets behind is disconnected (TC spec
// 4.2), so one log keeps at most about max_output_octets + chunk_octets, however many
// readers there are.
//
// Every frame carries the sequence number of the Tor event it came from, numbered
// across all codes, so that a reader of several logs can send their frames in Tor's
// order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "torctl/tc/event.hpp"

namespace torctl::daemon {

inline constexpr std::size_t chunk_octets = 64 * 1024;

struct event_chunk {
  explicit event_chunk(std::size_t size)
      : data(std::make_unique<std::uint8_t[]>(size)), capacity(size) {}

  // Never reallocated: writes in flight point into it.
  std::unique_ptr<std::uint8_t[]> data;
  std::size_t capacity;
  std::size_t used = 0;
  std::vector<std::uint32_t> ends;     // where each frame ends in data
  std::vector<std::uint64_t> numbers;  // each frame's sequence number
  std::shared_ptr<event_chunk> next;   // set once this chunk is full

  std::size_t frames() const noexcept { return ends.size(); }
  std::size_t begin_of(std::size_t frame) const noexcept {
    return frame == 0 ? 0 : ends[frame - 1];
  }
};

// A reader's place in one log: the next frame to send.
struct event_cursor {
  std::shared_ptr<event_chunk> chunk;
  std::size_t frame = 0;
  std::uint64_t position = 0;  // octets of the log before this place

  // Steps into the next chunk when this one is used up and another follows.
  void settle() noexcept {
    while (chunk && frame == chunk->frames() && chunk->next) {
      chunk = chunk->next;
      frame = 0;
    }
  }
  bool at_end() noexcept {
    settle();
    return !chunk || frame == chunk->frames();
  }
};

class event_log {
 public:
  // Appends one EVENT frame; false if the payload cannot be encoded (nothing appended).
  bool append(const tc::event_payload& payload, std::uint64_t number);

  // A cursor at the end: it will see every frame appended from now on.
  event_cursor end();
  // Octets appended since the log began.
  std::uint64_t appended() const noexcept { return appended_; }
  std::uint64_t frames_appended() const noexcept { return frames_; }

 private:
  std::shared_ptr<event_chunk> tail_;
  std::uint64_t appended_ = 0;
  std::uint64_t frames_ = 0;
};

}  // namespace torctl::daemon
