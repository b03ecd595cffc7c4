// `swapi token decode` (show what a token says, verify nothing) and `swapi token verify` (the
// resource server's rules: jose::validate_token, the code path `swapi serve`'s guard uses).
#include <ostream>

#include "base/diagnostic.h"
#include "base/utc_time.h"
#include "cli/cli_support.h"
#include "cli/exit_codes.h"
#include "cli/token_command.h"
#include "http/client.h"
#include "jose/base64url.h"
#include "jose/error.h"
#include "jose/strict_json.h"
#include "jose/token_validation.h"
#include "server/auth/key_source.h"
#include "server/auth/remote_jwks.h"
#include "state/keyset_store.h"

namespace swapi::cli {

namespace {

struct Decoded {
  nlohmann::json header, claims;  // null when a segment is not JSON
  std::size_t signature_bytes = 0;
  std::vector<std::string> warnings;
};

// base64url, strictly; else leniently (padding, '+', '/') with a warning, as a debugging aid.
std::optional<std::string> decode_segment(std::string_view segment, const char* name, Decoded& decoded) {
  if (auto bytes = jose::base64url_decode(segment)) return bytes;
  std::string repaired(segment);
  while (!repaired.empty() && repaired.back() == '=') repaired.pop_back();
  for (char& c : repaired) c = c == '+' ? '-' : c == '/' ? '_' : c;
  auto bytes = jose::base64url_decode(repaired);
  if (bytes) decoded.warnings.push_back(std::string(name) + " segment is not strict base64url (a server refuses it)");
  return bytes;
}

nlohmann::json decode_json(const std::string& text, const char* name, Decoded& decoded) {
  try {
    return jose::parse_strict_object(text, name);
  } catch (const jose::Error& error) {
    decoded.warnings.push_back(error.detail() + " (a server refuses it)");
  }
  auto loose = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return loose.is_discarded() ? nlohmann::json(text) : loose;
}

// Throws jose::Error(malformed) when the text is not even a token.
Decoded decode(const std::string& token) {
  Decoded decoded;
  std::vector<std::string_view> segments;
  std::string_view rest = token;
  for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos; rest.remove_prefix(dot + 1))
    segments.push_back(rest.substr(0, dot));
  segments.push_back(rest);
  if (segments.size() == 5) throw jose::Error(jose::Errc::malformed, "5 segments: an encrypted token (JWE)");
  if (segments.size() < 2) throw jose::Error(jose::Errc::malformed, "a JWT has segments separated by '.'");
  if (segments.size() != 3)
    decoded.warnings.push_back(std::to_string(segments.size()) + " segments, not 3 (a server refuses it)");
  auto header = decode_segment(segments[0], "header", decoded);
  auto payload = decode_segment(segments[1], "payload", decoded);
  if (!header || !payload) throw jose::Error(jose::Errc::malformed, "the segments are not base64url");
  decoded.header = decode_json(*header, "header", decoded);
  decoded.claims = decode_json(*payload, "payload", decoded);
  if (segments.size() >= 3) {
    if (auto signature = jose::base64url_decode(segments[2])) decoded.signature_bytes = signature->size();
  }
  return decoded;
}

std::optional<std::int64_t> time_claim(const nlohmann::json& claims, const char* name) {
  if (!claims.is_object()) return std::nullopt;
  auto member = claims.find(name);
  if (member == claims.end() || !member->is_number()) return std::nullopt;
  return static_cast<std::int64_t>(member->get<double>());
}

// The trusted keys, chosen as serve chooses them (server/auth/key_source.h): the local keyset's
// published keys, or a JWKS file (HMAC secrets allowed, as --jwks-file), or a JWKS URL (as
// --jwks-uri: https or loopback). Throws base::Diagnostic (exit 3) when none can be had.
server::KeySet trusted_keys(const TokenOptions& o, Context& context, const std::string& dir) {
  const std::string what = "token verify --jwks";
  auto report = [&](const std::vector<std::string>& skipped) {
    for (const auto& why : skipped) *context.err << "swapi token verify: skipped " << why << "\n";
  };
  if (o.jwks.empty()) {
    server::Keyset keyset = server::open_keyset(dir, context.now());
    auto build = server::build_key_set(keyset.public_keys(), {}, false, 1);
    report(build.skipped);
    return build.set;
  }
  bool url = o.jwks.starts_with("http://") || o.jwks.starts_with("https://");
  std::string text;
  if (url) {
    try {
      server::check_jwks_url(o.jwks);
    } catch (const base::Diagnostic& error) {
      throw base::Diagnostic(what, error.why, error.hint);
    }
    http::Response response;
    try {
      response = http::fetch({"GET", o.jwks, {{"Accept", "application/json"}}, {}});
    } catch (const http::Error& error) {
      throw base::Diagnostic(what, "cannot fetch " + o.jwks + ": " + error.detail(), "is the issuer running?");
    }
    if (response.status != 200)
      throw base::Diagnostic(what, o.jwks + " answered " + std::to_string(response.status), "check the URL");
    text = std::move(response.body);
  } else {
    text = read_argument(context, o.jwks, what);
  }
  jose::JwksLoad load;
  try {
    load = jose::parse_jwks(text);
  } catch (const jose::Error& error) {
    throw base::Diagnostic(what, o.jwks + " is not a JWKS: " + error.detail());
  }
  report(load.rejected);
  auto build = server::build_key_set(std::move(load.keys), {}, /*allow_secrets=*/!url, 1);
  report(build.skipped);
  if (build.set.keys.empty()) throw base::Diagnostic(what, o.jwks + " has no usable key");
  return build.set;
}

// The sentence for a failed rule; the time rules are told relative to now, as a person reads them.
std::string explain(const jose::Error& error, const std::string& token, std::int64_t now, int leeway) {
  Decoded decoded;
  try {
    decoded = decode(token);
  } catch (const jose::Error&) {
    return error.detail();
  }
  auto at = [&](const char* claim) { return base::format_utc(static_cast<std::time_t>(*time_claim(decoded.claims, claim))); };
  std::string tail = ", leeway " + std::to_string(leeway) + " s)";
  switch (error.code()) {
    case jose::Errc::expired:
      if (time_claim(decoded.claims, "exp"))
        return "token " + relative_time("exp", *time_claim(decoded.claims, "exp"), now) + " (exp " + at("exp") + tail;
      break;
    case jose::Errc::not_yet_valid:
      if (time_claim(decoded.claims, "nbf"))
        return "token is " + relative_time("nbf", *time_claim(decoded.claims, "nbf"), now) + " (nbf " + at("nbf") + tail;
      break;
    case jose::Errc::issued_in_future:
      if (time_claim(decoded.claims, "iat"))
        return "token was " + relative_time("iat", *time_claim(decoded.claims, "iat"), now) + " (iat " + at("iat") + tail;
      break;
    default: break;
  }
  return error.detail();
}

std::string hint_for(jose::Errc code) {
  switch (code) {
    case jose::Errc::wrong_iss: return "pass --iss to verify a token of another issuer";
    case jose::Errc::wrong_aud: return "pass --aud to verify a token for another API";
    case jose::Errc::unknown_kid:
    case jose::Errc::no_matching_key: return "is it from another issuer? pass --jwks FILE|URL with its keys";
    case jose::Errc::insufficient_scope: return "mint one with the scope: swapi token mint --scope ...";
    default: return {};
  }
}

}  // namespace

