// Output for people: aligned tables, human units, untrusted text made printable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace torctl::cli {

// Rows of cells printed in columns two spaces apart, each column as wide as its widest
// cell (counted in characters, UTF-8 aware); the last column is not padded. The header,
// if given, is the first row.
class table {
 public:
  explicit table(std::vector<std::string> header = {});
  void add(std::vector<std::string> row);
  bool empty() const noexcept { return rows_.size() == (has_header_ ? 1u : 0u); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
  bool has_header_ = false;
};

// Text from a server made safe for a terminal: control characters (and DEL) become \xHH
// escapes, a backslash stays a backslash; everything else, UTF-8 included, is kept.
std::string printable(std::string_view text);

// An octet count in binary units: "512 B", "1.2 KiB", "3.4 MiB", "1.0 GiB".
std::string human_bytes(std::uint64_t octets);

// A duration as written on the command line: a number and a unit ("500ms", "30s", "2m",
// "1h"; a bare number is seconds, "1.5s" is allowed). Nullopt for anything else, or a
// negative or absurdly long one.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "HH:MM:SS" in local time, for event lines; "YYYY-MM-DDTHH:MM:SS.mmmZ" for JSON.
std::string local_clock_time(std::chrono::system_clock::time_point t);
std::string utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace torctl::cli
