// Byte-exact vectors for every TC message (spec section 3). The hex is written by hand from
// the spec's layouts, not captured from the encoder: each vector must encode to exactly its
// bytes and decode to exactly its message, whole or split anywhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tc/test_support.hpp"
#include "tc/vectors_table.hpp"

namespace torctl::tc {
namespace {

using testing::bytes;
using testing::from_hex;
using testing::to_hex;

using testing::noncanonical_case;
using testing::noncanonical_vectors;
using testing::vector_case;
using testing::vectors;

// ---- Checks shared by the tests ----

// The frame in `wire`. Checks first that the hand-written length field matches the body.
std::optional<frame> frame_of(const bytes& wire) {
  if (wire.size() < frame_header_size) {
    ADD_FAILURE() << "vector is shorter than a frame header";
    return std::nullopt;
  }
  const std::size_t length = std::size_t{wire[0]} << 8 | std::size_t{wire[1]};
  if (length != wire.size() - frame_header_size) {
    ADD_FAILURE() << "vector's length field says " << length << " but its body has "
                  << wire.size() - frame_header_size << " octets";
    return std::nullopt;
  }
  const auto type = static_cast<std::uint16_t>(wire[2] << 8 | wire[3]);
  return frame{type, bytes_view(wire).subspan(frame_header_size)};
}

std::string show(const config_entry& e) {
  return quoted(e.key) + (e.value ? "=" + quoted(*e.value) : " (no value)");
}
std::string show(std::string_view key) {
  return quoted(key);
}
std::string show(event_code code) {
  return std::to_string(static_cast<unsigned>(code));
}

// Iterates a list, and checks that size() agrees with the iteration.
template <class Grammar>
std::vector<std::string> elements(const wire_list<Grammar>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(show(e));
  EXPECT_EQ(list.size(), out.size());
  EXPECT_EQ(list.empty(), out.empty());
  return out;
}

// The elements of a list message, one string each; empty for other messages.
std::vector<std::string> list_elements(const message& m) {
  if (const auto* s = std::get_if<setconf_message>(&m)) return elements(s->lines);
  if (const auto* g = std::get_if<getconf_message>(&m)) return elements(g->keys);
  if (const auto* c = std::get_if<confvalue_message>(&m)) return elements(c->lines);
  if (const auto* e = std::get_if<setevents_message>(&m)) return elements(e->codes);
  return {};
}

// Decodes `wire` with decode() and checks the result against `expected`, element by
// element for lists, while the bytes are still alive.
void expect_decodes_to(const bytes& wire, sender from, const message& expected) {
  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, from);
  ASSERT_TRUE(decoded.has_value()) << "decode failed: " << decoded.error().reason;
  EXPECT_EQ(f->type, static_cast<std::uint16_t>(decoded->index()));
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(list_elements(*decoded), list_elements(expected));
}

// Feeds `input` to one reader, cut at each offset of `cuts` (ascending), and compares each
// message, while it is still valid, with the next of `expected`.
void expect_stream(bytes_view input, sender from, const std::vector<std::size_t>& cuts,
                   const std::vector<const message*>& expected) {
  message_reader reader(from);
  std::size_t seen = 0;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (const std::size_t end : ends) {
    bytes_view piece = input.subspan(start, end - start);
    start = end;
    while (!piece.empty()) {
      const message_reader::step step = reader.read(piece);
      if (step.consumed == 0 || step.consumed > piece.size()) {
        ADD_FAILURE() << "read() consumed " << step.consumed << " of " << piece.size();
        return;
      }
      piece = piece.subspan(step.consumed);
      if (step.status == decode_status::need_more) {
        EXPECT_TRUE(piece.empty()) << "need_more left input unconsumed";
        continue;
      }
      if (step.status == decode_status::malformed) {
        ADD_FAILURE() << "message " << seen << " is malformed: " << step.error.reason;
      } else if (seen >= expected.size()) {
        ADD_FAILURE() << "unexpected extra message: " << to_string(step.message);
      } else {
        EXPECT_EQ(step.message, *expected[seen]) << "message " << seen;
        EXPECT_EQ(step.type, static_cast<std::uint16_t>(expected[seen]->index()));
        EXPECT_EQ(list_elements(step.message), list_elements(*expected[seen]));
      }
      ++seen;
    }
  }
  EXPECT_EQ(seen, expected.size());
  EXPECT_EQ(reader.buffered(), 0u);
}

std::vector<std::size_t> every_offset(std::size_t from, std::size_t to) {
  std::vector<std::size_t> out;
  for (std::size_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

// ---- The table itself ----

TEST(VectorsTable, IsWellFormedAndCoversTheSpec) {
  std::set<std::string> names;
  std::set<std::size_t> types;
  std::set<std::uint16_t> error_codes;
  std::set<int> signals;
  std::set<std::uint8_t> circuits, streams, orconns;
  std::set<std::size_t> event_kinds;
  for (const vector_case& v : vectors()) {
    SCOPED_TRACE(v.name);
    EXPECT_TRUE(names.insert(testing::gtest_name(v.name)).second) << "duplicate name";
    const bytes wire = from_hex(v.hex);
    const auto f = frame_of(wire);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->type, v.expected.index());
    EXPECT_EQ(sent_by(f->type), v.from);
    types.insert(v.expected.index());
    if (const auto* e = std::get_if<error_message>(&v.expected)) {
      error_codes.insert(static_cast<std::uint16_t>(e->code));
    } else if (const auto* s = std::get_if<signal_message>(&v.expected)) {
      signals.insert(static_cast<int>(s->signal));
    } else if (const auto* ev = std::get_if<event_message>(&v.expected)) {
      event_kinds.insert(ev->payload.index());
      if (const auto* c = std::get_if<circuit_status_event>(&ev->payload)) {
        circuits.insert(static_cast<std::uint8_t>(c->status));
      } else if (const auto* st = std::get_if<stream_status_event>(&ev->payload)) {
        streams.insert(static_cast<std::uint8_t>(st->status));
      } else if (const auto* o = std::get_if<orconn_status_event>(&ev->payload)) {
        orconns.insert(static_cast<std::uint8_t>(o->status));
      }
    }
  }
  EXPECT_EQ(types.size(), message_type_count);
  for (std::uint16_t code = 0; code <= 9; ++code) EXPECT_TRUE(error_codes.contains(code)) << code;
  EXPECT_TRUE(error_codes.contains(0x1234));
  EXPECT_EQ(signals, (std::set<int>{0x01, 0x02, 0x10, 0x12, 0x15}));
  EXPECT_EQ(circuits.size(), 5u);
  EXPECT_EQ(streams.size(), 5u);
  EXPECT_EQ(orconns.size(), 4u);
  EXPECT_EQ(event_kinds.size(), std::variant_size_v<event_payload>);
}

// ---- Each vector, both ways ----

class VectorsEach : public ::testing::TestWithParam<std::size_t> {
 protected:
  const vector_case& vector() const { return vectors()[GetParam()]; }
};

TEST_P(VectorsEach, EncodesToExactlyItsBytes) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);

