#include "testkit/call_token.h"

#include "base/diagnostic.h"
#include "jose/error.h"
#include "testkit/defect_catalogue.h"
#include "testkit/input_error.h"
#include "testkit/mint.h"

namespace swapi::testkit {

namespace {

// The defect a name belongs to: itself, or the longest defect name that prefixes a case name
// ("alg-none-upper-kid" -> "alg-none").
const Defect* owner_of(const std::string& name) {
  if (const Defect* exact = find_defect(name)) return exact;
  const Defect* best = nullptr;
  for (const auto& defect : defect_catalogue()) {
    std::string prefix = std::string(defect.name) + "-";
    if (name.starts_with(prefix) && (!best || defect.name.size() > best->name.size())) best = &defect;
  }
  return best;
}

InputError unknown(const std::string& name) {
  std::string hint = "'swapi token defects' lists them";
  if (auto guess = suggest_defect(name)) hint = "did you mean '" + *guess + "'?";
  return InputError("call --defect " + name, "no such defect or case", hint);
}

}  // namespace

CallToken make_call_token(const CallTokenRequest& request) {
  const Defect* defect = request.defect.empty() ? nullptr : owner_of(request.defect);
  if (!request.defect.empty() && !defect) throw unknown(request.defect);

  LocalIssuer issuer = open_local_issuer(request.issuer, request.now);
  std::vector<std::string> scopes = request.scopes.empty() ? route_scopes(request.method, request.url) : request.scopes;
  CallToken token;
  try {
    if (!defect) {
      TokenSpec spec;
      spec.issuer = issuer.issuer;
      spec.audiences = {issuer.audience};
      spec.subject = "swapi-call";
      spec.scopes = scopes;
      spec.issued_at = request.now;
      spec.expires_at = request.now + 3600;
      token.credentials = {Credentials::Placement::header, "Bearer", mint_token(issuer.signing_key, spec)};
      token.case_name = "valid";
      token.expected = {200};
      return token;
    }
    CaseContext context;
    context.signing_key = issuer.signing_key;
    context.trusted_public_keys = issuer.public_keys;
    context.issuer = issuer.issuer;
    context.audience = issuer.audience;
    context.subject = "swapi-call";
    context.scopes = scopes;
    context.now = request.now;
    for (auto& attack : cases_for(*defect, context)) {
      if (request.defect != defect->name && attack.name != request.defect) continue;
      token.credentials = attack.credentials;
      token.case_name = attack.name;
      token.expected = attack.expected;
      return token;
    }
  } catch (const jose::Error& e) {
    throw base::Diagnostic("call: the keyset's active key", e.detail());
  }
  if (request.defect != defect->name) throw unknown(request.defect);
  throw InputError("call --defect " + request.defect, "this defect gives no token here",
                   defect->name == "missing-scope" ? "it needs a route with a scope: an /api/{res} path, or --scope"
                                                   : "'swapi token defects' says what each needs");
}

}  // namespace swapi::testkit
