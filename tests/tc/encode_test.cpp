// Encoding whole messages: sizes, limits, and fields the wire cannot carry.
#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;

encode_error refusal(const message& m) {
  bytes out;
  auto written = encode_append(m, out);
  EXPECT_FALSE(written.has_value()) << to_string(m);
  EXPECT_TRUE(out.empty()) << "a refused message must leave the output untouched";
  return written ? encode_error{} : written.error();
}

TEST(Encode, ConfvalueOver65535OctetsIsBodyTooLargeAndAnswers0x0009) {
  // 8,192 lines of "Key 1234\n" (9 octets) = 73,728 octets.
  const std::vector<config_entry> lines(8192, config_entry{"Key", "1234"});
  const encode_error e = refusal(confvalue_message{lines});
  EXPECT_EQ(e.kind, encode_errc::body_too_large);
  EXPECT_EQ(answer_code(e), error_code::resource_exhausted);
  EXPECT_FALSE(encoded_size(confvalue_message{lines}).has_value());
}

TEST(Encode, ConfvalueOfExactly65535OctetsFits) {
  // 7,281 lines of 9 octets = 65,529, plus "Key12\n" = 65,535.
  std::vector<config_entry> lines(7281, config_entry{"Key", "1234"});
  lines.push_back({"Key12", std::nullopt});
  const bytes wire = testing::encode_or_fail(confvalue_message{lines});
  EXPECT_EQ(wire.size(), max_frame_size);
  EXPECT_EQ(testing::to_hex(bytes_view(wire).first(4)), "ffff0004");
}

TEST(Encode, LargeErrorTextAndCredentialAreRefused) {
  const std::string text(max_body_size - 1, 'x');  // + 2 code octets = 65,536
  EXPECT_EQ(refusal(error_message{error_code::internal, text}).kind, encode_errc::body_too_large);
  const bytes secret(max_body_size + 1, 1);
  EXPECT_EQ(refusal(authenticate_message{secret}).kind, encode_errc::body_too_large);
}

TEST(Encode, FieldsTheWireCannotCarry) {
  EXPECT_EQ(refusal(signal_message{signal_code{0x03}}).kind, encode_errc::invalid_field);
  EXPECT_EQ(refusal(event_message{unknown_event{1, {}}}).kind, encode_errc::invalid_field);
  const std::string_view with_nul("a\0b", 3);
  EXPECT_EQ(refusal(event_message{log_message_event{with_nul}}).kind, encode_errc::invalid_field);
  EXPECT_EQ(refusal(event_message{circuit_status_event{circuit_status::built, 1, with_nul}}).kind,
            encode_errc::invalid_field);
  EXPECT_EQ(refusal(event_message{stream_status_event{stream_status::closed, 1, with_nul}}).kind,
            encode_errc::invalid_field);
  EXPECT_EQ(refusal(event_message{orconn_status_event{orconn_status::closed, with_nul}}).kind,
            encode_errc::invalid_field);
  EXPECT_EQ(refusal(mapaddress_message{address::hostname(""), address::ipv4({1, 2, 3, 4})}).kind,
            encode_errc::invalid_field);
  EXPECT_EQ(
      refusal(addressmapped_message{address::ipv4({1, 2, 3, 4}), address::hostname("a b")}).kind,
      encode_errc::invalid_field);
  const std::vector<std::string_view> keys = {"SocksPort", "bad key"};
  EXPECT_EQ(refusal(getconf_message{keys}).kind, encode_errc::invalid_field);
  EXPECT_EQ(answer_code(refusal(getconf_message{keys})), error_code::internal);
}

TEST(Encode, SmallBufferIsRefusedAndNothingIsWritten) {
  const std::vector<std::string_view> keys = {"SocksPort"};
  const message m = getconf_message{keys};
  bytes out(13, 0xee);  // the frame needs 14
  const auto written = encode(m, out);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().kind, encode_errc::buffer_too_small);
  EXPECT_EQ(out, bytes(13, 0xee));
  out.resize(14);
  ASSERT_TRUE(encode(m, out).has_value());
  EXPECT_EQ(testing::to_hex(out), "000a0003536f636b73506f72740a");
}

TEST(Encode, EncodedSizeMatchesEncode) {
  testing::bytes out;
  const std::vector<event_code> codes = {event_code::bandwidth, event_code::log_message};
  for (const message& m : {message{done_message{}}, message{setevents_message{codes}},
                           message{event_message{bandwidth_event{1, 2}}},
                           message{error_message{error_code::syntax, "bad"}}}) {
    out.clear();
    const auto size = encoded_size(m);
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(*encode_append(m, out), *size);
    EXPECT_EQ(out.size(), *size);
  }
}

TEST(Encode, AppendKeepsWhatWasThere) {
  bytes out = {0xaa};
  ASSERT_TRUE(encode_append(saveconf_message{}, out).has_value());
  EXPECT_EQ(testing::to_hex(out), "aa00000008");
}

}  // namespace
}  // namespace torctl::tc
