// torctld's events end to end, over a real offline Tor it launched: severities checked
// against Tor's own control port; Tor's subscription following the union; masks kept
// apart; nothing after an empty SETEVENTS; events never inside a reply; writes shared
// with helper threads; a SETEVENTS during a waiting write; slow readers cut off near 16 MB
// while another gets every event and torctld's memory stays bounded. Tor's log events are
// made on demand: SIGNAL RELOAD logs notices, and SETCONF of an invalid Nickname logs a
// warning quoting the value (cut near 10 KB), so tests number warnings by the megabyte.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/tc_events.hpp"
#include "daemon/tc_socket.hpp"
#include "daemon/torctld_process.hpp"
#include "torctl/client/blocking.hpp"
#include "torctl/tc/message.hpp"

namespace torctl {
namespace {

using namespace std::chrono_literals;
using testing::describe_tc_event;
using testing::tc_socket;
using testing::torctld_process;
using code = tc::event_code;

constexpr int event_type = 0x0006;
constexpr int done_type = 0x0001;

// Sends SETEVENTS and reads to its DONE (or ERROR). Events before it are kept in
// `early`, described.
std::pair<int, std::string> set_events(tc_socket& s, const std::vector<code>& codes,
                                       std::vector<std::string>* early = nullptr) {
  s.send(tc::setevents_message{tc::event_codes(codes)});
  for (;;) {
    auto f = s.read();
    if (f.first != event_type) return f;
    if (early != nullptr) early->push_back(describe_tc_event(f.second));
  }
}

// A Nickname Tor refuses, with a warning that quotes it: `tag`, then padding.
std::string bad_nickname(const std::string& tag, std::size_t padding = 0) {
  return "SETCONF Nickname=" + tag + std::string(padding, 'p');
}

class TorctldEvents : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start() {
    std::string error;
    d_ = torctld_process::start({}, error);
    ASSERT_NE(d_, nullptr) << error;
  }
  // For a test of torctld's memory: under AddressSanitizer, freed memory waits in a
  // quarantine (256 MB by default) before reuse, which would count as torctld's own.
  // Builds without the sanitizer ignore the variable.
  void restart_without_quarantine() {
    d_.reset();
    const char* old = std::getenv("ASAN_OPTIONS");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("ASAN_OPTIONS", (saved + (saved.empty() ? "" : ":") + "quarantine_size_mb=0").c_str(),
             1);
    start();
    if (old != nullptr) {
      ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
    } else {
      ::unsetenv("ASAN_OPTIONS");
    }
  }

  // A controller of torctld, authenticated.
  std::unique_ptr<tc_socket> controller() {
    auto s = std::make_unique<tc_socket>(d_->port());
    EXPECT_TRUE(s->connected());
    s->authenticate();
    return s;
  }

  // The Tor behind torctld, straight: its control port is in DIR/control-port.
  client::blocking_connection direct() {
    std::ifstream in(d_->directory() + "/data/control-port");
    std::string line;
    std::getline(in, line);
    const std::size_t colon = line.rfind(':');
    EXPECT_NE(colon, std::string::npos) << "no control-port file: " << line;
    client::connect_options o;
    o.protocol = client::protocol::text;
    o.endpoints = {client::endpoint::tcp(
        "127.0.0.1", static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1))))};
    auto c = client::blocking_connection::open(std::move(o));
    if (!c) {
      ADD_FAILURE() << "cannot reach torctld's Tor: " << c.error().message;
      std::abort();
    }
    return std::move(*c);
  }

  // Sends a command to Tor through a direct connection, ignoring its refusal.
  static void tor_command(client::blocking_connection& c, const std::string& line) {
    ASSERT_TRUE(c.raw(line).has_value()) << line;
  }

  // Makes Tor warn `count` times, numbered from w000000 (see number_of), each message
  // `padding` octets longer, then once with "the!end".
  static void numbered_warnings(client::blocking_connection& tor, int count, std::size_t padding) {
    char tag[16];
    for (int i = 0; i < count; ++i) {
      std::snprintf(tag, sizeof tag, "w%06d", i);
      tor_command(tor, bad_nickname(tag, padding));
    }
    tor_command(tor, bad_nickname("the!end"));
  }

  std::unique_ptr<torctld_process> d_;
};

