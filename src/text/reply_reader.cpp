#include <cstring>

#include "torctl/text/reply.hpp"

namespace torctl::text {

namespace {

// Lines a reply's vector first makes room for (take_status_line).
constexpr std::size_t first_lines_reserved = 4;

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

read_step reply_reader::read(std::span<const std::uint8_t> input) {
  read_step step = read_in_place(input);
  if (step.status == read_status::complete) {
    step.reply = std::move(current_);
    current_ = {};
    used_lines_ = 0;
  }
  return step;
}

void reply_reader::recycle(reply&& used) noexcept {
  if (used_lines_ == 0 && current_.lines.empty()) current_.lines = std::move(used.lines);
}

read_step reply_reader::read_in_place(std::span<const std::uint8_t> input) {
  if (!failed_.empty()) return {read_status::malformed, 0, {}, failed_};
  if (in_place_done_) {
    // The last reply was left in place: its storage now takes the next one.
    in_place_done_ = false;
    used_lines_ = 0;
  }
  const auto fail = [&](std::string_view why, std::size_t used) {
    failed_ = why;
    line_.clear();
    current_ = {};
    used_lines_ = 0;
    reply_size_ = 0;
    return read_step{read_status::malformed, used, {}, why};
  };

  std::size_t used = 0;
  while (used < input.size()) {
    const char* start = reinterpret_cast<const char*>(input.data()) + used;
    const std::size_t available = input.size() - used;
    const void* lf = std::memchr(start, '\n', available);
    const std::size_t take =
        lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - start) + 1
                      : available;
    // A line may end in CR LF, so its content may reach the limit plus one CR.
    const std::size_t content = line_.size() + take - (lf != nullptr ? 1 : 0);
    if (content > limits_.line + 1) return fail("reply line is longer than the limit", used);
    if (lf == nullptr) {
      line_.append(start, available);
      used += available;
      break;
    }
    std::string_view line;
    if (line_.empty()) {
      line = std::string_view(start, take - 1);
    } else {
      line_.append(start, take - 1);
      line = line_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits_.line) return fail("reply line is longer than the limit", used);
    used += take;
    bool done = false;
    const std::string_view error = take_line(line, done);
    line_.clear();
    if (!error.empty()) return fail(error, used);
    if (done) {
      current_.lines.resize(used_lines_);  // drop storage kept from a longer reply
      in_place_done_ = true;
      reply_size_ = 0;
      return {read_status::complete, used, {}, {}};
    }
  }
  return {read_status::need_more, used, {}, {}};
}

std::string_view reply_reader::take_line(std::string_view line, bool& reply_done) {
  if (!in_data_) return take_status_line(line, reply_done);
  if (line == ".") {
    in_data_ = false;  // the data block ends; the reply goes on
    return {};
  }
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // undo dot-stuffing
  reply_size_ += line.size() + 1;
  if (reply_size_ > limits_.reply) return "reply is larger than the limit";
  std::string& data = *current_.lines[used_lines_ - 1].data;
  data.append(line);
  data.push_back('\n');
  return {};
}

std::string_view reply_reader::take_status_line(std::string_view line, bool& reply_done) {
  if (line.size() < 4) return "reply line is shorter than a status code and separator";
  if (!is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
    return "reply line does not start with a three-digit status code";
  }
  const auto status =
      static_cast<std::uint16_t>((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  const char separator = line[3];
  if (separator != '-' && separator != '+' && separator != ' ') {
    return "status code is followed by neither '-', '+' nor a space";
  }
  // Lines of one reply may carry different codes (Tor answers each pair of a MAPADDRESS
  // on its own line: "512-..." then "250 ..."), but an event never shares a reply with
  // an answer: Tor does not interleave them.
  if (used_lines_ > 0 && (current_.lines.front().status / 100 == 6) != (status / 100 == 6)) {
    return "an event and a command reply are mixed within one reply";
  }
  reply_size_ += line.size();
  if (reply_size_ > limits_.reply) return "reply is larger than the limit";
  // Reuse a line kept from an earlier reply, with its string's capacity, if there is one.
  // A reply handed over by read() took its lines along: room for a few at once, since
  // most replies have two or three (one allocation, not one per growth).
  if (current_.lines.capacity() == 0) current_.lines.reserve(first_lines_reserved);
  if (used_lines_ == current_.lines.size()) current_.lines.emplace_back();
  reply_line& added = current_.lines[used_lines_++];
  added.status = status;
  added.separator = separator;
  added.text.assign(line.substr(4));
  if (separator == '+') {
    if (added.data) {
      added.data->clear();
    } else {
      added.data.emplace();
    }
    in_data_ = true;
  } else {
    added.data.reset();
  }
  reply_done = separator == ' ';
  return {};
}

}  // namespace torctl::text
