#include "testkit/check_plan.h"

#include <fstream>
#include <iterator>

#include "base/diagnostic.h"
#include "http/client.h"
#include "http/error.h"
#include "http/url.h"
#include "jose/error.h"
#include "testkit/check_runner.h"
#include "testkit/defect_catalogue.h"
#include "testkit/input_error.h"
#include "testkit/transport_error.h"

namespace swapi::testkit {

namespace {

std::string fetch_jwks(const std::string& url) {
  const std::string what = "check --jwks " + url;
  http::UrlParts parts;
  try {
    parts = http::parse_url(url);
  } catch (const http::Error& e) {
    throw base::Diagnostic(what, e.detail());
  }
  // A key set fetched in clear could be swapped on the way (DESIGN.md "Key sources").
  if (parts.scheme != "https" && !(parts.scheme == "http" && http::is_loopback_host(parts.host)))
    throw base::Diagnostic(what, "a JWKS is fetched over https only (or http to a loopback host)");
  http::Request request;
  request.url = url;
  http::Options options;
  try {
    auto response = http::fetch(request, options);
    if (response.status != 200)
      throw base::Diagnostic(what, "the server answered " + std::to_string(response.status));
    return response.body;
  } catch (const http::Error& e) {
    throw base::Diagnostic(what, transport_reason(e, request, options.total_timeout), transport_hint(e, request, "--jwks"));
  }
}

}  // namespace

std::vector<jose::Jwk> load_jwks(const std::string& file_or_url) {
  std::string text;
  if (file_or_url.find("://") != std::string::npos) {
    text = fetch_jwks(file_or_url);
  } else {
    std::ifstream in(file_or_url, std::ios::binary);
    if (!in) throw base::Diagnostic("check --jwks " + file_or_url, "cannot read the file");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  jose::JwksLoad load;
  try {
    load = jose::parse_jwks(text);
  } catch (const jose::Error& e) {
    throw base::Diagnostic("check --jwks " + file_or_url, "not a JWKS: " + e.detail());
  }
  if (load.keys.empty()) {
    std::string why = "no usable key";
    if (!load.rejected.empty()) why += ": " + load.rejected.front();
    throw base::Diagnostic("check --jwks " + file_or_url, why);
  }
  return load.keys;
}

std::vector<AttackCase> plan_cases(const CheckPlanInputs& inputs) {
  CaseContext context;
  context.now = inputs.now;
  context.canary_base_url = inputs.canary_base_url;
  context.scopes = inputs.scopes.empty() ? route_scopes("GET", inputs.target) : inputs.scopes;
  if (inputs.foreign_token) {
    context.foreign_token = inputs.foreign_token;
    context.trusted_public_keys = load_jwks(inputs.jwks);
  } else {
    LocalIssuer issuer = open_local_issuer(inputs.issuer, inputs.now);
    context.signing_key = issuer.signing_key;
    context.trusted_public_keys = issuer.public_keys;
    context.issuer = issuer.issuer;
    context.audience = issuer.audience;
  }
  std::vector<AttackCase> cases;
  try {
    cases = all_cases(context);
  } catch (const jose::Error& e) {
    // A --token that is not a JWS is the user's input (exit 2); a key that cannot sign is the
    // keyset's problem (exit 3).
    if (inputs.foreign_token) throw InputError("check --token", e.detail(), "give a compact JWS: header.payload.signature");
    throw base::Diagnostic("check: the keyset's active key", e.detail());
  }
  return select_cases(std::move(cases), inputs.only, inputs.skip);
}

}  // namespace swapi::testkit
