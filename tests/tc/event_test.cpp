// Event payloads: names, codes, unknown values kept.
#include "torctl/tc/event.hpp"

#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

using testing::from_hex;

TEST(Event, CodeOfEachPayload) {
  EXPECT_EQ(code_of(circuit_status_event{}), event_code::circuit_status);
  EXPECT_EQ(code_of(stream_status_event{}), event_code::stream_status);
  EXPECT_EQ(code_of(orconn_status_event{}), event_code::orconn_status);
  EXPECT_EQ(code_of(bandwidth_event{}), event_code::bandwidth);
  EXPECT_EQ(code_of(log_message_event{}), event_code::log_message);
  EXPECT_EQ(code_of(unknown_event{0x0042, {}}), event_code{0x0042});
}

TEST(Event, StatusNames) {
  EXPECT_EQ(name(circuit_status::extended), "extended");
  EXPECT_EQ(name(stream_status::sent_resolve), "sent resolve");
  EXPECT_EQ(name(orconn_status::connected), "connected");
  EXPECT_EQ(name(circuit_status{9}), "unknown");
  EXPECT_EQ(describe(event_code::orconn_status), "OR connection status");
  EXPECT_EQ(describe(event_code{77}), "unknown event");
}

TEST(Event, UnknownStatusOctetIsKeptNotRejected) {
  const auto payload = from_hex("07 00000001 00");
  const auto decoded = decode_event_payload(1, payload);
  ASSERT_TRUE(decoded.has_value());
  const auto& circuit = std::get<circuit_status_event>(*decoded);
  EXPECT_EQ(static_cast<int>(circuit.status), 7);
  EXPECT_FALSE(is_known(circuit.status));
  EXPECT_TRUE(circuit.path.empty());
}

TEST(Event, UnknownCodeKeepsItsPayloadRaw) {
  const auto payload = from_hex("00 01 02");
  const auto decoded = decode_event_payload(0x0006, payload);
  ASSERT_TRUE(decoded.has_value());
  const auto& raw = std::get<unknown_event>(*decoded);
  EXPECT_EQ(raw.code, 6);
  EXPECT_EQ(testing::to_hex(raw.payload), "000102");
}

TEST(Event, KnownCodesAreOneToFive) {
  EXPECT_FALSE(is_known(event_code{0}));
  for (std::uint16_t c = 1; c <= 5; ++c) EXPECT_TRUE(is_known(event_code{c}));
  EXPECT_FALSE(is_known(event_code{6}));
}

TEST(Event, BandwidthKeepsFullRange) {
  const auto payload = from_hex("ffffffff 00000000");
  const auto decoded = decode_event_payload(4, payload);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<bandwidth_event>(*decoded), (bandwidth_event{0xFFFFFFFFu, 0}));
}

TEST(Signal, BothSpellingsAndNames) {
  EXPECT_EQ(signal_from_octet(0x10), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x0A), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x0C), signal_code::debug);
  EXPECT_EQ(signal_from_octet(0x0F), signal_code::halt);
  EXPECT_EQ(signal_from_octet(0x00), std::nullopt);
  EXPECT_EQ(signal_from_octet(0x11), std::nullopt);
  EXPECT_EQ(signal_from_name("halt"), signal_code::halt);
  EXPECT_EQ(signal_from_name("HALT"), std::nullopt);
  EXPECT_EQ(name(signal_code::reload), "reload");
  EXPECT_FALSE(is_known(signal_code{0x0A}));
}

TEST(Names, ErrorCodesAndTypes) {
  EXPECT_EQ(describe(error_code::failed_authentication), "failed authentication attempt");
  EXPECT_EQ(describe(error_code{0x1234}), "unknown error code");
  EXPECT_FALSE(is_known(error_code{10}));
  EXPECT_EQ(name(message_type::getallmappings), "GETALLMAPPINGS");
  EXPECT_EQ(name(message_type{13}), "UNKNOWN");
  EXPECT_EQ(sent_by(0x0004), sender::server);
  EXPECT_EQ(sent_by(0x000A), sender::client);
  EXPECT_EQ(sent_by(0x000D), std::nullopt);
}

}  // namespace
}  // namespace torctl::tc
