#include "torctl/client/connection.hpp"

#include "connect.hpp"
#include "dialect.hpp"
#include "link.hpp"
#include "torctl/tc/frame.hpp"
#include "torctl/tc/message_type.hpp"

namespace torctl::client {

namespace {

using detail::dialect;
using detail::raw_reply;
using detail::request;

template <class T>
awaitable_outcome<T> fail_now(error e) {
  co_return failure{std::move(e)};
}

error closed_error() {
  return error(errc::not_connected, "the connection was closed (or moved from)");
}

// Sends a request made by the link's dialect and reads the reply with `read`.
template <class T, class Read>
awaitable_outcome<T> run_op(std::shared_ptr<detail::link> l, result<request, error> req,
                            Read read) {
  if (!req) co_return failure{req.error()};
  auto raw = co_await l->command(std::move(*req));
  if (!raw) co_return failure{raw.error()};
  co_return read(detail::dialect_for(l->proto()), *raw);
}

awaitable_outcome<done> set_events_op(std::shared_ptr<detail::link> l,
                                      std::vector<std::string> names) {
  const dialect& d = detail::dialect_for(l->proto());
  auto req = d.set_events(names);
  if (!req) co_return failure{req.error()};
  auto raw = co_await l->command(std::move(*req));
  if (!raw) co_return failure{raw.error()};
  auto outcome = d.read_done(*raw, "SETEVENTS");
  if (outcome) l->subscribed = std::move(names);  // restored after a reconnect
  co_return outcome;
}

}  // namespace

awaitable_outcome<connection> connection::open(executor_type ex, connect_options options) {
  auto l = co_await detail::open_link(std::move(ex), std::move(options));
  if (!l) co_return failure{l.error()};
  co_return connection(std::move(*l));
}

connection::connection(std::shared_ptr<detail::link> l, bool owner) noexcept
    : link_(std::move(l)), owner_(owner) {}

connection::connection(connection&& other) noexcept
    : link_(std::move(other.link_)), owner_(other.owner_) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    link_ = std::move(other.link_);
    owner_ = other.owner_;
  }
  return *this;
}

connection::~connection() {
  close();
}

void connection::close() {
  if (link_ && owner_) link_->close(error(errc::not_connected, "closed by the caller"));
}

awaitable_outcome<std::vector<config_entry>> connection::get_conf(std::vector<std::string> keys) {
  if (!link_) return fail_now<std::vector<config_entry>>(closed_error());
  return run_op<std::vector<config_entry>>(
      link_, detail::dialect_for(link_->proto()).get_conf(keys),
      [](const dialect& d, const raw_reply& r) { return d.read_conf(r); });
}