// Reads `s`'s events, described, until one contains `marker` (that one included).
std::vector<std::string> events_until(tc_socket& s, const std::string& marker) {
  std::vector<std::string> seen;
  for (;;) {
    const auto f = s.read();
    if (f.first == -1) {
      ADD_FAILURE() << "connection ended before " << marker;
      return seen;
    }
    if (f.first != event_type) continue;
    seen.push_back(describe_tc_event(f.second));
    if (seen.back().find(marker) != std::string::npos) return seen;
  }
}

// The direct connection's events as TC should carry them, from the event containing
// `from` to the one containing `to`; every severity seen is counted in `levels`.
std::vector<std::string> direct_between(client::blocking_connection& c, const std::string& from,
                                        const std::string& to, std::map<std::string, int>& levels) {
  std::vector<std::string> seen;
  bool inside = false;
  for (;;) {
    auto e = c.next_event(20s);
    if (!e) {
      ADD_FAILURE() << "Tor's own control port stopped before " << to << ": " << e.error().message;
      return seen;
    }
    const text::event* te = e->text();
    if (te == nullptr) continue;
    const std::string line(te->line);
    inside = inside || line.find(from) != std::string::npos;
    if (!inside) continue;
    ++levels[std::string(te->keyword)];
    if (auto expected = testing::expected_tc_event(*te)) seen.push_back(*expected);
    if (line.find(to) != std::string::npos) return seen;
  }
}

TEST_F(TorctldEvents, LogEventsMatchTorsOwnControlPortAtNoticeWarnAndErr) {
  auto tor = direct();
  ASSERT_TRUE(tor.set_events({"DEBUG", "INFO", "NOTICE", "WARN", "ERR"}).has_value());
  auto c = controller();
  ASSERT_EQ(set_events(*c, {code::log_message}).first, done_type);

  tor_command(tor, bad_nickname("start!marker"));
  tor_command(tor, "SIGNAL RELOAD");  // notices
  tor_command(tor, bad_nickname("middle!warning"));
  tor_command(tor, "SIGNAL RELOAD");
  tor_command(tor, bad_nickname("end!marker"));

  std::vector<std::string> through = events_until(*c, "end!marker");
  const auto start = std::find_if(through.begin(), through.end(), [](const std::string& e) {
    return e.find("start!marker") != std::string::npos;
  });
  ASSERT_NE(start, through.end());
  through.erase(through.begin(), start);

  std::map<std::string, int> levels;
  const std::vector<std::string> expected =
      direct_between(tor, "start!marker", "end!marker", levels);
  EXPECT_EQ(through, expected);
  EXPECT_GE(levels["NOTICE"], 2) << "RELOAD logged no notice";
  EXPECT_GE(levels["WARN"], 3);
  EXPECT_GE(levels["INFO"] + levels["DEBUG"], 1)
      << "nothing below notice was logged, so their absence at the TC side shows nothing";
}

