// Throughput of the TC codec, beside memcpy of the same sizes measured in the same run.
//
//   small: a 40-octet SETCONF frame ("SocksPort 9050\nNickname\nORPort 9001\n"-like)
//   large: a CONFVALUE frame of about 60 KB, in two shapes: short lines (~64 octets, as
//          a long ExitPolicy would give) and long lines (~1 KB, as long node lists do)
//
// "Decode" is framing plus decoding the body into a typed message, which validates every
// line; the message is then ready to use. "DecodeWalk" also iterates every entry once,
// as a consumer would.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "torctl/tc/message.hpp"

namespace tc = torctl::tc;

namespace {

std::vector<std::uint8_t> encode(const tc::message& m) {
  std::vector<std::uint8_t> out;
  if (!tc::encode_append(m, out)) std::abort();
  return out;
}

struct confvalue_fixture {
  std::vector<std::string> values;
  std::vector<tc::config_entry> entries;
  std::vector<std::uint8_t> wire;

  explicit confvalue_fixture(std::size_t line_size) {
    const std::size_t target = 60 * 1000;
    std::size_t total = 0;
    while (total + line_size <= target) {
      std::string v = "accept 10." + std::to_string(values.size() % 256) + ".0.0/16:";
      while (v.size() + 11 < line_size) v += std::to_string(v.size() % 10);
      values.push_back(std::move(v));
      total += 10 + 1 + values.back().size() + 1;
    }
    for (const auto& v : values) entries.push_back({"ExitPolicy", v});
    wire = encode(tc::confvalue_message{entries});
  }
};

const std::vector<tc::config_entry> small_entries = {
    {"SocksPort", "9050"}, {"Nickname", std::nullopt}, {"ORPort", "9001"}};

std::vector<std::uint8_t> small_setconf() {
  return encode(tc::setconf_message{small_entries});
}

std::size_t walk(const tc::message& m) {
  std::size_t n = 0;
  if (const auto* s = std::get_if<tc::setconf_message>(&m)) {
    for (const auto& e : s->lines) n += e.key.size();
  } else if (const auto* c = std::get_if<tc::confvalue_message>(&m)) {
    for (const auto& e : c->lines) n += e.key.size();
  }
  return n;
}

void decode_frames(benchmark::State& state, const std::vector<std::uint8_t>& wire, tc::sender from,
                   bool walk_entries) {
  tc::message_reader reader(from);
  for (auto _ : state) {
    const auto step = reader.read(wire);
    if (step.status != tc::decode_status::complete) state.SkipWithError("decode failed");
    if (walk_entries) {
      benchmark::DoNotOptimize(walk(step.message));
    } else {
      benchmark::DoNotOptimize(step);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["frame_octets"] = static_cast<double>(wire.size());
}

void memcpy_of(benchmark::State& state, std::size_t size) {
  std::vector<std::uint8_t> from(size, 'x'), to(size);
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), size);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Memcpy_Small(benchmark::State& state) {
  memcpy_of(state, small_setconf().size());
}
void BM_Memcpy_Large(benchmark::State& state) {
  memcpy_of(state, confvalue_fixture(64).wire.size());
}

void BM_Decode_SmallSetconf(benchmark::State& state) {
  decode_frames(state, small_setconf(), tc::sender::client, false);
}

void BM_DecodeWalk_SmallSetconf(benchmark::State& state) {
  decode_frames(state, small_setconf(), tc::sender::client, true);
}

void BM_Decode_LargeConfvalue_ShortLines(benchmark::State& state) {
  confvalue_fixture f(64);
  decode_frames(state, f.wire, tc::sender::server, false);
}

void BM_DecodeWalk_LargeConfvalue_ShortLines(benchmark::State& state) {
  confvalue_fixture f(64);
  decode_frames(state, f.wire, tc::sender::server, true);
}

void BM_Decode_LargeConfvalue_LongLines(benchmark::State& state) {
  confvalue_fixture f(1024);
  decode_frames(state, f.wire, tc::sender::server, false);
}

void BM_DecodeWalk_LargeConfvalue_LongLines(benchmark::State& state) {
  confvalue_fixture f(1024);
  decode_frames(state, f.wire, tc::sender::server, true);
}

// A stream of 1,000 small frames in one buffer, as a busy controller would send them.
void BM_Decode_SmallSetconfStream(benchmark::State& state) {
  const auto one = small_setconf();
  std::vector<std::uint8_t> wire;
  for (int i = 0; i < 1000; ++i) wire.insert(wire.end(), one.begin(), one.end());
  tc::message_reader reader(tc::sender::client);
  for (auto _ : state) {
    tc::bytes_view rest(wire);
    while (!rest.empty()) {
      const auto step = reader.read(rest);
      rest = rest.subspan(step.consumed);
      benchmark::DoNotOptimize(step);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 1000));
}

void encode_frames(benchmark::State& state, const tc::message& m) {
  const auto size = tc::encoded_size(m);
  if (!size) std::abort();
  std::vector<std::uint8_t> out(*size);
  for (auto _ : state) {
    const auto written = tc::encode(m, out);
    benchmark::DoNotOptimize(written);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Encode_SmallSetconf(benchmark::State& state) {
  encode_frames(state, tc::setconf_message{small_entries});
}

void BM_Encode_LargeConfvalue_ShortLines(benchmark::State& state) {
  confvalue_fixture f(64);
  encode_frames(state, tc::confvalue_message{f.entries});
}

void BM_Encode_LargeConfvalue_LongLines(benchmark::State& state) {
  confvalue_fixture f(1024);
  encode_frames(state, tc::confvalue_message{f.entries});
}

}  // namespace

BENCHMARK(BM_Memcpy_Small);
BENCHMARK(BM_Memcpy_Large);
BENCHMARK(BM_Decode_SmallSetconf);
BENCHMARK(BM_DecodeWalk_SmallSetconf);
BENCHMARK(BM_Decode_SmallSetconfStream);
BENCHMARK(BM_Decode_LargeConfvalue_ShortLines);
BENCHMARK(BM_DecodeWalk_LargeConfvalue_ShortLines);
BENCHMARK(BM_Decode_LargeConfvalue_LongLines);
BENCHMARK(BM_DecodeWalk_LargeConfvalue_LongLines);
BENCHMARK(BM_Encode_SmallSetconf);
BENCHMARK(BM_Encode_LargeConfvalue_ShortLines);
BENCHMARK(BM_Encode_LargeConfvalue_LongLines);

BENCHMARK_MAIN();