int run_decode(const TokenOptions& o, Context& context) {
  std::string token = token_argument(context, o.token);
  Decoded decoded;
  try {
    decoded = decode(token);
  } catch (const jose::Error& error) {
    *context.err << "swapi: token decode: not a JWT: " << error.detail() << "\n";
    return kCheckFailed;
  }
  std::int64_t now = context.now();
  *context.err << "swapi token decode: nothing was verified (signature, issuer, audience, expiry); "
                  "swapi token verify checks them\n";
  for (const auto& warning : decoded.warnings) *context.err << "swapi token decode: warning: " << warning << "\n";
  nlohmann::json times = nlohmann::json::object();
  for (const char* claim : {"iat", "nbf", "exp"}) {
    if (auto at = time_claim(decoded.claims, claim))
      times[claim] = {{"unix", *at},
                      {"utc", base::format_utc(static_cast<std::time_t>(*at))},
                      {"relative", relative_time(claim, *at, now)}};
  }
  auto& out = *context.out;
  if (o.json) {
    out << nlohmann::json{{"header", decoded.header},       {"claims", decoded.claims},
                          {"times", times},                 {"signature_bytes", decoded.signature_bytes},
                          {"warnings", decoded.warnings},   {"verified", false}}
               .dump(2)
        << "\n";
    return kSuccess;
  }
  out << "header\n" << decoded.header.dump(2) << "\nclaims\n" << decoded.claims.dump(2) << "\n";
  if (!times.empty()) {
    out << "times\n";
    for (const char* claim : {"iat", "nbf", "exp"}) {
      if (times.contains(claim))
        out << "  " << claim << "  " << times[claim]["utc"].get<std::string>() << "  "
            << times[claim]["relative"].get<std::string>() << "\n";
    }
  }
  out << "signature  " << decoded.signature_bytes << " bytes\n";
  return kSuccess;
}

int run_verify(const TokenOptions& o, Context& context) {
  std::string token = token_argument(context, o.token);
  std::string dir = state_dir(context, o.keys_dir);
  server::KeySet keys = trusted_keys(o, context, dir);
  IssuerDefaults defaults = issuer_defaults(dir);
  jose::TokenRules rules;
  rules.claims.issuer = o.iss.empty() ? defaults.issuer : o.iss;
  rules.claims.audiences = o.aud.empty() ? defaults.audiences : o.aud;
  rules.claims.leeway = std::chrono::seconds(o.leeway);
  rules.required_scopes = split_scopes(o.scopes);
  std::int64_t now = context.now();
  auto& out = *context.out;
  try {
    auto verified = jose::validate_token(token, keys.keys, keys.algs, rules, now);
    std::string kid = verified.key->kid.empty() ? "the trusted key" : "kid \"" + verified.key->kid + "\"";
    std::string expiry;
    if (auto exp = time_claim(verified.claims, "exp")) expiry = "; " + relative_time("exp", *exp, now);
    if (o.json) {
      out << nlohmann::json{{"valid", true}, {"alg", jose::alg_name(verified.alg)}, {"kid", verified.key->kid},
                            {"header", verified.header}, {"claims", verified.claims}}
                 .dump(2)
          << "\n";
    } else {
      out << "valid: signed by " << kid << " (" << jose::alg_name(verified.alg) << ")" << expiry << "\n";
    }
    return kSuccess;
  } catch (const jose::Error& error) {
    std::string rule(jose::code_name(error.code()));
    std::string why = explain(error, token, now, o.leeway);
    if (o.json) out << nlohmann::json{{"valid", false}, {"rule", rule}, {"detail", why}}.dump(2) << "\n";
    *context.err << "swapi: token invalid: " << rule << ": " << why << "\n";
    if (auto hint = hint_for(error.code()); !hint.empty()) *context.err << "  hint: " << hint << "\n";
    return kCheckFailed;
  }
}

}  // namespace swapi::cli
