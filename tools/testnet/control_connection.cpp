#include "control_connection.hpp"

#include <array>

#include "error.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/auth/secret.hpp"
#include "torctl/text/keyvalue.hpp"

namespace torctl::testnet {

namespace {

// Octets read from the socket at a time.
constexpr std::size_t receive_chunk = 16 * 1024;

std::string hex(std::span<const std::uint8_t> bytes) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

// Overwrites a string that held a secret before it goes away.
void wipe_string(std::string& s) {
  auth::wipe({reinterpret_cast<std::uint8_t*>(s.data()), s.size()});
  s.clear();
}

}  // namespace

control_connection::control_connection(std::uint16_t port, const std::filesystem::path& cookie_file)
    : socket_(port, clock::now() + connect_timeout) {
  authenticate(cookie_file);
}

void control_connection::authenticate(const std::filesystem::path& cookie_file) {
  const auto cookie = auth::read_cookie_file(cookie_file.string());
  if (!cookie) throw error("cannot authenticate: " + cookie.error().message);
  std::string cookie_hex = hex(cookie->view());
  auto written = text::command("AUTHENTICATE").word(cookie_hex).finish();
  wipe_string(cookie_hex);
  if (!written) throw error("cannot write AUTHENTICATE: " + std::string(written.error().reason));
  const clock::time_point deadline = clock::now() + reply_timeout;
  socket_.send_all(*written, deadline);
  wipe_string(*written);
  const text::reply answer = read_reply(deadline);
  if (!answer.ok()) {
    throw error("tor on port " + std::to_string(socket_.port()) +
                " refused the cookie: " + std::string(answer.message()));
  }
}

text::reply control_connection::command(const text::command& cmd) {
  const auto written = cmd.finish();
  if (!written) throw error("cannot write a command: " + std::string(written.error().reason));
  const clock::time_point deadline = clock::now() + reply_timeout;
  socket_.send_all(*written, deadline);
  for (;;) {
    text::reply r = read_reply(deadline);
    if (!r.is_event()) return r;
    events_.push_back(std::move(r));
  }
}

std::string control_connection::getinfo(std::string_view key) {
  const text::reply r = command(text::command("GETINFO").word(key));
  const auto entries = text::parse_key_values(r, text::value_form::raw);
  if (!entries) {
    throw error("GETINFO " + std::string(key) + " failed: " + std::string(r.message()));
  }
  for (const text::key_value& entry : *entries) {
    if (entry.key == key) return entry.value.value_or("");
  }
  throw error("GETINFO " + std::string(key) + ": the reply does not hold that key");
}

void control_connection::expect_ok(const text::command& cmd) {
  const text::reply r = command(cmd);
  if (!r.ok()) throw error("tor refused a command: " + std::string(r.message()));
}

std::optional<text::reply> control_connection::next_event(clock::time_point deadline) {
  if (!events_.empty()) {
    text::reply first = std::move(events_.front());
    events_.pop_front();
    return first;
  }
  std::optional<text::reply> r = try_read_reply(deadline);
  if (r && !r->is_event()) throw error("a reply arrived that answers no command");
  return r;
}

text::reply control_connection::read_reply(clock::time_point deadline) {
  std::optional<text::reply> r = try_read_reply(deadline);
  if (!r) {
    throw error("tor on port " + std::to_string(socket_.port()) + " did not answer in time");
  }
  return std::move(*r);
}

std::optional<text::reply> control_connection::try_read_reply(clock::time_point deadline) {
  std::array<std::uint8_t, receive_chunk> chunk{};
  for (;;) {
    text::read_step step = reader_.read(pending_);
    pending_.erase(0, step.consumed);
    if (step.status == text::read_status::complete) return std::move(step.reply);
    if (step.status == text::read_status::malformed) {
      throw error("tor on port " + std::to_string(socket_.port()) +
                  " sent a malformed reply: " + std::string(step.error));
    }
    if (!socket_.wait_readable(deadline)) return std::nullopt;
    const std::size_t got = socket_.receive_some(chunk, deadline);
    if (got == 0) {
      throw error("tor on port " + std::to_string(socket_.port()) + " closed the connection");
    }
    pending_.append(reinterpret_cast<const char*>(chunk.data()), got);
  }
}

}  // namespace torctl::testnet
