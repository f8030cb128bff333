// What each TC request does to the Tor behind torctld, and what it answers.
//
//   AUTHENTICATE  checked against the authentication policy (auth_policy.hpp); a failure
//                 is answered with ERROR 0x0008 and the connection is closed after it
//   (anything)    before a valid AUTHENTICATE: ERROR 0x0007
//   SETCONF       RESETCONF on Tor (a key alone restores its default; all or nothing);
//                 the policy's two keys are applied here, after Tor accepted the rest
//   GETCONF       GETCONF on Tor; "version" is Tor's version, the policy's keys are
//                 answered here; CONFVALUE, or 0x0004 naming an unknown key
//   SAVECONF      SAVECONF on Tor, then the policy file; 0x0001 with Tor's reason
//   SIGNAL        the signal on Tor
//   MAPADDRESS    MAPADDRESS on Tor; ADDRESSMAPPED with the mapping Tor made
//   GETALLMAPPINGS  every mapping Tor has, one ADDRESSMAPPED each, then DONE
//   SETEVENTS     this connection's codes; Tor gets the union of all (event_hub.hpp)
//
// A request's message views the session's read buffer: the handler copies what it
// needs before it returns. Its answer goes to session::answer(place, ...), possibly
// much later; answers keep their order whatever order Tor's replies complete in.
#pragma once

#include <cstdint>
#include <memory>

#include "server_state.hpp"
#include "torctl/tc/message.hpp"

namespace torctl::daemon {

class session;

void handle_request(server_state& state, const std::shared_ptr<session>& s,
                    const tc::message& request, std::uint64_t place);

// Options torctld sets for its own link to Tor: a SETCONF of one of them is refused
// (0x0005) rather than passed on, so that no controller can cut torctld off its Tor.
bool is_managed_option(std::string_view key) noexcept;

}  // namespace torctl::daemon
