// libFuzzer target for the text-protocol reply reader and the typed parsers behind it.
//
// The first input octet picks a chunk size and whether the limits are small; the rest is
// a byte stream from a would-be Tor. Besides "no crash, no sanitizer report", it checks
// what must hold for any input:
//   - every step consumes input or completes a reply, and never more than it was given;
//   - buffered octets stay within the line and reply limits;
//   - a malformed stream stays malformed;
//   - reading in chunks gives exactly the replies (or the error) that reading whole does;
//   - a reply read back from write_reply's output is equal to the reply written, and
//     write_reply refuses only replies holding a CR or NUL it cannot carry;
//   - the typed parsers accept or refuse every reply without crashing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/text/address_map.hpp"
#include "torctl/text/event.hpp"
#include "torctl/text/keyvalue.hpp"
#include "torctl/text/protocolinfo.hpp"
#include "torctl/text/reply.hpp"

namespace text = torctl::text;

namespace {

void check(bool condition, const char* invariant) {
  if (condition) return;
  std::fprintf(stderr, "text_reply_fuzz: invariant broken: %s\n", invariant);
  std::abort();
}

struct outcome {
  std::vector<text::reply> replies;
  bool malformed = false;
};

outcome read_stream(std::string_view input, std::size_t chunk, text::reply_limits limits) {
  text::reply_reader reader(limits);
  outcome out;
  for (std::size_t offset = 0; offset < input.size() && !out.malformed; offset += chunk) {
    std::string_view piece = input.substr(offset, chunk);
    while (!piece.empty()) {
      text::read_step step = reader.read(piece);
      check(step.consumed <= piece.size(), "a step consumes no more than it is given");
      check(reader.buffered() <= limits.line + 1 + limits.reply, "buffering stays bounded");
      if (step.status == text::read_status::malformed) {
        check(!step.error.empty(), "a malformed step says why");
        check(reader.read(std::string_view("250 OK\r\n")).status == text::read_status::malformed,
              "a malformed stream stays malformed");
        out.malformed = true;
        break;
      }
      check(step.consumed > 0 || step.status == text::read_status::complete,
            "every step makes progress");
      piece.remove_prefix(step.consumed);
      if (step.status == text::read_status::complete) out.replies.push_back(std::move(step.reply));
    }
  }
  return out;
}

bool holds_unwritable(const text::reply& r) {
  for (const auto& line : r.lines) {
    if (line.text.find('\r') != std::string::npos) return true;
    if (line.data && line.data->find_first_of(std::string_view("\r\0", 2)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void check_reply(const text::reply& r, text::reply_limits limits) {
  const auto written = text::write_reply(r);
  check(written.has_value() || holds_unwritable(r), "only CR or NUL stops write_reply");
  if (written) {
    // Dot-stuffing may lengthen a data line by one octet.
    limits.line += 1;
    limits.reply += r.lines.size() * 2;
    const outcome again = read_stream(*written, written->size(), limits);
    check(!again.malformed && again.replies.size() == 1 && again.replies[0] == r,
          "write_reply's output reads back as the same reply");
  }
  if (r.is_event()) {
    (void)text::parse_event(r);
    return;
  }
  (void)text::parse_protocolinfo(r);
  (void)text::parse_mapaddress(r);
  const auto values = text::parse_key_values(r, text::value_form::quoted);
  if (values) {
    for (const auto& kv : *values) {
      if (kv.value) (void)text::parse_address_mappings(*kv.value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + (data[0] & 0x3F);
  text::reply_limits limits;
  if ((data[0] & 0x40) != 0) limits = text::reply_limits{32, 256};
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  const outcome whole = read_stream(input, input.size() + 1, limits);
  const outcome chunked = read_stream(input, chunk, limits);
  check(whole.malformed == chunked.malformed && whole.replies == chunked.replies,
        "reading in chunks gives what reading whole gives");
  for (const text::reply& r : whole.replies) check_reply(r, limits);
  return 0;
}
