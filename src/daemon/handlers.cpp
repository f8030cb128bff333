#include "handlers.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include "event_hub.hpp"
#include "replies.hpp"
#include "session.hpp"
#include "torctl/text/arguments.hpp"
#include "upstream.hpp"

namespace torctl::daemon {

namespace {

using entry = std::pair<std::string, std::optional<std::string>>;
using session_ptr = std::shared_ptr<session>;

client::connection& tor(server_state& state) {
  return state.tor->control();
}

// ---- AUTHENTICATE ----

void authenticate(server_state& state, const session_ptr& s, const tc::authenticate_message& m,
                  std::uint64_t place) {
  if (state.policy.accepts(m.credential, state.cookie)) {
    if (!s->authenticated()) {
      ++state.count.authenticated;
      spdlog::info("conn {} authenticated", s->id());
    }
    s->set_authenticated();
    s->answer(place, done_frame());
    return;
  }
  ++state.count.refused_authentication;
  spdlog::info("conn {} refused: authentication failed", s->id());
  s->answer(place, error_frame(tc::error_code::failed_authentication, "authentication failed"),
            true);
}

// ---- GETCONF ----

// A GETCONF's keys in runs: Tor's options go to Tor (one GETCONF per run), "version" to
// GETINFO, the policy's keys are answered here; the answers are joined in key order.
struct getconf_job {
  enum class kind : std::uint8_t { tor, version, policy };
  struct part {
    kind what;
    std::vector<std::string> keys;
    std::vector<entry> entries;
    std::optional<std::vector<std::uint8_t>> failed;
  };
  session_ptr s;
  std::uint64_t place;
  std::vector<part> parts;
  std::size_t waiting = 0;

