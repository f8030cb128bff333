#include "torctl/client/run.hpp"

namespace torctl::client {

void run_polling(asio::io_context& io, std::chrono::microseconds window) {
  if (window.count() == 0) {
    io.run();
    return;
  }
  run_polling_until(io, window, [] { return false; });
}

}  // namespace torctl::client
