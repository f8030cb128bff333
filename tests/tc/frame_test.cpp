// Framing: input split anywhere, many frames per chunk, limits, and the encoder.
#include "torctl/tc/frame.hpp"

#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;
using testing::from_hex;

// Frames every step of `input` fed in chunks of `chunk`; returns "type:hexbody" strings.
std::vector<std::string> frames_of(const bytes& input, std::size_t chunk,
                                   std::size_t limit = max_body_size) {
  frame_decoder decoder(limit);
  std::vector<std::string> out;
  for (std::size_t offset = 0; offset < input.size();) {
    bytes_view piece(input.data() + offset, std::min(chunk, input.size() - offset));
    offset += piece.size();
    while (!piece.empty()) {
      const frame_step step = decoder.decode(piece);
      EXPECT_LE(step.consumed, piece.size());
      if (step.status == decode_status::need_more) {
        EXPECT_EQ(step.consumed, piece.size());
      }
      piece = piece.subspan(step.consumed);
      if (step.status == decode_status::complete) {
        out.push_back(std::to_string(step.frame.type) + ":" + testing::to_hex(step.frame.body));
      } else if (step.status == decode_status::malformed) {
        out.push_back("malformed:" + std::to_string(static_cast<int>(step.error.code)) + ":" +
                      std::to_string(step.frame.type));
      }
    }
  }
  EXPECT_EQ(decoder.buffered(), 0u);
  return out;
}

const bytes three_frames = from_hex(
    "0000 0001"           // DONE
    "0003 0004 4b 20 0a"  // CONFVALUE "K \n"
    "0001 0009 01");      // SIGNAL reload
const std::vector<std::string> three_expected = {"1:", "4:4b200a", "9:01"};

TEST(FrameDecoder, ManyFramesInOneChunk) {
  EXPECT_EQ(frames_of(three_frames, three_frames.size()), three_expected);
}

TEST(FrameDecoder, OneOctetAtATime) {
  EXPECT_EQ(frames_of(three_frames, 1), three_expected);
}

TEST(FrameDecoder, EverySplitPointGivesTheSameFrames) {
  for (std::size_t cut = 1; cut < three_frames.size(); ++cut) {
    frame_decoder decoder;
    std::vector<std::string> out;
    for (bytes_view piece :
         {bytes_view(three_frames).first(cut), bytes_view(three_frames).subspan(cut)}) {
      while (!piece.empty()) {
        const auto step = decoder.decode(piece);
        piece = piece.subspan(step.consumed);
        if (step.status == decode_status::complete) {
          out.push_back(std::to_string(step.frame.type) + ":" + testing::to_hex(step.frame.body));
        }
      }
    }
    EXPECT_EQ(out, three_expected) << "cut at " << cut;
  }
}

TEST(FrameDecoder, NeedMoreUntilTheLastOctet) {
  const bytes frame = from_hex("0002 0007 aabb");
  frame_decoder decoder;
  for (std::size_t i = 0; i + 1 < frame.size(); ++i) {
    const auto step = decoder.decode(bytes_view(frame).subspan(i, 1));
    EXPECT_EQ(step.status, decode_status::need_more) << "octet " << i;
    EXPECT_EQ(step.consumed, 1u);
  }
  EXPECT_EQ(decoder.buffered(), 5u);
  const auto last = decoder.decode(bytes_view(frame).subspan(5));
  ASSERT_EQ(last.status, decode_status::complete);
  EXPECT_EQ(last.frame.type, 7);
  EXPECT_EQ(testing::to_hex(last.frame.body), "aabb");
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameDecoder, CompleteFrameInInputIsNotCopied) {
  const bytes frame = from_hex("0002 0007 aabb");
  frame_decoder decoder;
  const auto step = decoder.decode(frame);
  ASSERT_EQ(step.status, decode_status::complete);
  EXPECT_EQ(step.frame.body.data(), frame.data() + 4);
}

TEST(FrameDecoder, EmptyInputNeedsMore) {
  frame_decoder decoder;
  const auto step = decoder.decode({});
  EXPECT_EQ(step.status, decode_status::need_more);
  EXPECT_EQ(step.consumed, 0u);
}

TEST(FrameDecoder, LargestBodyDecodes) {
  const bytes frame = testing::framed(7, bytes(max_body_size, 0x5a));
  for (std::size_t chunk : {std::size_t{1000}, frame.size()}) {
    const auto frames = frames_of(frame, chunk);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].size(), 2 + 2 * max_body_size);
  }
}

TEST(FrameDecoder, OversizedFrameIsReportedThenSkipped) {
  // A limit of 4: the 5-octet AUTHENTICATE is refused, the stream stays in sync.
  const bytes input = from_hex("0005 0007 0102030405  0000 0008  0004 0007 01020304");
  const std::vector<std::string> expected = {"malformed:9:7", "8:", "7:01020304"};
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    EXPECT_EQ(frames_of(input, chunk, 4), expected) << "chunk " << chunk;
  }
}

TEST(FrameDecoder, LimitIsClampedAndBoundsTheBuffer) {
  EXPECT_EQ(frame_decoder(1'000'000).body_limit(), max_body_size);
  frame_decoder decoder(10);
  const bytes big = from_hex("ffff 0007 00");
  const auto step = decoder.decode(big);
  EXPECT_EQ(step.status, decode_status::malformed);
  EXPECT_EQ(decoder.buffered(), 0u) << "an oversized body must not be buffered";
}

TEST(EncodeFrame, WritesHeaderAndBody) {
  const bytes body = from_hex("4b0a");
  bytes out(6, 0xee);
  const auto written = encode_frame(3, body, out);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(*written, 6u);
  EXPECT_EQ(testing::to_hex(out), "000200034b0a");
}

TEST(EncodeFrame, RefusesBodyOver65535) {
  const bytes body(max_body_size + 1, 0);
  bytes out(max_frame_size + 1);
  const auto written = encode_frame(7, body, out);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().kind, encode_errc::body_too_large);
}

TEST(EncodeFrame, RefusesSmallBufferAndWritesNothing) {
  const bytes body = from_hex("01");
  bytes out(4, 0xee);
  const auto written = encode_frame(9, body, out);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().kind, encode_errc::buffer_too_small);
  EXPECT_EQ(testing::to_hex(out), "eeeeeeee");
}

}  // namespace
}  // namespace torctl::tc
