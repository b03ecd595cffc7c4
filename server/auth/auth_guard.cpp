#include "server/auth/auth_guard.h"

#include <httplib.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "base/ascii.h"
#include "jose/jws.h"
#include "jose/scopes.h"
#include "jose/strict_json.h"
#include "jose/token_validation.h"
#include "server/web/access_log.h"

namespace swapi::server {

namespace {

GuardDecision allow(std::string_view rule) {
  GuardDecision decision;
  decision.allowed = true;
  decision.rule = rule;
  return decision;
}

GuardDecision refuse(Challenge::Kind kind, std::string code, std::string detail, std::string scope = {}) {
  GuardDecision decision;
  decision.rule = code;
  decision.challenge = Challenge{kind, std::move(code), std::move(detail), std::move(scope)};
  return decision;
}

GuardDecision refuse(const jose::Error& error) {
  return refuse(Challenge::Kind::invalid_token, std::string(jose::code_name(error.code())), error.detail());
}

GuardDecision invalid_request(std::string code, std::string detail) {
  return refuse(Challenge::Kind::invalid_request, std::move(code), std::move(detail));
}

std::string kid_of(std::string_view token) {
  try {
    auto header = jose::parse_compact(token).header;
    auto kid = header.find("kid");
    if (kid != header.end() && kid->is_string()) return kid->get<std::string>();
  } catch (const jose::Error&) {
  }
  return {};
}

// A keep-alive connection stays on one worker thread and a client sends the same token on
// every request, so each thread remembers its last token's digest: a repeat costs a memcmp,
// not a SHA-256. (The token text was in this thread's request memory anyway.)
const TokenDigest& digest_of(std::string_view token) {
  struct LastToken {
    std::string text;
    TokenDigest digest{};
  };
  thread_local LastToken last;
  if (last.text != token) {
    last.digest = digest_token(token);
    last.text.assign(token);
  }
  return last.digest;
}

// The commonest mistakes with the header, in words: a bare JWT (no scheme at all), another
// scheme ("Token <jwt>" as DRF's TokenAuthentication, "JWT <jwt>", "Basic ..."), nothing.
std::string scheme_problem(std::string_view value, std::string_view scheme) {
  constexpr std::string_view kUse = "send 'Authorization: Bearer <token>'";
  if (base::trim(value).empty()) return "the Authorization header is empty; " + std::string(kUse);
  bool bare_jwt = scheme.size() == value.size() && std::count(value.begin(), value.end(), '.') == 2;
  if (bare_jwt) return "the Authorization header holds a bare token without the Bearer scheme; " + std::string(kUse);
  // The scheme is echoed back (at most 32 characters of it): it names no secret.
  std::string shown(scheme.substr(0, 32));
  if (scheme.size() > 32) shown += "...";
  return "the Authorization header uses the '" + shown + "' scheme, not Bearer; " + std::string(kUse);
}

}  // namespace

AuthGuard::AuthGuard(GuardSettings settings, AuthPolicy policy, std::shared_ptr<KeySource> keys,
                     std::function<std::int64_t()> now)
    : settings_(std::move(settings)),
      policy_(std::move(policy)),
      keys_(std::move(keys)),
      now_(std::move(now)),
      cache_(settings_.cache) {}

bool AuthGuard::admit(const httplib::Request& request, httplib::Response& response) {
  BearerInput input;
  input.method = request.method;
  input.path = request.path;
  // Looked up in place: the header value (the token) is not copied on the hot path.
  auto [first_header, end_header] = request.headers.equal_range("Authorization");
  input.authorization_count = static_cast<std::size_t>(std::distance(first_header, end_header));
  if (first_header != end_header) input.authorization = first_header->second;
  auto [first_param, end_param] = request.params.equal_range("access_token");
  input.query_token_count = static_cast<std::size_t>(std::distance(first_param, end_param));
  if (first_param != end_param) input.query_token = first_param->second;

  GuardDecision decision = decide(input);
  note_decision(decision.rule);
  if (decision.allowed) return true;
  write_challenge(response, decision.challenge, settings_.body_shape);
  return false;
}

GuardDecision AuthGuard::decide(const BearerInput& input) {
  Requirement requirement = policy_.requirement(input.method, input.path);
  if (requirement.kind == Requirement::Kind::open) return allow("public");
  if (requirement.kind == Requirement::Kind::unknown_resource) return allow("unknown_resource");

  // RFC 6750 §3.1: a repeated parameter or more than one way of sending the token is
  // invalid_request, answered with 400.
  if (input.authorization_count > 1)
    return invalid_request("multiple_authorization_headers",
                           "the request has " + std::to_string(input.authorization_count) +
                               " Authorization headers; exactly one is allowed");

  std::optional<std::string_view> header_token;
  std::string wrong_scheme;  // why the one Authorization header carries no bearer token
  if (input.authorization_count == 1) {
    std::string_view value = input.authorization;
    std::string_view scheme = value.substr(0, value.find(' '));
    if (base::iequals(scheme, "Bearer")) {  // RFC 7235 §2.1: the scheme is case-insensitive
      std::string_view rest = value.substr(scheme.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);  // 1*SP
      if (rest.empty())
        return invalid_request("missing_token", "the Authorization header names the Bearer scheme but holds no token");
      header_token = rest;
    }
    // Another scheme (Basic, Token...) carries no bearer token: answered as "no token" (RFC
    // 6750 §3.1: no error code for an unsupported method), but the body says what was sent.
    else wrong_scheme = scheme_problem(value, scheme);
  }

  std::string_view token;
  if (input.query_token_count > 0) {
    if (!settings_.allow_query_token)
      return invalid_request("query_token_refused",
                             "access_token in the URL query is refused (it leaks into logs and history, RFC 6750 "
                             "section 2.3); send it in the Authorization header");
    if (input.query_token_count > 1)
      return invalid_request("multiple_query_tokens", "the query has more than one access_token parameter");
    if (header_token)
      return invalid_request("token_in_header_and_query",
                             "the token was sent both in the Authorization header and in the query; use one");
    token = input.query_token;
  } else if (header_token) {
    token = *header_token;
  } else if (!wrong_scheme.empty()) {
    return refuse(Challenge::Kind::no_token, "wrong_scheme", std::move(wrong_scheme));
  } else {
    return refuse(Challenge::Kind::no_token, "no_token", "no bearer token was sent");
  }
  return check_token(token, requirement);
}

GuardDecision AuthGuard::check_token(std::string_view token, const Requirement& requirement) {
  // The rules are jose's (jose/token_validation.h), shared with `swapi token verify`; the guard
  // adds the cache and the refetch around them.
  // Both caches hold only tokens that passed the syntax check (they are filled by verify()),
  // and are keyed by the token's digest: a hit needs no second check, which was ~5% of the
  // instructions of a request. The size bound comes first so no oversized token is hashed.
  std::int64_t now = now_();
  GuardDecision refusal;
  std::shared_ptr<const VerifiedToken> verified;
  if (token.size() <= settings_.max_token_bytes) {
    const TokenDigest& digest = digest_of(token);
    verified = cache_.find(digest, now, keys_->generation());
    if (!verified) {
      if (auto rejected = cache_.find_rejected(digest, now, keys_->generation())) return refuse(*rejected);
    }
  }
  if (!verified) {
    try {
      jose::check_token_syntax(token, settings_.max_token_bytes);
    } catch (const jose::Error& error) {
      return refuse(error);
    }
    verified = verify(token, digest_of(token), now, refusal);
    if (!verified) return refusal;
  }
  if (!claims_hold(*verified, now, refusal)) return refusal;

  if (requirement.kind == Requirement::Kind::scopes) {
    auto missing =
        jose::missing_scopes(requirement.scopes, [&](std::string_view scope) { return verified->has_scope(scope); });
    if (!missing.empty())
      return refuse(Challenge::Kind::insufficient_scope, "insufficient_scope", jose::insufficient_scope_detail(missing),
                    jose::join_scopes(requirement.scopes));
  }
  return allow("ok");
}

std::shared_ptr<const VerifiedToken> AuthGuard::verify(std::string_view token, const TokenDigest& digest,
                                                       std::int64_t now, GuardDecision& refusal) {
  std::shared_ptr<const KeySet> set = keys_->current();
  std::optional<jose::SignedClaims> jws;
  for (bool retried = false; !jws;) {
    try {
      verifications_.fetch_add(1, std::memory_order_relaxed);
      // Signature, then the claims as a strict JSON object (RFC 7519 §7.2 step 10).
      jws = jose::verify_signed_claims(token, set->keys, set->algs);
    } catch (const jose::Error& error) {
      // An unknown kid may be a key the issuer just rotated in, and an empty set (a JWKS URL
      // unreachable so far) knows no alg at all: one refetch (rate-limited by the source),
      // then one more try.
      bool may_refetch = error.code() == jose::Errc::unknown_kid ||
                         (set->keys.empty() && error.code() == jose::Errc::alg_not_allowed);
      if (may_refetch && !retried && keys_->refresh_for_unknown_kid(kid_of(token))) {
        retried = true;
        set = keys_->current();
        continue;
      }
      // A bad signature stays bad for this key set: remember it briefly, so a flood of one
      // forged token costs one verification.
      if (error.code() == jose::Errc::bad_signature) cache_.insert_rejected(digest, error, now, set->generation);
      refusal = refuse(error);
      return nullptr;
    }
  }

  auto verified = std::make_shared<VerifiedToken>();
  verified->claims = std::move(jws->claims);
  verified->header = std::move(jws->header);
  for (const auto& scope : jose::extract_scopes(verified->claims)) verified->scopes.push_back(scope);  // set: sorted
  try {
    // Read first, so the cache entry never outlives exp even when another rule fails now.
    verified->times = jose::read_times(verified->claims);
  } catch (const jose::Error&) {
    // A non-number date: validate_claims below refuses it as malformed.
  }
  try {
    jose::validate_claims(verified->header, verified->claims, settings_.claims, now);
    verified->claims_valid = true;
  } catch (const jose::Error& error) {
    // Expiry is for good: remember it like a bad signature (the positive cache never holds a
    // token past exp). Other failures are re-evaluated per request by claims_hold.
    if (error.code() == jose::Errc::expired) cache_.insert_rejected(digest, error, now, set->generation);
  }
  cache_.insert(digest, verified, now, set->generation);
  return verified;
}

bool AuthGuard::claims_hold(const VerifiedToken& token, std::int64_t now, GuardDecision& refusal) const {
  if (token.claims_valid) {
    // Everything but time held at verification; jose's time rules on the NumericDates read then.
    if (jose::times_hold(token.times, settings_.claims, now)) return true;
  }
  // Something fails: jose gives the exact rule and sentence.
  try {
    jose::validate_claims(token.header, token.claims, settings_.claims, now);
    return true;
  } catch (const jose::Error& error) {
    refusal = refuse(error);
    return false;
  }
}

}  // namespace swapi::server