TEST_F(TorctldEvents, MasksAreKeptApartAndTorGetsTheirUnion) {
  auto logs = controller();
  auto bandwidth = controller();
  auto both = controller();
  ASSERT_EQ(set_events(*logs, {code::log_message}).first, done_type);
  ASSERT_EQ(set_events(*bandwidth, {code::bandwidth}).first, done_type);
  ASSERT_EQ(set_events(*both, {code::bandwidth, code::log_message}).first, done_type);
  EXPECT_NE(d_->output().find("asking Tor for events: BW NOTICE WARN ERR"), std::string::npos)
      << d_->output();

  auto tor = direct();
  tor_command(tor, "SIGNAL RELOAD");
  std::this_thread::sleep_for(3500ms);  // at least two of Tor's once-a-second BW events
  tor_command(tor, bad_nickname("the!end"));

  const auto kinds = [](const std::vector<std::string>& events) {
    std::map<std::string, int> n;
    for (const std::string& e : events) ++n[e.substr(0, e.find(' '))];
    return n;
  };
  const auto from_logs = events_until(*logs, "the!end");
  const auto from_both = events_until(*both, "the!end");
  EXPECT_EQ(kinds(from_logs).size(), 1U) << "a log-only controller got other kinds";
  EXPECT_GE(kinds(from_logs)["LOG"], 2);
  EXPECT_GE(kinds(from_both)["BW"], 2);
  std::vector<std::string> logs_of_both;
  for (const std::string& e : from_both) {
    if (e.rfind("LOG ", 0) == 0) logs_of_both.push_back(e);
  }
  // The log-only controller subscribed first, so it may hold more at the start.
  ASSERT_LE(logs_of_both.size(), from_logs.size());
  EXPECT_TRUE(std::equal(logs_of_both.rbegin(), logs_of_both.rend(), from_logs.rbegin()));

  // The bandwidth-only controller: BW events and nothing else, until it unsubscribes.
  int bw = 0;
  bandwidth->send(tc::setevents_message{});
  for (;;) {
    const auto f = bandwidth->read();
    ASSERT_NE(f.first, -1);
    if (f.first == done_type) break;
    ASSERT_EQ(f.first, event_type);
    EXPECT_EQ(describe_tc_event(f.second).rfind("BW ", 0), 0U) << describe_tc_event(f.second);
    ++bw;
  }
  EXPECT_GE(bw, 2);
  // Everyone unsubscribes or leaves: Tor is asked for nothing.
  ASSERT_EQ(set_events(*logs, {}).first, done_type);
  both.reset();
  for (int i = 0;
       i < 100 && d_->output().find("asking Tor for events: (none)") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(d_->output().find("asking Tor for events: (none)"), std::string::npos) << d_->output();
}

TEST_F(TorctldEvents, NothingAfterAnEmptySetevents) {
  auto c = controller();
  ASSERT_EQ(set_events(*c, {code::bandwidth, code::log_message}).first, done_type);
  auto f = c->read();  // a BW event comes every second
  ASSERT_EQ(f.first, event_type);
  ASSERT_EQ(set_events(*c, {}).first, done_type);
  auto tor = direct();
  tor_command(tor, "SIGNAL RELOAD");
  tor_command(tor, bad_nickname("unheard"));
  c->set_read_bound(2500ms);  // two BW periods
  f = c->read();
  EXPECT_EQ(f.first, -1) << "a frame after an empty SETEVENTS: " << describe_tc_event(f.second);
}

TEST_F(TorctldEvents, AnUnknownCodeLeavesThePreviousListInForce) {
  auto c = controller();
  ASSERT_EQ(set_events(*c, {code::log_message}).first, done_type);
  c->send_raw(0x0005, std::string("\x00\x04\x00\x09", 4));  // BW and an unknown code
  const auto refused = c->read();
  EXPECT_EQ(testing::error_code_of(refused), 0x0006);
  auto tor = direct();
  tor_command(tor, bad_nickname("still!here"));
  std::this_thread::sleep_for(1500ms);  // a BW event would have come by now
  tor_command(tor, bad_nickname("last!one"));
  for (const std::string& e : events_until(*c, "last!one")) {
    EXPECT_EQ(e.rfind("LOG ", 0), 0U) << "the refused list took effect: " << e;
  }
}

// Replies of several frames (GETALLMAPPINGS) pipelined while another controller of
// Tor makes warnings: every reply's frames arrive together, events only between replies.
TEST_F(TorctldEvents, EventsNeverComeInsideAReply) {
  auto tor = direct();
  for (int i = 0; i < 20; ++i) {
    tor_command(tor, "MAPADDRESS 10.0.0." + std::to_string(i + 1) + "=host" + std::to_string(i) +
                         ".example");
  }
  auto c = controller();
  ASSERT_EQ(set_events(*c, {code::log_message}).first, done_type);
  constexpr int batches = 100, batch = 10;
  std::atomic<bool> stop{false};
  std::thread warnings([&] {
    for (int i = 0; !stop; ++i) tor_command(tor, bad_nickname("during!" + std::to_string(i)));
  });
  struct joiner {  // also when an assertion returns early
    std::atomic<bool>& stop;
    std::thread& t;
    ~joiner() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join_at_end{stop, warnings};
  int replies = 0, events = 0;
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < batch; ++i) c->send(tc::getallmappings_message{});
    bool inside = false;
    for (int done = 0; done < batch;) {
      const auto f = c->read();
      ASSERT_NE(f.first, -1);
      if (f.first == 0x000B) {
        inside = true;
      } else if (f.first == done_type) {
        ASSERT_TRUE(inside) << "a GETALLMAPPINGS reply without its mappings";
        inside = false;
        ++done;
        ++replies;
      } else if (f.first == event_type) {
        ASSERT_FALSE(inside) << "an event inside a GETALLMAPPINGS reply";
        ++events;
      } else {
        FAIL() << "unexpected frame type " << f.first;
      }
    }
  }
  EXPECT_EQ(replies, batches * batch);
  EXPECT_GT(events, 0) << "no event came while replies did: the test showed nothing";
}

