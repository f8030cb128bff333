// libFuzzer target for the TC decoder.
//
// The first input octet picks the sender and a chunk size; the rest is a byte stream fed
// to message_reader in chunks of that size. Besides "no crash, no sanitizer report", it
// checks what must hold for any input:
//   - every step consumes input or completes a frame; buffered octets stay within bounds;
//   - a decoded message re-encodes, and decoding that again gives an equal message whose
//     encoding is byte-identical (the encoder's output is canonical). The one exception:
//     a line list whose last line lacked its NL grows by that NL, so a body of exactly
//     65,535 octets may no longer fit;
//   - every CONFVALUE body is accepted or refused, and split into lines, exactly as a
//     plain reading of the grammar does (the fast validator works in 64-octet blocks and
//     skips long values; a mistake there can be consistent with itself, so the round
//     trip alone would not see it);
//   - the protocol guess on the first octets is one of the four answers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tc/reference_grammar.hpp"
#include "torctl/tc/message.hpp"

namespace tc = torctl::tc;

namespace {

// Aborts, naming the broken invariant, so that a crash report says which one failed.
void check(bool condition, const char* invariant) {
  if (condition) return;
  std::fprintf(stderr, "tc_decoder_fuzz: invariant broken: %s\n", invariant);
  std::abort();
}

void check_round_trip(const tc::message& m, std::size_t body_size, tc::sender from) {
  std::vector<std::uint8_t> first;
  const auto written = tc::encode_append(m, first);
  if (!written) {
    check(written.error().kind == tc::encode_errc::body_too_large && body_size == tc::max_body_size,
          "only a full-size body may fail to re-encode");
    return;
  }
  tc::frame_decoder frames;
  const auto step = frames.decode(first);
  check(step.status == tc::decode_status::complete && step.consumed == first.size(),
        "an encoded message frames as one whole frame");
  const auto again = tc::decode(step.frame, from);
  check(again.has_value() && *again == m, "a re-encoded message decodes to itself");
  std::vector<std::uint8_t> second;
  check(tc::encode_append(*again, second).has_value() && second == first, "encoding is canonical");
}

// Frames the whole input and checks each CONFVALUE body against the reference reading.
void check_confvalue_bodies(tc::bytes_view input) {
  tc::frame_decoder frames;
  while (!input.empty()) {
    const auto step = frames.decode(input);
    input = input.subspan(step.consumed);
    if (step.status != tc::decode_status::complete) continue;
    if (step.frame.type != static_cast<std::uint16_t>(tc::message_type::confvalue)) continue;
    const auto fast = tc::confvalue_grammar::validate(step.frame.body);
    const auto plain = tc::testing::reference_confvalue_count(tc::as_text(step.frame.body));
    check(fast.has_value() == plain.has_value() && (!plain || *fast == *plain),
          "CONFVALUE validation agrees with the plain reading");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const tc::sender from = (data[0] & 1) != 0 ? tc::sender::server : tc::sender::client;
  const std::size_t chunk = 1 + (data[0] >> 1);  // 1 to 128 octets per read
  const tc::bytes_view input(data + 1, size - 1);

  const auto guess = tc::detect_protocol(input);
  check(guess == tc::protocol_guess::need_more || guess == tc::protocol_guess::tc ||
            guess == tc::protocol_guess::text || guess == tc::protocol_guess::http,
        "the protocol guess is one of four");

  tc::message_reader reader(from, (data[0] & 0x80) != 0 ? 64 : tc::max_body_size);
  for (std::size_t offset = 0; offset < input.size();) {
    tc::bytes_view piece = input.subspan(offset, std::min(chunk, input.size() - offset));
    offset += piece.size();
    while (!piece.empty()) {
      const auto step = reader.read(piece);
      check(step.consumed <= piece.size(), "a step consumes only its input");
      check(step.consumed > 0 || step.status != tc::decode_status::need_more,
            "a step that needs more consumes something");
      check(reader.buffered() <= tc::max_frame_size, "the reader buffers at most one frame");
      if (step.status == tc::decode_status::complete) {
        check_round_trip(step.message, step.body_size, from);
      }
      if (step.status == tc::decode_status::malformed) {
        check(!step.error.reason.empty(), "a malformed step says why");
      }
      piece = piece.subspan(step.consumed);
    }
  }
  check_confvalue_bodies(input);
  return 0;
}
