#include "torctl/client/connection.hpp"

#include <asio/use_awaitable.hpp>

#include "connect.hpp"
#include "dialect.hpp"
#include "link.hpp"
#include "torctl/tc/frame.hpp"
#include "torctl/tc/message_type.hpp"

namespace torctl::client {

namespace detail {

namespace {

error closed_error() {
  return error(errc::not_connected, "the connection was closed (or moved from)");
}

template <class T>
void fail_later(const asio::any_io_executor& ex, done_fn<T> done, error e) {
  asio::post(ex, [done = std::move(done), e = std::move(e)]() mutable {
    done(outcome<T>(failure{std::move(e)}));
  });
}

// Sends what the link's dialect made of the operation's arguments and reads the reply
// with `read(dialect, raw_reply) -> outcome<T>`.
template <class T, class Read>
void send(const asio::any_io_executor& ex, const link_ptr& l, result<request, error> req, Read read,
          done_fn<T> done, slot_type slot) {
  if (!req) return fail_later<T>(ex, std::move(done), req.error());
  // Reads the reply into T when it comes (the reply's storage is reused afterwards),
  // hands T over later.
  auto reply = [proto = l->proto(), read = std::move(read), done = std::move(done),
                value = std::optional<outcome<T>>()](completion_step step,
                                                     result<raw_reply, error>* raw) mutable {
    if (step == completion_step::hand_over) {
      done(std::move(*value));
    } else if (!*raw) {
      value.emplace(failure{raw->error()});
    } else {
      value.emplace(read(dialect_for(proto), **raw));
    }
  };
  static_assert(reply_completion::stores_inline<decltype(reply)>,
                "a command's completion should not need an allocation (link.hpp)");
  l->submit(std::move(*req), false, std::move(reply), slot);
}

}  // namespace

void start_get_conf(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<std::string> keys, done_fn<std::vector<config_entry>> done,
                    slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).get_conf(keys),
      [](const dialect& d, const raw_reply& r) { return d.read_conf(r); }, std::move(done), slot);
}

void start_set_conf(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<config_entry> entries, done_fn<client::done> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).set_conf(entries),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SETCONF"); },
      std::move(done), slot);
}

void start_save_conf(const asio::any_io_executor& ex, const link_ptr& l, bool force,
                     done_fn<client::done> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).save_conf(force),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SAVECONF"); },
      std::move(done), slot);
}

void start_signal(const asio::any_io_executor& ex, const link_ptr& l, client::signal s,
                  done_fn<client::done> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).send_signal(s),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SIGNAL"); },
      std::move(done), slot);
}

void start_map_address(const asio::any_io_executor& ex, const link_ptr& l, std::string from,
                       std::string to, done_fn<address_mapping> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).map_address(from, to),
      [](const dialect& d, const raw_reply& r) { return d.read_mapping(r); }, std::move(done),
      slot);
}

void start_get_mappings(const asio::any_io_executor& ex, const link_ptr& l,
                        done_fn<std::vector<address_mapping>> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).get_mappings(),
      [](const dialect& d, const raw_reply& r) { return d.read_mappings(r); }, std::move(done),
      slot);
}

void start_get_info(const asio::any_io_executor& ex, const link_ptr& l,
                    std::vector<std::string> keys, done_fn<std::vector<info_value>> done,
                    slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  send(
      ex, l, dialect_for(l->proto()).get_info(keys),
      [](const dialect& d, const raw_reply& r) { return d.read_info(r); }, std::move(done), slot);
}

void start_set_events(const asio::any_io_executor& ex, const link_ptr& l,
                      std::vector<std::string> names, done_fn<client::done> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  auto req = dialect_for(l->proto()).set_events(names);
  // On success the list is kept, to be restored after a reconnect.
  send(
      ex, l, std::move(req),
      [l, names = std::move(names)](const dialect& d, const raw_reply& r) mutable {
        auto outcome = d.read_done(r, "SETEVENTS");
        if (outcome) l->subscribed = std::move(names);
        return outcome;
      },
      std::move(done), slot);
}

void start_next_event(const asio::any_io_executor& ex, const link_ptr& l,
                      std::optional<std::chrono::milliseconds> timeout, done_fn<event> done,
                      slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  l->wait_event(timeout, std::move(done), slot);
}

void start_raw(const asio::any_io_executor& ex, const link_ptr& l, std::string command_line,
               done_fn<text::reply> done, slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  if (l->proto() != protocol::text) {
    return fail_later(
        ex, std::move(done),
        error(errc::not_supported, "raw() sends text-protocol commands; use raw_tc() over TC"));
  }
  if (command_line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return fail_later(
        ex, std::move(done),
        error(errc::invalid_argument, "a raw command is one line: no CR, LF or NUL inside"));
  }
  command_line += "\r\n";
  send(
      ex, l, result<request, error>(request{std::move(command_line)}),
      [](const dialect&, const raw_reply& r) -> outcome<text::reply> {
        return std::get<text::reply>(r);
      },
      std::move(done), slot);
}

