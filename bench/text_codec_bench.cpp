// Throughput of the text-protocol codec on replies and events captured from a real tor
// (tests/fixtures/text/).
//
//   EventMix:    the CIRC, STREAM, ORCONN, BW and NOTICE events of events_network.txt,
//                repeated to about 1 MiB: read into replies in place (storage reused, no
//                allocation) and parsed into typed events. bench/stem_events.py times Stem
//                on the very same events; scripts/bench.sh runs both and prints the ratio.
//   EventMixOwned: the same, but each reply is handed over (read(), as a caller that
//                queues events does): two allocations per event more.
//   ReadReplies: every captured fixture (command replies, data blocks, events) repeated to
//                about 1 MiB, read into replies only.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "torctl/text/event.hpp"
#include "torctl/text/reply.hpp"

namespace text = torctl::text;

namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(TORCTL_FIXTURES) + "/text/" + name + ".txt", std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "text_codec_bench: missing fixture %s\n", name.c_str());
    std::abort();
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The lines of the event mix, each with its CRLF; the same filter as stem_events.py.
std::string event_mix() {
  const std::string all = read_fixture("events_network");
  std::string mix;
  std::string_view rest = all;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end + 1);
    rest.remove_prefix(line.size());
    for (const std::string_view kind : {"CIRC ", "STREAM ", "ORCONN ", "BW ", "NOTICE "}) {
      if (line.substr(4, kind.size()) == kind && line[3] == ' ') mix.append(line);
    }
  }
  return mix;
}

std::string repeat_to(const std::string& unit, std::size_t size) {
  std::string out;
  while (out.size() < size) out += unit;
  return out;
}

// Reads and parses the event mix; `in_place` picks read_in_place() over read().
void event_mix_loop(benchmark::State& state, bool in_place) {
  const std::string transcript = repeat_to(event_mix(), std::size_t{1} << 20);
  std::int64_t events = 0;
  for (auto _ : state) {
    text::reply_reader reader;
    std::string_view rest = transcript;
    while (!rest.empty()) {
      text::read_step step = in_place ? reader.read_in_place(rest) : reader.read(rest);
      rest.remove_prefix(step.consumed);
      if (step.status != text::read_status::complete) break;
      auto parsed = text::parse_event(in_place ? reader.last() : step.reply);
      if (!parsed) std::abort();
      benchmark::DoNotOptimize(parsed->body);
      ++events;
    }
  }
  state.SetItemsProcessed(events);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(transcript.size()));
}

void EventMix(benchmark::State& state) {
  event_mix_loop(state, true);
}
BENCHMARK(EventMix)->Unit(benchmark::kMillisecond);

void EventMixOwned(benchmark::State& state) {
  event_mix_loop(state, false);
}
BENCHMARK(EventMixOwned)->Unit(benchmark::kMillisecond);

void ReadReplies(benchmark::State& state) {
  std::string unit;
  for (const char* name :
       {"protocolinfo", "getinfo_several", "getinfo_data", "getconf", "getconf_multi", "errors",
        "mapaddress", "address_mappings", "events", "events_network"}) {
    unit += read_fixture(name);
  }
  const std::string transcript = repeat_to(unit, std::size_t{1} << 20);
  std::int64_t replies = 0;
  for (auto _ : state) {
    text::reply_reader reader;
    std::string_view rest = transcript;
    while (!rest.empty()) {
      text::read_step step = reader.read(rest);
      rest.remove_prefix(step.consumed);
      if (step.status != text::read_status::complete) break;
      benchmark::DoNotOptimize(step.reply);
      ++replies;
    }
  }
  state.SetItemsProcessed(replies);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(transcript.size()));
}
BENCHMARK(ReadReplies)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