  const auto size = encoded_size(v.expected);
  ASSERT_TRUE(size.has_value()) << size.error().reason;
  EXPECT_EQ(*size, wire.size());

  bytes appended = {0xee};  // encode_append keeps what was there
  const auto written = encode_append(v.expected, appended);
  ASSERT_TRUE(written.has_value()) << written.error().reason;
  EXPECT_EQ(*written, wire.size());
  EXPECT_EQ(to_hex(bytes_view(appended).subspan(1)), to_hex(wire));
  EXPECT_EQ(appended[0], 0xee);

  bytes exact(wire.size());
  const auto into_exact = encode(v.expected, exact);
  ASSERT_TRUE(into_exact.has_value()) << into_exact.error().reason;
  EXPECT_EQ(*into_exact, wire.size());
  EXPECT_EQ(to_hex(exact), to_hex(wire));

  bytes short_by_one(wire.size() - 1);
  const auto too_small = encode(v.expected, short_by_one);
  ASSERT_FALSE(too_small.has_value());
  EXPECT_EQ(too_small.error().kind, encode_errc::buffer_too_small);
}

TEST_P(VectorsEach, DecodesToExactlyItsMessage) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  expect_decodes_to(wire, v.from, v.expected);
}

TEST_P(VectorsEach, DecodesTheSameSplitAtEveryOffset) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const std::vector<const message*> expected = {&v.expected};
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_stream(wire, v.from, {cut}, expected);
  }
}

