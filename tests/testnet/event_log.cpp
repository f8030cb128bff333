#include "event_log.hpp"

#include <string>
#include <variant>

namespace torctl::testnet {

void event_log::add(const text::reply& event) {
  ++total_;
  const auto parsed = text::parse_event(event);
  if (!parsed) {
    unparsed_.push_back((event.lines.empty() ? std::string() : event.lines.front().text) + " (" +
                        std::string(parsed.error()) + ")");
    return;
  }
  std::visit([this](const auto& body) { record(body); }, parsed->body);
}

std::string event_log::summary() const {
  return std::to_string(total_) + " events: " + std::to_string(circuits_.size()) + " circuits, " +
         std::to_string(streams_.size()) + " streams, " + std::to_string(orconns_.size()) +
         " OR connections, " + std::to_string(bandwidth_events_) + " BW (" +
         std::to_string(bytes_read_) + " read, " + std::to_string(bytes_written_) + " written), " +
         std::to_string(unparsed_.size()) + " unparsed";
}

void event_log::record(const text::circuit_event& e) {
  circuit_history& h = circuits_[std::string(e.id)];
  h.statuses.push_back(e.status);
  if (!e.path.empty()) h.path = std::string(e.path);
}

void event_log::record(const text::stream_event& e) {
  streams_[std::string(e.id)].push_back({e.status, std::string(e.circuit_id), e.target_port});
}

void event_log::record(const text::orconn_event& e) {
  orconns_[std::string(e.id)].push_back({e.status, std::string(e.target)});
}

void event_log::record(const text::bandwidth_event& e) {
  ++bandwidth_events_;
  bytes_read_ += e.read;
  bytes_written_ += e.written;
}

}  // namespace torctl::testnet
