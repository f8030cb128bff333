// The torctl program under test, run as a child process the way a user runs it: with
// arguments, standard input, and an environment of its own (the test process's, without
// any TOR_CONTROL_* or TORCTL_* variable, plus those the test gives). Every child is
// killed by its PID if it outlives its bound or the test that started it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace torctl::testing {

struct torctl_result {
  int status = -1;  // the exit status; 128 + N if killed by signal N
  std::string out;  // standard output
  std::string err;  // standard error
  // For failure messages: the status and both outputs.
  std::string describe() const;
};

struct torctl_options {
  std::string input;                     // written to standard input, which is then closed
  std::vector<std::string> environment;  // NAME=VALUE, added to the cleaned environment
};

// A running torctl. Output is read as it comes, so that a test can follow an event
// stream line by line.
class torctl_child {
 public:
  torctl_child(const std::vector<std::string>& arguments, const torctl_options& o = {});
  ~torctl_child();  // kills the child (SIGKILL, by PID) if it still runs, and reaps it
  torctl_child(const torctl_child&) = delete;
  torctl_child& operator=(const torctl_child&) = delete;

  // The next line of standard output (without its LF), waiting until `deadline`; nullopt
  // if none is complete by then or the output has ended.
  std::optional<std::string> next_line(std::chrono::steady_clock::time_point deadline);
  // Sends `signal` to the child.
  void send(int signal);
  // Waits up to `bound` for the exit, reading the rest of the output; a child still
  // running then is killed, and the result says so (status 128 + 9).
  torctl_result finish(std::chrono::milliseconds bound);

 private:
  // Reads what is available into out_/err_, waiting at most until `deadline`.
  void pump(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_, err_;
  std::size_t out_taken_ = 0;  // octets of out_ already returned by next_line
  std::optional<int> status_;
};

// Runs torctl to its end (at most `bound`).
torctl_result run_torctl(const std::vector<std::string>& arguments, const torctl_options& o = {},
                         std::chrono::milliseconds bound = std::chrono::seconds(60));

// The torctl program under test ($TORCTL_TORCTL, else the one built with the tests).
std::string torctl_program();

// For checking output.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
// The lines of `text`, without their LF.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace torctl::testing