  void part_done() {
    if (--waiting > 0) return;
    std::vector<entry> all;
    for (part& p : parts) {
      if (p.failed) return s->answer(place, std::move(*p.failed));
      all.insert(all.end(), std::make_move_iterator(p.entries.begin()),
                 std::make_move_iterator(p.entries.end()));
    }
    s->answer(place, confvalue_frame(all));
  }
};

void getconf(server_state& state, const session_ptr& s, const tc::getconf_message& m,
             std::uint64_t place) {
  auto job = std::make_shared<getconf_job>();
  job->s = s;
  job->place = place;
  for (std::string_view key : m.keys) {
    const auto what = auth_policy::owns(key)                      ? getconf_job::kind::policy
                      : text::equal_ignoring_case(key, "version") ? getconf_job::kind::version
                                                                  : getconf_job::kind::tor;
    if (job->parts.empty() || job->parts.back().what != what || what != getconf_job::kind::tor) {
      job->parts.push_back({what, {}, {}, std::nullopt});
    }
    job->parts.back().keys.emplace_back(key);
  }
  job->waiting = job->parts.size() + 1;  // + 1: released below, once all have started
  for (std::size_t i = 0; i < job->parts.size(); ++i) {
    getconf_job::part& p = job->parts[i];
    if (p.what == getconf_job::kind::policy) {
      p.entries = state.policy.values(p.keys.front());
      job->part_done();
    } else if (p.what == getconf_job::kind::version) {
      tor(state).async_get_info(
          {"version"}, [job, i](client::outcome<std::vector<client::info_value>> r) {
            auto& part = job->parts[i];
            if (r && !r->empty()) {
              part.entries.emplace_back("version", r->front().value);
            } else {
              part.failed = r ? error_frame(tc::error_code::internal, "no version")
                              : error_frame_for(r.error(), request_kind::getconf);
            }
            job->part_done();
          });
    } else {
      tor(state).async_get_conf(
          p.keys, [job, i](client::outcome<std::vector<client::config_entry>> r) {
            auto& part = job->parts[i];
            if (r) {
              for (auto& e : *r) part.entries.emplace_back(std::move(e.key), std::move(e.value));
            } else {
              part.failed = error_frame_for(r.error(), request_kind::getconf);
            }
            job->part_done();
          });
    }
  }
  job->part_done();
}

// ---- SETCONF ----

void setconf(server_state& state, const session_ptr& s, const tc::setconf_message& m,
             std::uint64_t place) {
  std::vector<client::config_entry> to_tor;
  std::vector<entry> to_policy;
  for (const tc::config_entry& e : m.lines) {
    if (is_managed_option(e.key)) {
      return s->answer(
          place, error_frame(tc::error_code::invalid_value,
                             "torctld manages " + std::string(e.key) + " for its own link to Tor"));
    }
    std::optional<std::string> value;
    if (e.value) value.emplace(*e.value);
    if (auth_policy::owns(e.key)) {
      to_policy.emplace_back(std::string(e.key), std::move(value));
    } else {
      to_tor.push_back({std::string(e.key), std::move(value)});
    }
  }
  // The policy's part is checked now, applied when Tor has accepted its part: all or
  // nothing. (Applied to the policy as it is then, so that concurrent changes add up.)
  const auto as_lines = [](const std::vector<entry>& entries) {
    std::vector<tc::config_entry> lines;
    for (const auto& [k, v] : entries) {
      lines.push_back({k, v ? std::optional<std::string_view>(*v) : std::nullopt});
    }
    return lines;
  };
  if (auto checked = state.policy.with(as_lines(to_policy)); !checked) {
    return s->answer(place, error_frame(checked.error().code, checked.error().text));
  }
  const auto apply = [&state, s, place, to_policy, as_lines]() {
    if (!to_policy.empty()) {
      if (auto updated = state.policy.with(as_lines(to_policy))) state.policy = std::move(*updated);
      spdlog::info("conn {} changed the authentication policy", s->id());
    }
    s->answer(place, done_frame());
  };
  if (to_tor.empty()) return apply();
  tor(state).async_set_conf(std::move(to_tor), [s, place, apply](client::outcome<client::done> r) {
    if (!r) return s->answer(place, error_frame_for(r.error(), request_kind::setconf));
    apply();
  });
}

// ---- the rest ----

void saveconf(server_state& state, const session_ptr& s, std::uint64_t place) {
  tor(state).async_save_conf(false, [&state, s, place](client::outcome<client::done> r) {
    if (!r) return s->answer(place, error_frame_for(r.error(), request_kind::saveconf));
    if (auto saved = state.policy.save(state.policy_path); !saved) {
      return s->answer(place, error_frame(tc::error_code::internal, saved.error()));
    }
    s->answer(place, done_frame());
  });
}

void send_signal(server_state& state, const session_ptr& s, const tc::signal_message& m,
                 std::uint64_t place) {
  client::signal sig = client::signal::reload;
  switch (m.signal) {
    case tc::signal_code::reload: sig = client::signal::reload; break;
    case tc::signal_code::shutdown: sig = client::signal::shutdown; break;
    case tc::signal_code::dump: sig = client::signal::dump; break;
    case tc::signal_code::debug: sig = client::signal::debug; break;
    case tc::signal_code::halt: sig = client::signal::halt; break;
  }
  spdlog::info("conn {} sent signal {}", s->id(), client::to_string(sig));
  tor(state).async_send_signal(sig, [s, place](client::outcome<client::done> r) {
    s->answer(place, r ? done_frame() : error_frame_for(r.error(), request_kind::signal));
  });
}

void mapaddress(server_state& state, const session_ptr& s, const tc::mapaddress_message& m,
                std::uint64_t place) {
  tor(state).async_map_address(
      address_text(m.original), address_text(m.replacement),
      [s, place](client::outcome<client::address_mapping> r) {
        s->answer(place, r ? addressmapped_frame(*r)
                           : error_frame_for(r.error(), request_kind::mapaddress));
      });
}

void getallmappings(server_state& state, const session_ptr& s, std::uint64_t place) {
  tor(state).async_get_mappings(
      [s, place](client::outcome<std::vector<client::address_mapping>> r) {
        if (!r) return s->answer(place, error_frame_for(r.error(), request_kind::other));
        std::vector<std::uint8_t> all;
        for (const client::address_mapping& m : *r) {
          const auto frame = addressmapped_frame(m);
          all.insert(all.end(), frame.begin(), frame.end());
        }
        const auto done = done_frame();
        all.insert(all.end(), done.begin(), done.end());
        s->answer(place, std::move(all));
      });
}

void setevents(server_state& state, const session_ptr& s, const tc::setevents_message& m,
               std::uint64_t place) {
  const std::vector<tc::event_code> codes(m.codes.begin(), m.codes.end());
  state.events->set_events(s, mask_of(codes), [s, place](std::optional<client::error> failed) {
    s->answer(place, failed ? error_frame_for(*failed, request_kind::other) : done_frame());
  });
}

}  // namespace

bool is_managed_option(std::string_view key) noexcept {
  static constexpr std::array<std::string_view, 7> managed = {"ControlPort",
                                                              "ControlPortWriteToFile",
                                                              "ControlSocket",
                                                              "DataDirectory",
                                                              "CookieAuthFile",
                                                              "__OwningControllerProcess",
                                                              "ControlPortFileGroupReadable"};
  for (const std::string_view m : managed) {
    if (text::equal_ignoring_case(key, m)) return true;
  }
  return false;
}

void handle_request(server_state& state, const session_ptr& s, const tc::message& request,
                    std::uint64_t place) {
  if (const auto* a = std::get_if<tc::authenticate_message>(&request)) {
    return authenticate(state, s, *a, place);
  }
  if (!s->authenticated()) {
    return s->answer(
        place, error_frame(tc::error_code::unauthorized, "authenticate first (AUTHENTICATE)"));
  }
  if (const auto* g = std::get_if<tc::getconf_message>(&request))
    return getconf(state, s, *g, place);
  if (const auto* c = std::get_if<tc::setconf_message>(&request))
    return setconf(state, s, *c, place);
  if (std::holds_alternative<tc::saveconf_message>(request)) return saveconf(state, s, place);
  if (const auto* g = std::get_if<tc::signal_message>(&request)) {
    return send_signal(state, s, *g, place);
  }
  if (const auto* m = std::get_if<tc::mapaddress_message>(&request)) {
    return mapaddress(state, s, *m, place);
  }
  if (std::holds_alternative<tc::getallmappings_message>(request)) {
    return getallmappings(state, s, place);
  }
  if (const auto* e = std::get_if<tc::setevents_message>(&request))
    return setevents(state, s, *e, place);
  // The decoder refuses every type a client does not send; nothing else arrives here.
  s->answer(place, error_frame(tc::error_code::unrecognized_type, "not a request"));
}

}  // namespace torctl::daemon
