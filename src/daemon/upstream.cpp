#include "upstream.hpp"

#include <sstream>

namespace torctl::daemon {

upstream::~upstream() {
  stop();
}

client::connection& upstream::control() noexcept {
  return tor_ ? tor_->control() : *attached_;
}

void upstream::stop() {
  if (tor_) tor_->stop();
}

std::optional<int> upstream::exit_status() {
  if (!tor_ || !tor_->exited()) return std::nullopt;
  return tor_->exit_status();
}

std::string one_line_reason(const std::string& message) {
  const std::size_t newline = message.find('\n');
  if (newline == std::string::npos) return message;
  // "tor exited at start ...; its log ends:\n<log>": Tor's last [warn] or [err] line is
  // the reason; keep what follows "] ".
  std::istringstream log(message.substr(newline + 1));
  std::string line, reason;
  while (std::getline(log, line)) {
    if (line.find("[warn]") != std::string::npos || line.find("[err]") != std::string::npos) {
      const std::size_t at = line.find("] ");
      const std::string text = at == std::string::npos ? line : line.substr(at + 2);
      if (text.find("Reading config failed") == std::string::npos) reason = text;
    }
  }
  const std::string head = message.substr(0, newline);
  return reason.empty() ? head : "tor refused its configuration: " + reason;
}

asio::awaitable<result<std::unique_ptr<upstream>, std::string>> upstream::start(
    asio::any_io_executor ex, upstream_options options) {
  std::unique_ptr<upstream> up(new upstream());
  if (options.attach_to) {
    client::connect_options o;
    o.endpoints = {*options.attach_to};
    o.auth.password = std::move(options.tor_password);
    o.reconnect.enabled = true;
    o.events.policy = client::overflow_policy::pause_reading;
    auto c = co_await client::connection::open(ex, std::move(o));
    if (!c) co_return failure{c.error().message};
    up->attached_.emplace(std::move(*c));
    co_return std::move(up);
  }
  client::launch_options o;
  o.tor_program = options.tor_program;
  o.data_directory = options.data_directory;
  o.keep_torrc = true;
  o.wait_for_bootstrap = false;  // torctld serves its controllers while Tor bootstraps
  o.connection.events.policy = client::overflow_policy::pause_reading;
  auto tor = co_await client::launched_tor::launch(ex, std::move(o));
  if (!tor) co_return failure{one_line_reason(tor.error().message)};
  up->tor_.emplace(std::move(*tor));
  co_return std::move(up);
}

}  // namespace torctl::daemon
