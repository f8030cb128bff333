// The link's writes (link.hpp): commands written from the call that issues them on a
// non-blocking socket, the rest once a full socket takes more, and the write buffer's
// credentials wiped.
#include <algorithm>
#include <asio/error.hpp>
#include <string>
#include <string_view>

#include "link.hpp"
#include "torctl/auth/secret.hpp"

namespace torctl::client::detail {

namespace {

// The largest write buffer a link keeps for its next commands; a larger one is freed.
constexpr std::size_t max_kept_out_octets = std::size_t{1} << 20;

}  // namespace

// Writes what the kernel takes now, without waiting; the rest, if the socket is full,
// once it can take more. The socket is non-blocking (attach), so no call here blocks.
void link::write_more() {
  if (!socket_) {
    writing_ = false;
    return;
  }
  while (out_sent_ < out_.size()) {
    std::error_code ec;
    const std::size_t n =
        socket_->write_some(asio::buffer(out_.data() + out_sent_, out_.size() - out_sent_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      wait_writable();
      return;
    }
    if (ec) {
      writing_ = false;
      lose(error(errc::connection_lost, "writing to " + remote_.to_string() + ": " + ec.message()));
      return;
    }
    out_sent_ += n;
  }
  writing_ = false;
  sent_all();
}

void link::wait_writable() {
  writing_ = true;
  socket_->async_wait(socket_type::wait_write, [self = shared_from_this(),
                                                generation = generation_](std::error_code ec) {
    if (generation != self->generation_) return;  // dropped meanwhile
    if (ec) {
      self->writing_ = false;
      self->lose(error(errc::connection_lost,
                       "writing to " + self->remote_.to_string() + ": " + ec.message()));
      return;
    }
    self->write_more();
  });
}

// Appends to out_; when out_ holds a credential and must grow, the old buffer is wiped
// before it is freed.
void link::append_out(std::string_view bytes) {
  if (!wipe_out_ || out_.size() + bytes.size() <= out_.capacity()) {
    out_.append(bytes);
    return;
  }
  std::string grown;
  grown.reserve(std::max(2 * out_.capacity(), out_.size() + bytes.size()));
  grown.append(out_).append(bytes);
  auth::wipe({reinterpret_cast<std::uint8_t*>(out_.data()), out_.size()});
  out_.swap(grown);
}

// Everything in out_ has been written: a credential in it is wiped, and the buffer kept
// for the next commands unless a large batch made it large.
void link::sent_all() noexcept {
  if (wipe_out_) auth::wipe({reinterpret_cast<std::uint8_t*>(out_.data()), out_.size()});
  wipe_out_ = false;
  out_sent_ = 0;
  if (out_.capacity() > max_kept_out_octets) {
    out_ = std::string();
  } else {
    out_.clear();
  }
}

}  // namespace torctl::client::detail
