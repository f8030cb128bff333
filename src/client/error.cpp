#include "torctl/client/error.hpp"

namespace torctl::client {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "torctl.client"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::invalid_argument: return "invalid argument";
      case errc::not_supported: return "not supported by this protocol";
      case errc::connection_failed: return "could not connect";
      case errc::wrong_service: return "not a control port of this protocol";
      case errc::not_connected: return "not connected";
      case errc::queue_full: return "too many commands in flight";
      case errc::connection_lost: return "connection lost";
      case errc::timeout: return "timed out";
      case errc::cancelled: return "cancelled";
      case errc::authentication_unavailable: return "no usable authentication method";
      case errc::authentication_failed: return "authentication failed";
      case errc::server_not_authentic: return "server failed to prove it knows the cookie";
      case errc::refused: return "refused by the server";
      case errc::protocol_error: return "protocol violation by the server";
      case errc::event_queue_overflow: return "event queue overflow";
      case errc::launch_failed: return "could not launch tor";
    }
    return "unknown client error";
  }
};

}  // namespace

const std::error_category& client_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

}  // namespace torctl::client