void start_raw_tc(const asio::any_io_executor& ex, const link_ptr& l, std::uint16_t type,
                  std::vector<std::uint8_t> body, done_fn<std::vector<tc_frame>> done,
                  slot_type slot) {
  if (!l) return fail_later(ex, std::move(done), closed_error());
  if (l->proto() != protocol::tc) {
    return fail_later(
        ex, std::move(done),
        error(errc::not_supported, "raw_tc() sends TC frames; use raw() over the text protocol"));
  }
  std::vector<std::uint8_t> wire(tc::frame_header_size + body.size());
  if (!tc::encode_frame(type, body, wire)) {
    return fail_later(ex, std::move(done),
                      error(errc::invalid_argument, "a TC body is at most 65,535 octets"));
  }
  const auto shape = type == static_cast<std::uint16_t>(tc::message_type::getallmappings)
                         ? reply_shape::until_done
                         : reply_shape::one;
  send(
      ex, l, result<request, error>(request{std::string(wire.begin(), wire.end()), shape}),
      [](const dialect&, const raw_reply& r) -> outcome<std::vector<tc_frame>> {
        return std::get<std::vector<tc_frame>>(r);
      },
      std::move(done), slot);
}

}  // namespace detail

awaitable_outcome<connection> connection::open(executor_type ex, connect_options options) {
  auto l = co_await detail::open_link(std::move(ex), std::move(options));
  if (!l) co_return failure{l.error()};
  co_return connection(std::move(*l));
}

connection::connection(std::shared_ptr<detail::link> l) noexcept
    : executor_(l->executor()), link_(std::move(l)) {}

// A moved-from connection keeps its executor, so that operations on it can still fail
// properly (with not_connected).
connection::connection(connection&& other) noexcept
    : executor_(other.executor_), link_(std::move(other.link_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = other.executor_;
    link_ = std::move(other.link_);
  }
  return *this;
}

connection::~connection() {
  close();
}

void connection::close() {
  if (link_) link_->close(error(errc::not_connected, "closed by the caller"));
}

awaitable_outcome<std::vector<config_entry>> connection::get_conf(std::vector<std::string> keys) {
  return async_get_conf(std::move(keys), asio::use_awaitable);
}
awaitable_outcome<done> connection::set_conf(std::vector<config_entry> entries) {
  return async_set_conf(std::move(entries), asio::use_awaitable);
}
awaitable_outcome<done> connection::reset_conf(std::vector<std::string> keys) {
  return async_reset_conf(std::move(keys), asio::use_awaitable);
}
awaitable_outcome<done> connection::save_conf(bool force) {
  return async_save_conf(force, asio::use_awaitable);
}
awaitable_outcome<done> connection::send_signal(client::signal s) {
  return async_send_signal(s, asio::use_awaitable);
}
awaitable_outcome<address_mapping> connection::map_address(std::string from, std::string to) {
  return async_map_address(std::move(from), std::move(to), asio::use_awaitable);
}
awaitable_outcome<std::vector<address_mapping>> connection::get_mappings() {
  return async_get_mappings(asio::use_awaitable);
}
awaitable_outcome<std::vector<info_value>> connection::get_info(std::vector<std::string> keys) {
  return async_get_info(std::move(keys), asio::use_awaitable);
}
awaitable_outcome<done> connection::set_events(std::vector<std::string> names) {
  return async_set_events(std::move(names), asio::use_awaitable);
}
awaitable_outcome<event> connection::next_event(std::optional<std::chrono::milliseconds> timeout) {
  return async_next_event(timeout, asio::use_awaitable);
}
awaitable_outcome<text::reply> connection::raw(std::string command_line) {
  return async_raw(std::move(command_line), asio::use_awaitable);
}
awaitable_outcome<std::vector<tc_frame>> connection::raw_tc(std::uint16_t type,
                                                            std::vector<std::uint8_t> body) {
  return async_raw_tc(type, std::move(body), asio::use_awaitable);
}

std::uint64_t connection::events_dropped() const noexcept {
  return link_ ? link_->events_dropped() : 0;
}

std::size_t connection::events_queued() const noexcept {
  return link_ ? link_->events_queued() : 0;
}

client::protocol connection::protocol() const noexcept {
  return link_ ? link_->proto() : client::protocol::text;
}

const endpoint& connection::remote() const noexcept {
  static const endpoint none;
  return link_ ? link_->remote() : none;
}

connection::executor_type connection::get_executor() const noexcept {
  return executor_;
}

void connection::set_command_timeout(std::chrono::milliseconds timeout) noexcept {
  if (link_) link_->set_command_timeout(timeout);
}

bool connection::is_open() const noexcept {
  return link_ && link_->current_state() != detail::link::state::closed;
}

}  // namespace torctl::client