TEST_P(VectorsEach, DecodesTheSameOneOctetAtATime) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  expect_stream(wire, v.from, every_offset(1, wire.size()), {&v.expected});
}

TEST_P(VectorsEach, ReencodesItsDecodedForm) {
  const vector_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, v.from);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(to_hex(testing::encode_or_fail(*decoded)), to_hex(wire));
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsEach, ::testing::Range(std::size_t{0}, vectors().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return testing::gtest_name(vectors()[param.param].name);
                         });

// ---- All vectors from one side, back to back ----

// One side of a connection, as a test parameter.
struct side {
  sender from;
  std::string_view name;
};
void PrintTo(const side& s, std::ostream* os) {
  *os << s.name;
}

class VectorsStream : public ::testing::TestWithParam<side> {
 protected:
  void SetUp() override {
    for (const vector_case& v : vectors()) {
      if (v.from != GetParam().from) continue;
      const bytes wire = from_hex(v.hex);
      input_.insert(input_.end(), wire.begin(), wire.end());
      expected_.push_back(&v.expected);
    }
  }
  bytes input_;
  std::vector<const message*> expected_;
};

TEST_P(VectorsStream, AllInOneChunk) {
  ASSERT_GT(expected_.size(), 10u);
  expect_stream(input_, GetParam().from, {}, expected_);
}

TEST_P(VectorsStream, AllOneOctetAtATime) {
  expect_stream(input_, GetParam().from, every_offset(1, input_.size()), expected_);
}

TEST_P(VectorsStream, AllInChunksOfOddSizes) {
  for (const std::size_t chunk : {2u, 3u, 5u, 7u, 64u}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    std::vector<std::size_t> cuts;
    for (std::size_t at = chunk; at < input_.size(); at += chunk) cuts.push_back(at);
    expect_stream(input_, GetParam().from, cuts, expected_);
  }
}

