// JWT claim checks (RFC 7519 §4.1, §7.2) and RFC 9068 §2.1 typ, with an injected clock.
#include "jose/claims.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <sstream>

#include "base/ascii.h"
#include "base/utc_time.h"
#include "jose/error.h"

namespace swapi::jose {
namespace {

using nlohmann::json;

[[noreturn]] void fail(Errc code, std::string why) { throw Error(code, std::move(why)); }

// "2011-03-22T18:43:00Z", or the raw number when it is outside the calendar.
std::string format_time(double seconds) {
  if (!(seconds > -62135596800.0 && seconds < 253402300800.0)) {  // years 1..9999
    std::ostringstream raw;
    raw << seconds;
    return raw.str();
  }
  return base::format_utc(static_cast<std::time_t>(std::floor(seconds)));
}

// A NumericDate (RFC 7519 §2): a JSON number, integer or not. nullopt when absent.
std::optional<double> numeric_date(const json& claims, const char* name) {
  auto member = claims.find(name);
  if (member == claims.end()) return std::nullopt;
  if (!member->is_number()) {
    fail(Errc::malformed, std::string("claim \"") + name + "\" is not a number (NumericDate)");
  }
  return member->get<double>();
}

// The first time rule that fails, or nullopt.
std::optional<Errc> time_failure(const TokenTimes& times, const ClaimsPolicy& policy, std::int64_t now) noexcept {
  double current = static_cast<double>(now);
  double leeway = static_cast<double>(policy.leeway.count());
  if (!times.exp && policy.require_exp) return Errc::missing_exp;
  // RFC 7519 §4.1.4: the current time MUST be before exp.
  if (times.exp && current >= *times.exp + leeway) return Errc::expired;
  if (times.nbf && *times.nbf > current + leeway) return Errc::not_yet_valid;
  if (times.iat && *times.iat > current + leeway) return Errc::issued_in_future;
  return std::nullopt;
}

std::string media_type_key(std::string_view typ) {
  std::string lower = base::to_lower(typ);
  constexpr std::string_view prefix = "application/";
  if (lower.starts_with(prefix)) lower.erase(0, prefix.size());
  return lower;
}

void check_typ(const json& header, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return;
  auto typ = header.find("typ");
  if (typ == header.end()) fail(Errc::wrong_typ, "header has no typ; expected one of the allowed types");
  if (!typ->is_string()) fail(Errc::malformed, "header member \"typ\" is not a string");
  std::string presented = media_type_key(typ->get_ref<const std::string&>());
  for (const std::string& candidate : allowed) {
    if (media_type_key(candidate) == presented) return;
  }
  std::string list;
  for (const std::string& candidate : allowed) list += (list.empty() ? "" : ", ") + candidate;
  fail(Errc::wrong_typ, "typ \"" + typ->get<std::string>() + "\" is not one of " + list);
}

void check_issuer(const json& claims, const std::string& expected) {
  auto iss = claims.find("iss");
  if (iss != claims.end() && !iss->is_string()) fail(Errc::malformed, "claim \"iss\" is not a string");
  if (expected.empty()) return;
  if (iss == claims.end()) fail(Errc::wrong_iss, "token has no iss; expected \"" + expected + "\"");
  const std::string& presented = iss->get_ref<const std::string&>();
  // Exact comparison: Auth0 issuers end in '/', and no slash is added or dropped.
  if (presented != expected) {
    fail(Errc::wrong_iss, "iss \"" + presented + "\" is not \"" + expected + "\"");
  }
}

void check_audience(const json& claims, const std::vector<std::string>& expected) {
  auto aud = claims.find("aud");
  std::vector<std::string> presented;
  if (aud != claims.end()) {
    if (aud->is_string()) {
      presented.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const json& entry : *aud) {
        if (!entry.is_string()) fail(Errc::malformed, "claim \"aud\" holds a non-string value");
        presented.push_back(entry.get<std::string>());
      }
    } else {
      fail(Errc::malformed, "claim \"aud\" is neither a string nor an array of strings");
    }
  }
  if (expected.empty()) return;
  std::string wanted;
  for (const std::string& audience : expected) wanted += (wanted.empty() ? "\"" : ", \"") + audience + "\"";
  if (aud == claims.end()) fail(Errc::wrong_aud, "token has no aud; expected " + wanted);
  for (const std::string& audience : presented) {
    if (std::find(expected.begin(), expected.end(), audience) != expected.end()) return;
  }
  fail(Errc::wrong_aud, "aud " + aud->dump() + " does not contain " + wanted);
}

}  // namespace

TokenTimes read_times(const json& claims) {
  return TokenTimes{numeric_date(claims, "exp"), numeric_date(claims, "nbf"), numeric_date(claims, "iat")};
}

bool times_hold(const TokenTimes& times, const ClaimsPolicy& policy, std::int64_t now) noexcept {
  return !time_failure(times, policy, now);
}

void check_times(const TokenTimes& times, const ClaimsPolicy& policy, std::int64_t now) {
  std::optional<Errc> failure = time_failure(times, policy, now);
  if (!failure) return;
  std::string leeway_text = " (now " + format_time(static_cast<double>(now)) + ", leeway " +
                            std::to_string(policy.leeway.count()) + " s)";
  switch (*failure) {
    case Errc::missing_exp: fail(Errc::missing_exp, "token has no exp claim");
    case Errc::expired: fail(Errc::expired, "token expired at " + format_time(*times.exp) + leeway_text);
    case Errc::not_yet_valid:
      fail(Errc::not_yet_valid, "token is not valid before " + format_time(*times.nbf) + leeway_text);
    default:
      fail(Errc::issued_in_future, "token was issued in the future, at " + format_time(*times.iat) + leeway_text);
  }
}

void validate_claims(const json& header, const json& claims, const ClaimsPolicy& policy,
                     std::int64_t now) {
  if (!claims.is_object()) fail(Errc::malformed, "claims are not a JSON object");
  check_typ(header, policy.allowed_typ);
  check_times(read_times(claims), policy, now);
  check_issuer(claims, policy.issuer);
  check_audience(claims, policy.audiences);
}

}  // namespace swapi::jose
