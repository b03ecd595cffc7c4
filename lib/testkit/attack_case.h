#pragma once
// What `swapi check` sends and how it judges the answer (DESIGN.md "Defective tokens",
// "`swapi check`"). The defect catalogue (lib/testkit/defect_catalogue.h) turns each defect
// into one or more Cases; the check runner (lib/testkit/check_runner.h) sends them and judges;
// `call --defect` and `token mint --defect` use the same Cases. This header is the contract
// between those parts: plain data, no I/O.
#include <optional>
#include <string>
#include <vector>

namespace swapi::testkit {

// How a case presents its token to the target.
struct Credentials {
  enum class Placement {
    none,         // no Authorization header at all (no-token)
    header,       // "Authorization: <scheme> <token>" once
    two_headers,  // the same header sent twice (two-authorization-headers)
    query,        // only "?access_token=<token>" (query-token)
  };
  Placement placement = Placement::none;
  std::string scheme = "Bearer";  // "bearer" for lowercase-bearer, "Basic"/"Token" for wrong-scheme
  std::string token;              // empty for no-token
};

// One request of a check, e.g. alg-none sent with the trusted kid in "NONE" spelling.
struct AttackCase {
  std::string name;            // stable, unique in a run: "alg-none-upper-kid"
  std::string defect;          // the catalogue entry it belongs to: "alg-none"
  std::string description;     // one sentence: what this variant is
  std::vector<int> expected;   // statuses a correct resource server answers
  Credentials credentials;
  // A 401 must carry "WWW-Authenticate: Bearer" (RFC 6750 §3); true for every case whose
  // expected statuses include 401.
  bool challenge_required = true;
  // jku / x5u: the token names a URL on the check's own canary listener; any request the
  // canary receives for this case fails it, whatever the status.
  std::optional<std::string> canary_path;
  // What the canary answers on canary_path (so a vulnerable target finds a key that verifies
  // the token): the attacker's JWKS for jku, its PEM certificate for x5u.
  std::string canary_body;
  std::string canary_content_type;
};

}  // namespace swapi::testkit
