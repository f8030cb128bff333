#include "torctl/tc/frame.hpp"

#include <algorithm>
#include <cstring>

#include "wire.hpp"

namespace torctl::tc {

namespace {

constexpr decode_error frame_too_large{error_code::resource_exhausted,
                                       "frame body is longer than this connection accepts"};

}  // namespace

result<std::size_t, encode_error> encode_frame(std::uint16_t type, bytes_view body,
                                               mutable_bytes out) noexcept {
  if (body.size() > max_body_size) {
    return failure{encode_error{encode_errc::body_too_large, "message body exceeds 65,535 octets"}};
  }
  const std::size_t total = frame_header_size + body.size();
  if (out.size() < total) {
    return failure{
        encode_error{encode_errc::buffer_too_small, "output buffer cannot hold the frame"}};
  }
  std::uint8_t* p = wire::write_u16(out.data(), static_cast<std::uint16_t>(body.size()));
  p = wire::write_u16(p, type);
  if (!body.empty()) std::memcpy(p, body.data(), body.size());
  return total;
}

frame_decoder::frame_decoder(std::size_t body_limit) noexcept
    : body_limit_(std::min(body_limit, max_body_size)) {}

frame_step frame_decoder::decode(bytes_view input) {
  if (release_buffer_) {
    buffer_.clear();  // keeps its capacity: no allocation for the next partial frame
    release_buffer_ = false;
  }

  // Skip what is left of an oversized frame's body.
  std::size_t skipped = 0;
  if (discard_remaining_ > 0) {
    skipped = std::min(discard_remaining_, input.size());
    discard_remaining_ -= skipped;
    input = input.subspan(skipped);
    if (input.empty()) return {decode_status::need_more, skipped, {}, {}};
  }

  if (!buffer_.empty() || input.size() < frame_header_size) {
    return decode_buffered(input, skipped);
  }

  // Fast path: the header is at the start of the input, nothing buffered.
  const std::size_t length = wire::read_u16(input.data());
  const std::uint16_t type = wire::read_u16(input.data() + 2);
  if (length > body_limit_) {
    discard_remaining_ = length;
    return {decode_status::malformed, skipped + frame_header_size, frame{type, {}},
            frame_too_large};
  }
  if (input.size() >= frame_header_size + length) {
    frame f{type, input.subspan(frame_header_size, length)};
    return {decode_status::complete, skipped + frame_header_size + length, f, {}};
  }
  return decode_buffered(input, skipped);
}

// Accumulates a frame that arrived in pieces. Bytes are copied only up to the end of
// the current frame, so the buffer never holds more than 4 + body_limit_ octets.
frame_step frame_decoder::decode_buffered(bytes_view input, std::size_t skipped) {
  std::size_t used = 0;
  if (buffer_.size() < frame_header_size) {
    const std::size_t take = std::min(frame_header_size - buffer_.size(), input.size());
    buffer_.insert(buffer_.end(), input.data(), input.data() + take);
    used += take;
    if (buffer_.size() < frame_header_size) {
      return {decode_status::need_more, skipped + used, {}, {}};
    }
    const std::size_t length = wire::read_u16(buffer_.data());
    if (length > body_limit_) {
      const std::uint16_t type = wire::read_u16(buffer_.data() + 2);
      buffer_.clear();
      discard_remaining_ = length;
      return {decode_status::malformed, skipped + used, frame{type, {}}, frame_too_large};
    }
    buffer_.reserve(frame_header_size + length);  // checked against the limit above
  }

  const std::size_t length = wire::read_u16(buffer_.data());
  const std::size_t wanted = frame_header_size + length - buffer_.size();
  const std::size_t take = std::min(wanted, input.size() - used);
  buffer_.insert(buffer_.end(), input.data() + used, input.data() + used + take);
  used += take;
  if (take < wanted) return {decode_status::need_more, skipped + used, {}, {}};

  release_buffer_ = true;
  frame f{wire::read_u16(buffer_.data() + 2),
          bytes_view(buffer_).subspan(frame_header_size, length)};
  return {decode_status::complete, skipped + used, f, {}};
}

}  // namespace torctl::tc
