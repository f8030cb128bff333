// The typed operations over Tor's text protocol.
#include "dialect.hpp"
#include "torctl/tc/address.hpp"
#include "torctl/tc/message_text.hpp"
#include "torctl/text/address_map.hpp"
#include "torctl/text/command.hpp"
#include "torctl/text/keyvalue.hpp"

namespace torctl::client::detail {

std::string shown(std::string_view text) {
  return tc::quoted(text);
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return out;
}

bool is_zero_ipv6(std::string_view address) {
  const auto literal = tc::address_from_literal(address);
  return literal && literal->type() == tc::address_type::ipv6 && literal->is_null();
}

namespace {

const text::reply& reply_of(const raw_reply& r) {
  return std::get<text::reply>(r);
}

error refused(std::uint16_t status, std::string_view text, std::string_view what) {
  error e(errc::refused,
          std::string(what) + " refused: " + std::to_string(status) + ' ' + printable(text));
  e.tor_status = status;
  return e;
}

error refused(const text::reply& r, std::string_view what) {
  return refused(r.status(), r.message(), what);
}

error malformed(std::string_view what, std::string_view why) {
  return error(errc::protocol_error,
               "Tor's answer to " + std::string(what) + " is malformed: " + std::string(why));
}

result<request, error> finish(const text::command& c, std::string_view what) {
  auto line = c.finish();
  if (!line) {
    return failure{error(errc::invalid_argument, std::string(what) + " cannot be sent: " +
                                                     std::string(line.error().reason))};
  }
  return request{std::move(*line)};
}

// Keys and event names are single bare words: a '=' would turn one into a key=value.
// Such a line needs none of text::command's quoting, so it is written directly, in one
// allocation: GETINFO and GETCONF are the commands issued most often.
result<request, error> keyword_command(std::string_view keyword,
                                       const std::vector<std::string>& words,
                                       std::string_view what_words) {
  std::size_t size = keyword.size() + 2;
  for (const std::string& w : words) {
    if (!text::is_bare_word(w) || w.find('=') != std::string::npos) {
      return failure{error(errc::invalid_argument,
                           std::string(what_words) + ' ' + shown(w) +
                               " is not a single word of printable ASCII without '='")};
    }
    size += 1 + w.size();
  }
  request r;
  r.wire.reserve(size);
  r.wire.append(keyword);
  for (const std::string& w : words) (r.wire += ' ') += w;
  r.wire += "\r\n";
  return r;
}

config_entry as_config_entry(text::key_value&& e) {
  return {std::move(e.key), std::move(e.value)};
}
info_value as_info_value(text::key_value&& e) {
  return {std::move(e.key), std::move(e.value).value_or("")};
}

// A GETCONF or GETINFO answer's entries, each made into a T by `make` as it is read (no
// intermediate vector of key_value).
template <class T, T (*make)(text::key_value&&)>
result<std::vector<T>, error> read_entries(const raw_reply& raw, text::value_form form,
                                           std::string_view command) {
  const text::reply& r = reply_of(raw);
  if (!r.ok()) return failure{refused(r, command)};
  std::vector<T> out;
  out.reserve(r.lines.size());
  const text::key_value_sink take = [](void* into, text::key_value&& e) {
    static_cast<std::vector<T>*>(into)->push_back(make(std::move(e)));
  };
  const std::string_view bad = text::read_key_values(r, form, take, &out);
  if (!bad.empty()) return failure{malformed(command, bad)};
  return out;
}

class text_dialect_impl final : public dialect {
 public:
  result<request, error> get_conf(const std::vector<std::string>& keys) const override {
    return keyword_command("GETCONF", keys, "configuration key");
  }

  result<std::vector<config_entry>, error> read_conf(const raw_reply& raw) const override {
    return read_entries<config_entry, as_config_entry>(raw, text::value_form::quoted, "GETCONF");
  }

