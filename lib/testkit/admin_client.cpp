#include "testkit/admin_client.h"

#include "base/diagnostic.h"
#include "http/client.h"
#include "jose/scopes.h"
#include "jose/strict_json.h"
#include "testkit/answer_reason.h"
#include "testkit/input_error.h"
#include "testkit/local_issuer.h"
#include "testkit/mint.h"
#include "testkit/transport_error.h"

namespace swapi::testkit {

namespace {

// Long enough for a slow CI step, short enough that a token left in a shell log is soon dead.
constexpr std::int64_t kAdminTokenSeconds = 300;

std::string trimmed_base(std::string base) {
  while (base.ends_with('/')) base.pop_back();
  return base;
}

}  // namespace

std::string mint_admin_token(const std::string& state_dir, std::int64_t now) {
  LocalIssuer issuer = open_local_issuer({state_dir, {}, {}}, now);
  TokenSpec spec;
  spec.issuer = issuer.issuer;
  spec.audiences = {issuer.audience};
  spec.subject = "swapi-cli@admin";
  spec.scopes = {std::string(jose::kScenarioControlScope)};
  spec.issued_at = now;
  spec.expires_at = now + kAdminTokenSeconds;
  return mint_token(issuer.signing_key, spec);
}

nlohmann::json admin_request(const AdminTarget& target, std::string_view method, std::string_view path,
                             const std::optional<nlohmann::json>& body, const std::string& what) {
  std::string base = trimmed_base(target.base_url);
  http::Request request;
  request.method = std::string(method);
  request.url = base + "/_swapi/" + std::string(path);
  request.headers.push_back({"Authorization", "Bearer " + mint_admin_token(target.state_dir, target.now)});
  request.headers.push_back({"Accept", "application/json"});
  if (body) {
    request.headers.push_back({"Content-Type", "application/json"});
    request.body = body->dump();
  }
  http::Options options;
  options.connect_timeout = target.timeout;
  options.total_timeout = target.timeout;

  http::Response response;
  try {
    response = http::fetch(request, options);
  } catch (const http::Error& error) {
    std::string hint = transport_hint(error, request, "--base or SWAPI_URL");
    if (hint.empty() || hint.starts_with("nothing listens"))
      hint = "is `swapi serve --admin` running there? --base URL or SWAPI_URL names the server";
    throw base::Diagnostic(what, "cannot reach " + base + ": " + transport_reason(error, request, target.timeout),
                           hint);
  }
  std::string reason = answer_reason(response);
  long status = response.status;
  // Scenario control marks its own answers (server/admin/scenario_control.h kAdminHeader): a
  // 404 with the mark is about the thing asked for ("no active fault #7"), without it the
  // routes are not there at all.
  bool from_admin = response.header("Swapi-Scenario-Control").has_value();
  if (status == 404 && from_admin) throw base::Diagnostic(what, reason);
  if (status == 404)
    throw base::Diagnostic(what, base + " has no scenario control (its /_swapi/ routes answer 404)",
                           "start the server with `swapi serve --admin`");
  if (status == 401 || status == 403)
    throw base::Diagnostic(what, base + " refused the admin request: " + reason,
                           "the admin token is minted with the keyset of --keys / SWAPI_HOME: use the server's");
  if (status == 400) throw InputError(what, reason.empty() ? "the server refused the request (400)" : reason);
  if (status < 200 || status > 299)
    throw base::Diagnostic(what, base + " answered " + std::to_string(status) + (reason.empty() ? "" : ": " + reason));
  // Bounded nesting (jose/strict_json.h): the answer is printed, and printing recurses.
  auto json = jose::parse_loose_json(response.body);
  if (!json.is_object())
    throw base::Diagnostic(what, base + " answered " + std::to_string(status) + " with a body that is not a JSON object",
                           "is that URL a swapi serve?");
  return json;
}

}  // namespace swapi::testkit
