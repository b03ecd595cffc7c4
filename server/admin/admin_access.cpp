#include "server/admin/admin_access.h"

#include <vector>

#include "base/ascii.h"
#include "jose/error.h"
#include "jose/token_validation.h"

namespace swapi::server {

namespace {

constexpr std::string_view kHowToGetOne =
    "scenario control needs a token with scope swapi:admin signed by this server's local keyset "
    "(swapi fault and swapi stats mint one)";

AdminRefusal token_refusal(Challenge::Kind kind, std::string code, std::string detail) {
  Challenge challenge{kind, std::move(code), std::move(detail), {}};
  if (kind == Challenge::Kind::insufficient_scope) challenge.scope = kAdminScope;
  return {challenge.status(), challenge.description(), challenge};
}

}  // namespace

std::optional<AdminRefusal> check_admin_access(const AdminRequest& request, std::span<const jose::Jwk> keys,
                                               std::int64_t now) {
  if (!is_loopback_address(request.remote_addr))
    return AdminRefusal{403, "scenario control answers loopback clients only; this request came from " +
                                 std::string(request.remote_addr.empty() ? "an unknown address" : request.remote_addr),
                        std::nullopt};
  if (request.authorization_count > 1)
    return token_refusal(Challenge::Kind::invalid_request, "multiple_authorization_headers",
                         "exactly one Authorization header is allowed");
  std::string_view value = request.authorization;
  std::string_view scheme = value.substr(0, value.find(' '));
  if (request.authorization_count == 0 || !base::iequals(scheme, "Bearer"))
    return token_refusal(Challenge::Kind::no_token, "no_token", std::string(kHowToGetOne));
  std::string_view token = base::trim(value.substr(scheme.size()));

  std::vector<jose::Alg> algs;
  for (const auto& key : keys)
    if (key.alg) algs.push_back(*key.alg);
  jose::TokenRules rules;
  rules.required_scopes = {std::string(kAdminScope)};
  try {
    jose::validate_token(token, keys, algs, rules, now);
  } catch (const jose::Error& error) {
    if (error.code() == jose::Errc::insufficient_scope)
      return token_refusal(Challenge::Kind::insufficient_scope, "insufficient_scope",
                           "the token lacks scope swapi:admin, which scenario control needs");
    return token_refusal(Challenge::Kind::invalid_token, std::string(jose::code_name(error.code())),
                         error.detail() + "; " + std::string(kHowToGetOne));
  }
  return std::nullopt;
}

}  // namespace swapi::server
