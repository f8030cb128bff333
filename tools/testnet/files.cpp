#include "files.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "error.hpp"

namespace torctl::testnet {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text_atomically(const fs::path& path, std::string_view text) {
  fs::path temporary = path;
  temporary += ".new." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw error("cannot write " + temporary.string());
  }
  std::error_code failed;
  fs::rename(temporary, path, failed);
  if (failed) {
    fs::remove(temporary, failed);
    throw error("cannot rename " + temporary.string() + " to " + path.string());
  }
}

std::string tail_lines(const fs::path& path, std::size_t lines) {
  const std::string text = read_text(path);
  std::size_t start = text.size();
  // Step back over `lines` line ends; a final '\n' ends the last line, it starts none.
  if (start > 0 && text[start - 1] == '\n') --start;
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == lines) break;
  }
  std::string tail = text.substr(start);
  if (!tail.empty() && tail.back() != '\n') tail += '\n';
  return tail;
}

}  // namespace torctl::testnet
