// Who is calling: what a verified bearer token says about its holder.
//
// Produced by TokenVerifier (token_verifier.h) from the claims of a token whose
// signature, issuer, audience and validity period were checked; read by
// AccessPolicy (access_policy.h) and, later, by the handlers (the subject is
// the actor recorded in history rows, never a header).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::auth {

struct Principal {
  // The `sub` claim: a person's user id (as in TeamMembership.user) or a
  // service's identity ("service:scoring"). Never empty.
  std::string subject;
  // The `roles` claim, in the token's order, duplicates removed (see
  // access_policy.h for the role names the suite knows).
  std::vector<std::string> roles;
  // The `kam_manager` claim: for an account manager, the user id under which
  // they appear in account teams (TeamMembership.user), so their calls can be
  // narrowed to the accounts they are on the team of. Empty when absent.
  std::string account_manager;
  // The `exp` claim.
  absl::Time expires = absl::InfinitePast();

  bool HasRole(absl::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

inline bool operator==(const Principal& a, const Principal& b) {
  return a.subject == b.subject && a.roles == b.roles && a.account_manager == b.account_manager &&
         a.expires == b.expires;
}

}  // namespace kam::auth
