// TC framing (spec section 2): Length [2 octets], Type [2 octets], Body [Length octets],
// both integers big-endian. This layer knows nothing about what a body means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "torctl/result.hpp"
#include "torctl/tc/bytes.hpp"
#include "torctl/tc/error_code.hpp"

namespace torctl::tc {

inline constexpr std::size_t frame_header_size = 4;
// The largest body the 16-bit length field can describe.
inline constexpr std::size_t max_body_size = 0xFFFF;
inline constexpr std::size_t max_frame_size = frame_header_size + max_body_size;

// One framed message. `body` is a view: see frame_decoder::decode for how long it lives.
struct frame {
  std::uint16_t type = 0;
  bytes_view body;
};

// Writes the header and body of one frame into `out`; returns the octets written.
// Fails with body_too_large past 65,535 body octets and buffer_too_small when `out`
// cannot hold the frame; in both cases nothing is written.
result<std::size_t, encode_error> encode_frame(std::uint16_t type, bytes_view body,
                                               mutable_bytes out) noexcept;

enum class decode_status : std::uint8_t {
  need_more,  // all input was consumed and no frame is complete yet
  complete,   // `frame` holds one message
  malformed,  // `error` says why; the stream stays in sync (see frame_decoder)
};

struct frame_step {
  decode_status status = decode_status::need_more;
  std::size_t consumed = 0;  // octets of the input used by this step
  tc::frame frame;           // complete: the frame; malformed: its type, no body
  decode_error error;        // valid when status == malformed
};

// Incremental frame decoder: feed it input split anywhere and it returns one frame at a
// time. It never allocates from a length it has not checked against its limit, and
// after warming up it makes no allocation per message.
//
// A frame whose length exceeds the limit is reported as malformed (ERROR 0x0009) and
// its body is then skipped, so the next frame decodes normally; the caller decides
// whether to answer and go on or to close the connection.
class frame_decoder {
 public:
  // `body_limit` bounds the body of one frame, and so the bytes this decoder buffers;
  // it is clamped to max_body_size.
  explicit frame_decoder(std::size_t body_limit = max_body_size) noexcept;

  frame_decoder(const frame_decoder&) = delete;
  frame_decoder& operator=(const frame_decoder&) = delete;
  frame_decoder(frame_decoder&&) noexcept = default;
  frame_decoder& operator=(frame_decoder&&) noexcept = default;

  // Consumes a prefix of `input` and reports what it found. Call again with the rest of
  // the input until it is empty: a step consumes less than all of it only when it
  // returns a complete or malformed frame.
  //
  // A complete frame's body points either into `input` (when the whole frame was there)
  // or into this decoder's buffer; either way it is valid until the next call to
  // decode() or until `input` goes away, whichever comes first.
  frame_step decode(bytes_view input);

  // Octets of a partial frame held inside the decoder, at most 4 + body_limit.
  std::size_t buffered() const noexcept { return release_buffer_ ? 0 : buffer_.size(); }

  std::size_t body_limit() const noexcept { return body_limit_; }

 private:
  frame_step decode_buffered(bytes_view input, std::size_t skipped);

  std::size_t body_limit_;
  std::vector<std::uint8_t> buffer_;   // one partial frame, never more than the limit
  std::size_t discard_remaining_ = 0;  // body octets of an oversized frame still to skip
  bool release_buffer_ = false;        // the last frame returned lives in buffer_
};

}  // namespace torctl::tc