TEST_P(VectorsStream, ReadAllAgreesWithTheMessages) {
  std::vector<std::string> expected;
  for (const message* m : expected_) expected.push_back(to_string(*m));
  EXPECT_EQ(testing::read_all(input_, GetParam().from, input_.size()), expected);
  EXPECT_EQ(testing::read_all(input_, GetParam().from, 1), expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsStream,
                         ::testing::Values(side{sender::client, "client"},
                                           side{sender::server, "server"}),
                         [](const ::testing::TestParamInfo<side>& param) {
                           return std::string(param.param.name);
                         });

// ---- Null addresses (3.11) ----

TEST(VectorsAddress, NullOriginalsDecodeAsNull) {
  std::set<std::pair<std::size_t, int>> nulls_seen;  // (message type, address type)
  for (const vector_case& v : vectors()) {
    const address* original = nullptr;
    const address* replacement = nullptr;
    if (const auto* m = std::get_if<mapaddress_message>(&v.expected)) {
      original = &m->original;
      replacement = &m->replacement;
    } else if (const auto* a = std::get_if<addressmapped_message>(&v.expected)) {
      original = &a->original;
      replacement = &a->replacement;
    } else {
      continue;
    }
    SCOPED_TRACE(v.name);
    const bytes wire = from_hex(v.hex);
    const auto f = frame_of(wire);
    ASSERT_TRUE(f.has_value());
    const auto decoded = decode(*f, v.from);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
    const address& decoded_original = std::holds_alternative<mapaddress_message>(*decoded)
                                          ? std::get<mapaddress_message>(*decoded).original
                                          : std::get<addressmapped_message>(*decoded).original;
    const bool named_null = v.name.find("null") != std::string_view::npos;
    EXPECT_EQ(decoded_original.is_null(), named_null);
    EXPECT_EQ(original->is_null(), named_null);
    EXPECT_FALSE(replacement->is_null());
    if (named_null) {
      EXPECT_EQ(decoded_original, address::null_of(decoded_original.type()));
      nulls_seen.insert({v.expected.index(), static_cast<int>(decoded_original.type())});
    }
  }
  EXPECT_EQ(nulls_seen.size(), 6u) << "each null address, in MAPADDRESS and ADDRESSMAPPED";
}

TEST(VectorsAddress, NullAddressesAreExactlyTheThree) {
  const address null_ipv4 = address::ipv4({0, 0, 0, 0});
  const address null_ipv6 = address::ipv6({});
  const address null_host = address::hostname(".");
  EXPECT_TRUE(null_ipv4.is_null());
  EXPECT_TRUE(null_ipv6.is_null());
  EXPECT_TRUE(null_host.is_null());
  EXPECT_TRUE(address{}.is_null());
  EXPECT_FALSE(address::ipv4({0, 0, 0, 1}).is_null());
  EXPECT_FALSE(address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).is_null());
  EXPECT_FALSE(address::hostname("..").is_null());
  EXPECT_FALSE(address::hostname("x.").is_null());
  EXPECT_EQ(null_ipv4.to_string(), "0.0.0.0");
  EXPECT_EQ(null_ipv6.to_string(), "::");
  EXPECT_EQ(null_host.to_string(), ".");
}

// ---- Vectors that decode but are not what the encoder writes ----

class VectorsNoncanonical : public ::testing::TestWithParam<std::size_t> {
 protected:
  const noncanonical_case& vector() const { return noncanonical_vectors()[GetParam()]; }
};

TEST_P(VectorsNoncanonical, DecodesAsItsCanonicalForm) {
  const noncanonical_case& v = vector();
  const bytes wire = from_hex(v.hex);
  const bytes canonical = from_hex(v.canonical_hex);
  expect_decodes_to(wire, v.from, v.expected);
  expect_decodes_to(canonical, v.from, v.expected);

  const auto f = frame_of(wire);
  ASSERT_TRUE(f.has_value());
  const auto decoded = decode(*f, v.from);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(to_hex(testing::encode_or_fail(*decoded)), to_hex(canonical));
  EXPECT_EQ(to_hex(testing::encode_or_fail(v.expected)), to_hex(canonical));
}

TEST_P(VectorsNoncanonical, DecodesTheSameSplitAnywhere) {
  const noncanonical_case& v = vector();
  const bytes wire = from_hex(v.hex);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_stream(wire, v.from, {cut}, {&v.expected});
  }
  expect_stream(wire, v.from, every_offset(1, wire.size()), {&v.expected});
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorsNoncanonical,
                         ::testing::Range(std::size_t{0}, noncanonical_vectors().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return testing::gtest_name(noncanonical_vectors()[param.param].name);
                         });

TEST(VectorsSignal, BothSpellingsMapToTheSameSignal) {
  EXPECT_EQ(signal_from_octet(0x0a), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x0c), signal_code::debug);
  EXPECT_EQ(signal_from_octet(0x0f), signal_code::halt);
  EXPECT_EQ(signal_from_octet(0x10), signal_code::dump);
  EXPECT_EQ(signal_from_octet(0x12), signal_code::debug);
  EXPECT_EQ(signal_from_octet(0x15), signal_code::halt);
}

}  // namespace
}  // namespace torctl::tc