long peak_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The number a warning was made with ("Nickname 'w000123ppp..."), or -1.
int number_of(const std::string& described) {
  const std::size_t at = described.find("'w");
  return at == std::string::npos ? -1 : std::stoi(described.substr(at + 2, 6));
}

// Enough controllers that torctld shares the writes of each flush with helper threads
// (send_pool.hpp: 16 or more): each still gets every event once, in Tor's order, and
// torctld says its helpers took part.
TEST_F(TorctldEvents, ManyControllersGetEveryEventWhenHelpersShareTheWrites) {
  constexpr int controllers = 40;
  constexpr int warnings = 300;
  d_.reset();
  std::string error;
  torctld_process::options o;
  o.extra_arguments = {"--send-threads", "2"};
  d_ = torctld_process::start(o, error);
  ASSERT_NE(d_, nullptr) << error;
  std::vector<std::unique_ptr<tc_socket>> all;
  for (int i = 0; i < controllers; ++i) {
    all.push_back(controller());
    ASSERT_EQ(set_events(*all.back(), {code::log_message}).first, done_type);
  }
  auto tor = direct();
  numbered_warnings(tor, warnings, 2000);
  // About 700 KB for each: torctld holds what the kernel has not taken (16 MB allowed).
  for (int c = 0; c < controllers; ++c) {
    int expect = 0;
    for (const std::string& e : events_until(*all[static_cast<std::size_t>(c)], "the!end")) {
      const int n = number_of(e);
      if (n < 0) continue;
      ASSERT_EQ(n, expect) << "controller " << c;
      ++expect;
    }
    EXPECT_EQ(expect, warnings) << "controller " << c;
  }
  all.clear();
  ASSERT_EQ(d_->stop(SIGTERM, 10000), 0) << d_->output();
  const std::string log = d_->output();
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(log, m, std::regex(R"((\d+) event writes, (\d+) of them by helper)")))
      << log;
  EXPECT_GT(std::stoull(m[1].str()), 0ULL);
  EXPECT_GT(std::stoull(m[2].str()), 0ULL) << "no write was shared with a helper";
}

// A controller reads more slowly than events come (3 of each 10 warnings, so
// its socket stays full and each of torctld's writes, gathering what waited, spans
// several chunks of the shared log and waits for room), then changes its codes while
// such a write waits. The write must still deliver what it held, intact (its chunks
// outlive the cursor the SETEVENTS replaced; under AddressSanitizer a freed chunk is
// caught at the send), then the DONE.
TEST_F(TorctldEvents, ASeteventsWhileAWriteWaitsForRoomLeavesThatWriteWhole) {
  auto c = controller();
  ASSERT_EQ(set_events(*c, {code::log_message}).first, done_type);
  auto tor = direct();
  int expect = 0;
  // The next frame of `c` must be the warning numbered `expect` (Tor's own notices
  // aside); false at the DONE.
  const auto next_warning = [&]() -> bool {
    for (;;) {
      const auto f = c->read();
      EXPECT_NE(f.first, -1) << "torctld closed the connection after " << expect << " events";
      if (f.first == -1 || f.first == done_type) return false;
      EXPECT_EQ(f.first, event_type);
      const int n = number_of(describe_tc_event(f.second));
      if (n < 0) continue;
      EXPECT_EQ(n, expect) << "a gap or a broken frame in what was sent";
      ++expect;
      return n == expect - 1;
    }
  };
  char tag[16];
  // 2,000 warnings of 9 KB, 600 of them read on the way: about 12.6 MB left unread at the
  // end, more than the kernel's buffers hold and less than the 16 MB cut.
  for (int batch = 0; batch < 200; ++batch) {
    for (int i = 0; i < 10; ++i) {
      std::snprintf(tag, sizeof tag, "w%06d", batch * 10 + i);
      tor_command(tor, bad_nickname(tag, 9000));
    }
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(next_warning());
  }
  const std::vector<code> circuits{code::circuit_status};
  c->send(tc::setevents_message{tc::event_codes(circuits)});
  std::this_thread::sleep_for(1s);  // torctld takes it meanwhile (the test holds either way)
  while (next_warning()) {
  }
  EXPECT_GT(expect, 600);
  EXPECT_LT(expect, 2000) << "the SETEVENTS came after every event: nothing was in flight";
  auto after = controller();  // torctld is still there
  EXPECT_EQ(set_events(*after, {code::log_message}).first, done_type);
}