  result<request, error> set_conf(const std::vector<config_entry>& entries) const override {
    text::command c("RESETCONF");
    for (const config_entry& e : entries) {
      if (!text::is_bare_word(e.key) || e.key.find('=') != std::string::npos) {
        return failure{error(errc::invalid_argument,
                             "configuration key " + shown(e.key) + " is not a single word")};
      }
      if (e.value) {
        c.pair(e.key, *e.value);
      } else {
        c.word(e.key);
      }
    }
    return finish(c, "RESETCONF");
  }

  result<request, error> save_conf(bool force) const override {
    text::command c("SAVECONF");
    if (force) c.word("FORCE");
    return finish(c, "SAVECONF");
  }

  result<request, error> send_signal(signal s) const override {
    return finish(text::command("SIGNAL").word(to_string(s)), "SIGNAL");
  }

  result<request, error> map_address(std::string_view from, std::string_view to) const override {
    // Tor allocates an IPv6 address only for the spelling "::".
    const std::string_view original = is_zero_ipv6(from) ? any_ipv6 : from;
    for (const std::string_view a : {original, to}) {
      if (!text::is_bare_word(a) || a.find('=') != std::string_view::npos) {
        return failure{error(errc::invalid_argument,
                             "address " + shown(a) + " is empty or not a single word")};
      }
    }
    std::string pair(original);
    pair += '=';
    pair += to;
    return finish(text::command("MAPADDRESS").word(pair), "MAPADDRESS");
  }

  result<address_mapping, error> read_mapping(const raw_reply& raw) const override {
    const text::reply& r = reply_of(raw);
    auto entries = text::parse_mapaddress(r);
    if (!entries) return failure{malformed("MAPADDRESS", entries.error())};
    if (entries->size() != 1) return failure{malformed("MAPADDRESS", "not one line")};
    text::mapaddress_entry& e = entries->front();
    if (!e.ok()) return failure{refused(e.status, e.error, "MAPADDRESS")};
    return address_mapping{std::move(e.from), std::move(e.to), std::nullopt};
  }

  result<request, error> get_mappings() const override {
    return finish(text::command("GETINFO").word("address-mappings/all"), "GETINFO");
  }

  result<std::vector<address_mapping>, error> read_mappings(const raw_reply& raw) const override {
    const text::reply& r = reply_of(raw);
    if (!r.ok()) return failure{refused(r, "GETINFO address-mappings/all")};
    auto entries = text::parse_key_values(r, text::value_form::raw);
    if (!entries || entries->size() != 1 || !entries->front().value) {
      return failure{malformed("GETINFO address-mappings/all", "no value")};
    }
    auto mappings = text::parse_address_mappings(*entries->front().value);
    if (!mappings) return failure{malformed("GETINFO address-mappings/all", mappings.error())};
    std::vector<address_mapping> out;
    out.reserve(mappings->size());
    for (auto& m : *mappings) {
      out.push_back({std::move(m.from), std::move(m.to), std::move(m.expires)});
    }
    return out;
  }

  result<request, error> get_info(const std::vector<std::string>& keys) const override {
    return keyword_command("GETINFO", keys, "GETINFO key");
  }

  result<std::vector<info_value>, error> read_info(const raw_reply& raw) const override {
    return read_entries<info_value, as_info_value>(raw, text::value_form::raw, "GETINFO");
  }

  result<request, error> set_events(const std::vector<std::string>& names) const override {
    for (const std::string& n : names) {
      const bool name_shaped =
          !n.empty() && n.find_first_not_of(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
      if (!name_shaped) {
        return failure{
            error(errc::invalid_argument, "event name " + shown(n) + " is not letters and '_'")};
      }
    }
    return keyword_command("SETEVENTS", names, "event name");
  }

  result<done, error> read_done(const raw_reply& raw, std::string_view what) const override {
    const text::reply& r = reply_of(raw);
    if (!r.ok()) return failure{refused(r, what)};
    return done{};
  }
};

}  // namespace

const dialect& text_dialect() noexcept {
  static const text_dialect_impl instance;
  return instance;
}

}  // namespace torctl::client::detail