awaitable_outcome<done> connection::set_conf(std::vector<config_entry> entries) {
  if (!link_) return fail_now<done>(closed_error());
  return run_op<done>(
      link_, detail::dialect_for(link_->proto()).set_conf(entries),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SETCONF"); });
}

awaitable_outcome<done> connection::reset_conf(std::vector<std::string> keys) {
  std::vector<config_entry> entries;
  entries.reserve(keys.size());
  for (std::string& k : keys) entries.push_back({std::move(k), std::nullopt});
  return set_conf(std::move(entries));
}

awaitable_outcome<done> connection::save_conf(bool force) {
  if (!link_) return fail_now<done>(closed_error());
  return run_op<done>(
      link_, detail::dialect_for(link_->proto()).save_conf(force),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SAVECONF"); });
}

awaitable_outcome<done> connection::send_signal(client::signal s) {
  if (!link_) return fail_now<done>(closed_error());
  return run_op<done>(
      link_, detail::dialect_for(link_->proto()).send_signal(s),
      [](const dialect& d, const raw_reply& r) { return d.read_done(r, "SIGNAL"); });
}

awaitable_outcome<address_mapping> connection::map_address(std::string from, std::string to) {
  if (!link_) return fail_now<address_mapping>(closed_error());
  return run_op<address_mapping>(
      link_, detail::dialect_for(link_->proto()).map_address(from, to),
      [](const dialect& d, const raw_reply& r) { return d.read_mapping(r); });
}

awaitable_outcome<std::vector<address_mapping>> connection::get_mappings() {
  if (!link_) return fail_now<std::vector<address_mapping>>(closed_error());
  return run_op<std::vector<address_mapping>>(
      link_, detail::dialect_for(link_->proto()).get_mappings(),
      [](const dialect& d, const raw_reply& r) { return d.read_mappings(r); });
}

awaitable_outcome<std::vector<info_value>> connection::get_info(std::vector<std::string> keys) {
  if (!link_) return fail_now<std::vector<info_value>>(closed_error());
  return run_op<std::vector<info_value>>(
      link_, detail::dialect_for(link_->proto()).get_info(keys),
      [](const dialect& d, const raw_reply& r) { return d.read_info(r); });
}

awaitable_outcome<done> connection::set_events(std::vector<std::string> names) {
  if (!link_) return fail_now<done>(closed_error());
  return set_events_op(link_, std::move(names));
}

awaitable_outcome<event> connection::next_event(std::optional<std::chrono::milliseconds> timeout) {
  if (!link_) return fail_now<event>(closed_error());
  return link_->next_event(timeout);
}

std::uint64_t connection::events_dropped() const noexcept {
  return link_ ? link_->events_dropped() : 0;
}

std::size_t connection::events_queued() const noexcept {
  return link_ ? link_->events_queued() : 0;
}

awaitable_outcome<text::reply> connection::raw(std::string command_line) {
  if (!link_) return fail_now<text::reply>(closed_error());
  if (link_->proto() != client::protocol::text) {
    return fail_now<text::reply>(
        error(errc::not_supported, "raw() sends text-protocol commands; use raw_tc() over TC"));
  }
  if (command_line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return fail_now<text::reply>(
        error(errc::invalid_argument, "a raw command is one line: no CR, LF or NUL inside"));
  }
  command_line += "\r\n";
  return run_op<text::reply>(link_, request{std::move(command_line)},
                             [](const dialect&, const raw_reply& r) -> outcome<text::reply> {
                               return std::get<text::reply>(r);
                             });
}

awaitable_outcome<std::vector<tc_frame>> connection::raw_tc(std::uint16_t type,
                                                            std::vector<std::uint8_t> body) {
  if (!link_) return fail_now<std::vector<tc_frame>>(closed_error());
  if (link_->proto() != client::protocol::tc) {
    return fail_now<std::vector<tc_frame>>(
        error(errc::not_supported, "raw_tc() sends TC frames; use raw() over the text protocol"));
  }
  std::vector<std::uint8_t> wire(tc::frame_header_size + body.size());
  if (!tc::encode_frame(type, body, wire)) {
    return fail_now<std::vector<tc_frame>>(
        error(errc::invalid_argument, "a TC body is at most 65,535 octets"));
  }
  const auto shape = type == static_cast<std::uint16_t>(tc::message_type::getallmappings)
                         ? detail::reply_shape::until_done
                         : detail::reply_shape::one;
  return run_op<std::vector<tc_frame>>(
      link_, request{std::string(wire.begin(), wire.end()), shape},
      [](const dialect&, const raw_reply& r) -> outcome<std::vector<tc_frame>> {
        return std::get<std::vector<tc_frame>>(r);
      });
}

client::protocol connection::protocol() const noexcept {
  return link_ ? link_->proto() : client::protocol::text;
}

const endpoint& connection::remote() const noexcept {
  static const endpoint none;
  return link_ ? link_->remote() : none;
}

connection::executor_type connection::get_executor() const noexcept {
  return link_ ? link_->executor() : executor_type();
}

void connection::set_command_timeout(std::chrono::milliseconds timeout) noexcept {
  if (link_) link_->set_command_timeout(timeout);
}

bool connection::is_open() const noexcept {
  return link_ && link_->current_state() != detail::link::state::closed;
}

}  // namespace torctl::client
