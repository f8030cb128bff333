#include "authenticate.hpp"

#include "../auth/encoding.hpp"
#include "dialect.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/auth/safecookie.hpp"
#include "torctl/tc/message.hpp"
#include "torctl/tc/message_type.hpp"
#include "torctl/text/arguments.hpp"
#include "torctl/text/protocolinfo.hpp"

namespace torctl::client::detail {

namespace {

using auth::encoding::from_hex;
using auth::encoding::to_hex;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool looks_like_text_reply(std::string_view s) {
  return s.size() >= 4 && std::isdigit(static_cast<unsigned char>(s[0])) != 0 &&
         std::isdigit(static_cast<unsigned char>(s[1])) != 0 &&
         std::isdigit(static_cast<unsigned char>(s[2])) != 0 &&
         (s[3] == ' ' || s[3] == '-' || s[3] == '+');
}

error wrong_service(const link& l, std::string_view what) {
  return error(errc::wrong_service, l.remote().to_string() + " " + std::string(what));
}

// ---- text protocol ----

asio::awaitable<result<text::reply, error>> text_command(link& l, std::string wire,
                                                         bool secret = false) {
  // Named first: g++ 12 destroys a braced temporary inside a co_await expression twice.
  request r{std::move(wire), reply_shape::one, secret};
  auto raw = co_await l.command(std::move(r), true);
  if (!raw) co_return failure{raw.error()};
  co_return std::move(std::get<text::reply>(*raw));
}

// AUTHENTICATE with `token` (hex, or empty for none) and what the server said.
asio::awaitable<result<done, error>> send_authenticate(link& l, std::string token,
                                                       std::string_view method) {
  std::string wire = token.empty() ? "AUTHENTICATE\r\n" : "AUTHENTICATE " + token + "\r\n";
  auth::wipe({reinterpret_cast<std::uint8_t*>(token.data()), token.size()});
  auto r = co_await text_command(l, std::move(wire), true);
  if (!r) co_return failure{r.error()};
  if (r->ok()) co_return done{};
  error e(errc::authentication_failed, l.remote().to_string() + " refused " + std::string(method) +
                                           " authentication: " + std::to_string(r->status()) + " " +
                                           std::string(r->message()));
  e.tor_status = r->status();
  co_return failure{std::move(e)};
}

asio::awaitable<result<done, error>> safecookie(link& l, const auth::secret& cookie) {
  auto nonce = auth::make_nonce();
  if (!nonce) co_return failure{error(errc::authentication_unavailable, nonce.error().message)};
  auto r = co_await text_command(l, "AUTHCHALLENGE SAFECOOKIE " + to_hex(*nonce) + "\r\n");
  if (!r) co_return failure{r.error()};
  if (!r->ok()) {
    co_return failure{error(errc::authentication_failed,
                            l.remote().to_string() + " refused AUTHCHALLENGE: " +
                                std::to_string(r->status()) + " " + std::string(r->message()))};
  }
  // "AUTHCHALLENGE SERVERHASH=<hex> SERVERNONCE=<hex>"
  std::optional<std::vector<std::uint8_t>> server_hash, server_nonce;
  text::argument_reader args(r->message());
  text::argument a;
  while (args.next(a)) {
    if (a.key == "SERVERHASH") server_hash = from_hex(a.value);
    if (a.key == "SERVERNONCE") server_nonce = from_hex(a.value);
  }
  if (!server_hash || !server_nonce) {
    co_return failure{error(errc::protocol_error, l.remote().to_string() +
                                                      " sent an AUTHCHALLENGE reply without " +
                                                      "SERVERHASH and SERVERNONCE")};
  }
  if (!auth::server_hash_matches(cookie.view(), *nonce, *server_nonce, *server_hash)) {
    co_return failure{error(errc::server_not_authentic,
                            l.remote().to_string() + " could not prove that it knows the " +
                                "cookie: it may not be the Tor you meant; nothing was sent")};
  }
  auto answer = auth::client_hash(cookie.view(), *nonce, *server_nonce);
  std::string token = to_hex(answer);
  auth::wipe(answer);
  co_return co_await send_authenticate(l, std::move(token), "SAFECOOKIE");
}

asio::awaitable<result<server_info, error>> authenticate_text(std::shared_ptr<link> l,
                                                              const auth_options& options) {
  auto reply = co_await text_command(*l, "PROTOCOLINFO 1\r\n");
  if (!reply) co_return failure{diagnose(*l, reply.error())};
  if (!reply->ok()) {
    co_return failure{wrong_service(*l, "refused PROTOCOLINFO (" + std::to_string(reply->status()) +
                                            " " + std::string(reply->message()) +
                                            "): is it a Tor control port?")};
  }
  auto info = text::parse_protocolinfo(*reply);
  if (!info) {
    co_return failure{error(errc::protocol_error, l->remote().to_string() +
                                                      " sent a malformed PROTOCOLINFO reply: " +
                                                      std::string(info.error()))};
  }
  const server_info about{info->tor_version};
  std::vector<std::string> reasons;  // why each method that was offered could not be used
  std::optional<result<auth::secret, auth::auth_error>> cookie;
  const auto read_cookie = [&]() -> const result<auth::secret, auth::auth_error>& {
    if (!cookie) {
      const std::optional<std::string>& path =
          options.cookie_file ? options.cookie_file : info->cookie_file;
      if (path) {
        cookie.emplace(auth::read_cookie_file(*path));
      } else {
        cookie.emplace(failure{
            auth::auth_error{auth::auth_errc::file_error, "the server names no cookie file"}});
      }
    }
    return *cookie;
  };

  if (info->offers("SAFECOOKIE")) {
    if (const auto& c = read_cookie()) {
      auto done_ = co_await safecookie(*l, *c);
      if (!done_) co_return failure{done_.error()};
      co_return about;
    }
    reasons.push_back("cookie: " + read_cookie().error().message);
  }
  if (info->offers("HASHEDPASSWORD")) {
    if (!options.password.empty()) {
      auto done_ = co_await send_authenticate(*l, to_hex(options.password.view()), "password");
      if (!done_) co_return failure{done_.error()};
      co_return about;
    }
    reasons.push_back("it accepts a password, and none was given");
  }
  if (info->offers("NULL")) {
    auto done_ = co_await send_authenticate(*l, std::string(), "NULL");
    if (!done_) co_return failure{done_.error()};
    co_return about;
  }
  if (info->offers("COOKIE") && !info->offers("SAFECOOKIE")) {
    if (const auto& c = read_cookie()) {
      auto done_ = co_await send_authenticate(*l, to_hex(c->view()), "COOKIE");
      if (!done_) co_return failure{done_.error()};
      co_return about;
    }
    reasons.push_back("cookie: " + read_cookie().error().message);
  }
  std::string methods;
  for (const std::string& m : info->methods) methods += (methods.empty() ? "" : ",") + m;
  std::string why = l->remote().to_string() + " offers " + (methods.empty() ? "no" : methods) +
                    " authentication, and none could be used";
  for (const std::string& r : reasons) why += "; " + r;
  co_return failure{error(errc::authentication_unavailable, std::move(why))};
}

// ---- TC ----

asio::awaitable<result<server_info, error>> authenticate_tc(std::shared_ptr<link> l,
                                                            const auth_options& options) {
  auth::secret credential;
  std::string_view method = "empty";
  if (!options.password.empty()) {
    credential = options.password.copy();
    method = "passphrase";
  } else if (options.cookie_file) {
    auto c = auth::read_cookie_file(*options.cookie_file);
    if (!c) co_return failure{error(errc::authentication_unavailable, c.error().message)};
    credential = std::move(*c);
    method = "cookie";
  }
  std::vector<std::uint8_t> wire;
  const auto written = tc::encode_append(tc::authenticate_message{credential.view()}, wire);
  if (!written) {
    co_return failure{error(errc::invalid_argument, "the credential is too long for TC")};
  }
  std::string bytes(wire.begin(), wire.end());
  auth::wipe(wire);
  request r{std::move(bytes), reply_shape::one, true};
  auto raw = co_await l->command(std::move(r), true);
  if (!raw) co_return failure{diagnose(*l, raw.error())};
  const auto& frames = std::get<std::vector<tc_frame>>(*raw);
  auto m = tc::decode(tc::frame{frames.front().type, frames.front().body}, tc::sender::server);
  if (m && std::holds_alternative<tc::done_message>(*m)) co_return server_info{};
  if (m) {
    if (const auto* e = std::get_if<tc::error_message>(&*m)) {
      // Tor itself answers TC with this ERROR: it speaks only the text protocol.
      if (e->text.find("v0 control protocol is not supported") != std::string_view::npos) {
        co_return failure{wrong_service(*l,
                                        "is Tor's own control port, which speaks only "
                                        "the text protocol, not TC")};
      }
      error out(errc::authentication_failed,
                l->remote().to_string() + " refused " + std::string(method) +
                    " authentication: " + std::string(tc::describe(e->code)));
      out.tc_code = static_cast<std::uint16_t>(e->code);
      co_return failure{std::move(out)};
    }
  }
  co_return failure{
      error(errc::protocol_error,
            l->remote().to_string() + " answered AUTHENTICATE with neither " + "DONE nor ERROR")};
}

}  // namespace

error diagnose(const link& l, error failure) {
  if (failure.is(errc::timeout) && l.first_octets().empty()) {
    // A control port answers the first command at once; silence means something else.
    return wrong_service(l, "did not answer within " + std::to_string(l.command_timeout().count()) +
                                " ms: it is not a control port of this protocol");
  }
  if (!failure.is(errc::protocol_error) && !failure.is(errc::connection_lost)) return failure;
  const std::string& first = l.first_octets();
  if (starts_with(first, "HTTP/1.0 501 Tor is not an HTTP Proxy")) {
    return wrong_service(l,
                         "is a Tor SOCKS port, not a control port (Tor's control port is "
                         "usually 9051, its SOCKS port 9050)");
  }
  if (starts_with(first, "HTTP/")) return wrong_service(l, "is an HTTP server, not a control port");
  if (l.proto() == protocol::tc && looks_like_text_reply(first)) {
    return wrong_service(l, "speaks Tor's text control protocol, not TC");
  }
  if (l.proto() == protocol::text && !first.empty() && first.front() == '\0') {
    return wrong_service(l, "speaks TC (torctld's binary protocol), not the text protocol");
  }
  if (first.empty() && failure.is(errc::connection_lost)) {
    return wrong_service(l,
                         "closed the connection without answering: it is not a control port "
                         "(a Tor SOCKS port does this to TC; Tor's control port is usually "
                         "9051)");
  }
  if (failure.is(errc::protocol_error)) {
    return wrong_service(
        l, "does not speak the " + std::string(l.proto() == protocol::text ? "text" : "TC") +
               " control protocol: it began its answer with " + shown(first.substr(0, 24)));
  }
  return failure;
}

asio::awaitable<result<server_info, error>> authenticate(std::shared_ptr<link> l,
                                                         const auth_options& auth) {
  if (l->proto() == protocol::text) co_return co_await authenticate_text(std::move(l), auth);
  co_return co_await authenticate_tc(std::move(l), auth);
}

}  // namespace torctl::client::detail
