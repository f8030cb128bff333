// What a client's control port reported, event by event, parsed with the project's own
// codec (text::parse_event) and kept as owned copies, so the replies can go.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "torctl/text/event.hpp"
#include "torctl/text/reply.hpp"

namespace torctl::testnet {

struct circuit_history {
  std::vector<text::circuit_status> statuses;  // in the order reported
  std::string path;                            // the last non-empty path reported
};

struct stream_step {
  text::stream_status status;
  std::string circuit_id;
  std::optional<std::uint16_t> target_port;
};

struct orconn_step {
  text::orconn_status status;
  std::string target;  // "$FINGERPRINT~nick", "$FINGERPRINT" or address:port
};

class event_log {
 public:
  // Parses and records one event. An event the codec cannot parse is counted and its
  // first line kept, for the test to report.
  void add(const text::reply& event);

  const std::map<std::string, circuit_history>& circuits() const { return circuits_; }
  const std::map<std::string, std::vector<stream_step>>& streams() const { return streams_; }
  // By the connection's ID= (unique per connection, unlike the target).
  const std::map<std::string, std::vector<orconn_step>>& orconns() const { return orconns_; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t bytes_written() const { return bytes_written_; }
  int bandwidth_events() const { return bandwidth_events_; }
  int total() const { return total_; }
  const std::vector<std::string>& unparsed() const { return unparsed_; }
  // A one-line count of what was recorded, for failure messages.
  std::string summary() const;

 private:
  void record(const text::circuit_event& e);
  void record(const text::stream_event& e);
  void record(const text::orconn_event& e);
  void record(const text::bandwidth_event& e);
  template <class Other>
  void record(const Other&) {}

  std::map<std::string, circuit_history> circuits_;
  std::map<std::string, std::vector<stream_step>> streams_;
  std::map<std::string, std::vector<orconn_step>> orconns_;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t bytes_written_ = 0;
  int bandwidth_events_ = 0;
  int total_ = 0;
  std::vector<std::string> unparsed_;
};

// True if `wanted` occurs in `seen` in this order, other entries allowed in between.
template <class T>
bool in_order(const std::vector<T>& seen, const std::vector<T>& wanted) {
  std::size_t next = 0;
  for (const T& s : seen) {
    if (next < wanted.size() && s == wanted[next]) ++next;
  }
  return next == wanted.size();
}

}  // namespace torctl::testnet
