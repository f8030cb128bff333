// Reading a password without it ever being on the command line: from the terminal with
// echo off when standard input is one, else as one line of standard input.
#pragma once

#include <optional>
#include <string>

#include "torctl/auth/secret.hpp"

namespace torctl::cli {

// Reads one password. On a terminal, `prompt` is written to it and echo is off while the
// user types; otherwise one line is read from standard input, its line end (LF or CRLF)
// removed. Fails (nullopt, `why` says what happened) at end of input before a line, or
// if the terminal cannot be read.
std::optional<auth::secret> read_password(const std::string& prompt, std::string& why);

// True if standard input is a terminal (then a second prompt can confirm a new password).
bool input_is_terminal() noexcept;

}  // namespace torctl::cli
