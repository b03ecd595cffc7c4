#include "testkit/local_issuer.h"

#include "http/error.h"
#include "http/url.h"
#include "state/keyset_store.h"
#include "state/state_dir.h"

namespace swapi::testkit {

IssuerDefaults issuer_defaults(const std::string& state_dir) {
  IssuerDefaults defaults{std::string(kDefaultIssuer), {std::string(kDefaultAudience)}};
  if (auto recorded = server::read_recorded_defaults(state_dir)) {
    if (!recorded->issuer.empty()) defaults.issuer = recorded->issuer;
    if (!recorded->audiences.empty()) defaults.audiences = recorded->audiences;
  }
  return defaults;
}

LocalIssuer open_local_issuer(const LocalIssuerInputs& inputs, std::int64_t now) {
  LocalIssuer issuer;
  issuer.state_dir = inputs.state_dir;
  server::Keyset keyset = server::open_keyset(issuer.state_dir, now);
  issuer.signing_key = keyset.active().key;
  issuer.public_keys = keyset.public_keys();
  IssuerDefaults defaults = issuer_defaults(issuer.state_dir);
  issuer.issuer = !inputs.issuer.empty() ? inputs.issuer : defaults.issuer;
  issuer.audience = !inputs.audience.empty() ? inputs.audience : defaults.audiences.front();
  return issuer;
}

std::vector<std::string> route_scopes(std::string_view method, std::string_view url) {
  std::string path;
  try {
    path = http::parse_url(url).path;
  } catch (const http::Error&) {
    return {};
  }
  constexpr std::string_view prefix = "/api/";
  if (!path.starts_with(prefix)) return {};
  std::string resource = path.substr(prefix.size(), path.find('/', prefix.size()) - prefix.size());
  if (resource.empty()) return {};
  bool read = method == "GET" || method == "HEAD";
  return {(read ? "read:" : "write:") + resource};
}

}  // namespace swapi::testkit
