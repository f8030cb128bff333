// Replies of Tor's text control protocol (control-spec section 2.3), and an incremental
// reader that turns a byte stream from Tor into whole replies. No I/O.
//
//   Reply         = *(MidReplyLine / DataReplyLine) EndReplyLine
//   MidReplyLine  = StatusCode "-" ReplyText CRLF
//   DataReplyLine = StatusCode "+" ReplyText CRLF  data lines  "." CRLF
//   EndReplyLine  = StatusCode SP ReplyText CRLF
//
// Status codes 6xx mark asynchronous events; everything else answers a command, in the
// order commands were sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/result.hpp"

namespace torctl::text {

// One line of a reply. For a data line ("250+"), `data` holds the data block with the
// dot-stuffing undone and every line ended by "\n" (CRLF and bare LF alike).
struct reply_line {
  std::uint16_t status = 0;
  char separator = ' ';  // '-' mid, '+' data, ' ' end
  std::string text;      // after the separator, line end removed
  std::optional<std::string> data;

  friend bool operator==(const reply_line&, const reply_line&) = default;
};

// A whole reply: mid and data lines, then the end line. Lines may carry different status
// codes (MAPADDRESS answers pair by pair); the end line's code is the reply's. Either all
// lines are events (6xx) or none is.
struct reply {
  std::vector<reply_line> lines;

  std::uint16_t status() const noexcept { return lines.empty() ? 0 : lines.back().status; }
  bool is_event() const noexcept { return status() / 100 == 6; }
  // 2xx: the command succeeded.
  bool ok() const noexcept { return status() / 100 == 2; }
  // The end line's text ("OK", "Unrecognized key \"x\"").
  std::string_view message() const noexcept {
    return lines.empty() ? std::string_view() : std::string_view(lines.back().text);
  }
  friend bool operator==(const reply&, const reply&) = default;
};

// Bounds on what one reader accepts. A line longer than `line` octets (line end
// excluded), or a reply whose text and data together pass `reply` octets, is an error:
// nothing is buffered past these bounds.
struct reply_limits {
  std::size_t line = std::size_t{1} << 20;    // 1 MiB, as Tor bounds the lines it reads
  std::size_t reply = std::size_t{64} << 20;  // 64 MiB: GETINFO ns/all on a big network
};

enum class read_status : std::uint8_t {
  need_more,  // all input consumed, no reply complete yet
  complete,   // `reply` holds one whole reply (check is_event())
  malformed,  // `error` says why; the stream cannot be trusted after this: close it
};

struct read_step {
  read_status status = read_status::need_more;
  std::size_t consumed = 0;
  text::reply reply;       // when complete
  std::string_view error;  // when malformed: static text
};

// Reads replies from input split anywhere. After a malformed step every later call
// returns the same error: a peer that broke the grammar once cannot be resynchronized.
class reply_reader {
 public:
  explicit reply_reader(reply_limits limits = {}) noexcept : limits_(limits) {}

  // Consumes a prefix of `input`: up to the end of the next complete reply, or all of it.
  read_step read(std::span<const std::uint8_t> input);
  read_step read(std::string_view input) {
    return read({reinterpret_cast<const std::uint8_t*>(input.data()), input.size()});
  }

  // Like read(), but a complete reply stays in the reader, readable through last() until
  // the next call, and read_step::reply stays empty. The reader reuses that reply's
  // storage for the next one, so a steady stream of replies needs no allocation: the way
  // to parse events that need not outlive the next read.
  read_step read_in_place(std::span<const std::uint8_t> input);
  read_step read_in_place(std::string_view input) {
    return read_in_place({reinterpret_cast<const std::uint8_t*>(input.data()), input.size()});
  }
  // The reply the last read_in_place() completed.
  const text::reply& last() const noexcept { return current_; }

  // Takes back a reply that read() handed over and that is no longer needed: its lines,
  // with their strings' capacity, hold the next replies, which then allocate nothing for
  // them. Does nothing once the next reply has begun.
  void recycle(reply&& used) noexcept;

  // Octets held for an unfinished line or reply.
  std::size_t buffered() const noexcept { return line_.size() + reply_size_; }
  const reply_limits& limits() const noexcept { return limits_; }

 private:
  // Handles one whole line (line end removed); returns an error or empty.
  std::string_view take_line(std::string_view line, bool& reply_done);
  std::string_view take_status_line(std::string_view line, bool& reply_done);

  reply_limits limits_;
  std::string line_;  // the unfinished line
  reply current_;     // the unfinished reply; lines past used_lines_ are kept storage
  std::size_t used_lines_ = 0;
  bool in_place_done_ = false;  // current_ holds a reply completed by read_in_place
  std::size_t reply_size_ = 0;
  bool in_data_ = false;     // inside a data block
  std::string_view failed_;  // set once the stream is malformed
};

// Writes `r` as Tor would send it: CRLF line ends, data blocks dot-stuffed and ended by
// ".". Fails with a reason for a reply the grammar cannot carry: no lines, a status
// above 999, a CR or LF in a line's text, a separator that does not match the
// line's place (' ' last, '-' or '+' before) or its data, or a NUL or CR in data.
// Data that does not end in a line end gets one, as the reader would return it.
result<std::string, std::string_view> write_reply(const reply& r);

}  // namespace torctl::text
