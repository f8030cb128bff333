// Small file helpers shared by the commands.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace torctl::testnet {

namespace fs = std::filesystem;

// The whole file, or an empty string if it cannot be read.
std::string read_text(const fs::path& path);

// Writes `text` to a new file beside `path`, then renames it over `path`, so a reader sees
// the old contents or the new, never a part. Throws error naming the path on failure.
void write_text_atomically(const fs::path& path, std::string_view text);

// The last `lines` lines of a file (all of it if shorter), each ended by '\n'; empty if
// the file cannot be read.
std::string tail_lines(const fs::path& path, std::size_t lines);

}  // namespace torctl::testnet
