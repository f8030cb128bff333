// tcdump: prints the TC messages in a captured byte stream, one line each.
//
//   tcdump --from client capture.bin
//   printf '0000000800' | xxd -r -p | tcdump --from client
//   tcdump --hex --from server <<< '0000 0001'
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "torctl/tc/message.hpp"
#include "torctl/tc/message_text.hpp"

namespace {

using torctl::tc::decode_status;

std::vector<std::uint8_t> read_all(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Hex digits, ignoring whitespace and '#' comments to the end of a line; false on
// anything else.
bool unhex(const std::vector<std::uint8_t>& text, std::vector<std::uint8_t>& out) {
  int high = -1;
  bool comment = false;
  for (std::uint8_t c : text) {
    if (c == '#') comment = true;
    if (c == '\n') comment = false;
    if (comment || std::isspace(c) != 0) continue;
    if (std::isxdigit(c) == 0) return false;
    const int v = std::isdigit(c) != 0 ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  return high < 0;
}

// Prints every message; returns the number of malformed ones.
int dump(torctl::tc::bytes_view input, torctl::tc::sender from, std::size_t limit) {
  torctl::tc::message_reader reader(from, limit);
  int malformed = 0;
  std::size_t offset = 0;
  while (offset < input.size()) {
    auto step = reader.read(input.subspan(offset));
    offset += step.consumed;
    // Where the frame began: a step may first skip the rest of an oversized frame.
    const std::size_t at = step.status == decode_status::malformed && step.body_size == 0
                               ? offset - step.consumed
                               : offset - torctl::tc::frame_header_size - step.body_size;
    if (step.status == decode_status::complete) {
      std::printf("%6zu  %s\n", at, torctl::tc::to_string(step.message).c_str());
    } else if (step.status == decode_status::malformed) {
      ++malformed;
      std::printf("%6zu  malformed: would answer ERROR 0x%04x (%s): %s\n", at,
                  static_cast<unsigned>(step.error.code),
                  std::string(describe(step.error.code)).c_str(),
                  std::string(step.error.reason).c_str());
    }
  }
  if (reader.buffered() > 0) {
    ++malformed;
    std::printf("%6zu  incomplete: the input ends %zu octets into a frame\n",
                offset - reader.buffered(), reader.buffered());
  }
  return malformed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Print the TC control-protocol messages in a captured byte stream."};
  std::string from = "client";
  std::string path;
  bool hex = false;
  std::size_t limit = torctl::tc::max_body_size;
  app.add_option("--from", from, "Which side sent the bytes: client or server")
      ->check(CLI::IsMember({"client", "server"}));
  app.add_flag("--hex", hex,
               "Input is hex text (whitespace and # comments ignored), not raw bytes");
  app.add_option("--limit", limit, "Largest body to accept, in octets (at most 65535)")
      ->check(CLI::Range(std::size_t{0}, torctl::tc::max_body_size));
  app.add_option("file", path, "Capture to read (default: standard input)");
  app.footer(
      "Examples:\n"
      "  tcdump --from client capture.bin\n"
      "  echo '0000 0008' | tcdump --hex          # a SAVECONF frame\n"
      "Exit status: 0 if every message decoded, 1 if any was malformed or cut short,\n"
      "2 on usage errors.");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::uint8_t> bytes;
  if (path.empty()) {
    bytes = read_all(std::cin);
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "tcdump: cannot open %s\n", path.c_str());
      return 2;
    }
    bytes = read_all(file);
  }
  if (hex) {
    std::vector<std::uint8_t> raw;
    if (!unhex(bytes, raw)) {
      std::fprintf(stderr, "tcdump: --hex input holds a non-hex character or an odd digit\n");
      return 2;
    }
    bytes = std::move(raw);
  }
  const auto side = from == "client" ? torctl::tc::sender::client : torctl::tc::sender::server;
  return dump(bytes, side, limit) == 0 ? 0 : 1;
}