// TC spec 4.2 with twenty controllers that stop reading: each is cut off once a little
// more than 16 MB waits for it, after a prefix of the events without a gap; a controller
// that reads gets every event; torctld keeps each event once, whatever the number of
// slow readers, so its memory grows by far less than twenty times 16 MB. Twenty is more
// than 16: the writes go through the shared sends of send_pool.hpp, full sockets and all.
TEST_F(TorctldEvents, SlowReadersAreCutOffNear16MBWhileOthersGetEverything) {
  constexpr int slow_count = 20;
  constexpr int warnings = 4000;  // about 40 MB of events: past the bound and the kernel's
  restart_without_quarantine();
  ASSERT_NE(d_, nullptr);
  std::vector<std::unique_ptr<tc_socket>> slow;
  for (int i = 0; i < slow_count; ++i) {
    slow.push_back(controller());
    ASSERT_EQ(set_events(*slow.back(), {code::log_message}).first, done_type);
  }
  auto reader = controller();
  ASSERT_EQ(set_events(*reader, {code::log_message}).first, done_type);
  std::vector<std::string> read_all;
  std::thread reading([&] { read_all = events_until(*reader, "the!end"); });
  const long rss_before = peak_rss_kib(d_->pid());

  auto tor = direct();
  numbered_warnings(tor, warnings, 12000);
  reading.join();
  const long rss_after = peak_rss_kib(d_->pid());

  std::vector<int> numbers;
  for (const std::string& e : read_all) {
    if (const int n = number_of(e); n >= 0) numbers.push_back(n);
  }
  ASSERT_EQ(numbers.size(), static_cast<std::size_t>(warnings)) << "the reader missed events";
  for (int i = 0; i < warnings; ++i) ASSERT_EQ(numbers[static_cast<std::size_t>(i)], i);

  for (auto& s : slow) {
    // What the kernel had taken before the cut, then the end of the connection.
    int expect = 0;
    for (;;) {
      const auto f = s->read();
      if (f.first == -1) break;
      ASSERT_EQ(f.first, event_type);
      const int n = number_of(describe_tc_event(f.second));
      if (n < 0) continue;
      ASSERT_EQ(n, expect) << "a gap before the cut";
      ++expect;
    }
    EXPECT_LT(expect, warnings) << "a slow reader was not cut off";
    EXPECT_TRUE(s->closed_by_peer());
  }
  // torctld said how much was waiting for each: past 16 MiB by less than what it hands
  // on between two checks (max_unflushed_octets, 256 KiB, and one event).
  const std::string log = d_->output();
  const std::regex cut(R"(disconnected: (\d+) octets unread)");
  int cuts = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), cut); it != std::sregex_iterator();
       ++it) {
    const auto unread = std::stoull((*it)[1].str());
    EXPECT_GT(unread, 16ULL << 20);
    EXPECT_LT(unread, (16ULL << 20) + (512ULL << 10));
    ++cuts;
  }
  EXPECT_EQ(cuts, slow_count) << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
  RecordProperty("peak_growth_kib", std::to_string(rss_after - rss_before));
  EXPECT_GT(rss_before, 0);
  EXPECT_LT(rss_after - rss_before, 64L * 1024)
      << "torctld's peak memory grew by " << (rss_after - rss_before) << " KiB";
}

}  // namespace
}  // namespace torctl
