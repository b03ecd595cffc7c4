#include "cli/cli_support.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <sstream>

#include "base/ascii.h"
#include "base/closest_match.h"
#include "base/diagnostic.h"
#include "cli/exit_codes.h"
#include "jose/error.h"
#include "jose/key_policy.h"
#include "jose/keygen.h"
#include "jose/strict_json.h"
#include "state/state_dir.h"

namespace swapi::cli {

namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string state_dir(const Context& context, const std::string& keys_option) {
  return server::resolve_state_dir(keys_option, context.getenv("SWAPI_HOME"), context.getenv("XDG_STATE_HOME"),
                                   context.getenv("HOME"));
}

server::WarningSink state_warnings(const Context& context) {
  return [err = context.err](const std::string& line) { *err << "swapi: " << line << "\n"; };
}

std::string read_argument(const Context& context, const std::string& value, std::string_view what) {
  // A PEM key, a claims object, a JWKS or a token is kilobytes: a bound keeps /dev/zero, a
  // wrong file or an endless pipe from filling memory before anything is said.
  auto read_bounded = [&](std::istream& in, const std::string& name) {
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (text.size() > kMaxArgumentBytes)
        throw base::Diagnostic(std::string(what), name + " holds more than " + std::to_string(kMaxArgumentBytes >> 20) +
                                                      " MiB, far more than a key, a token or a claims object",
                               "check the path");
    }
    return text;
  };
  if (value == "-") {
    if (!context.in) return {};
    return read_bounded(*context.in, "stdin");
  }
  std::error_code error;
  if (std::filesystem::is_directory(value, error))
    throw base::Diagnostic(std::string(what), "cannot read " + value + ": it is a directory", "give a file");
  std::ifstream file(value, std::ios::binary);
  if (!file)
    throw base::Diagnostic(std::string(what), "cannot read " + value + ": " + std::strerror(errno),
                           "check the path and permissions");
  return read_bounded(file, value);
}

std::string token_argument(const Context& context, const std::string& value) {
  std::string text = value == "-" ? read_argument(context, value, "token") : value;
  std::string_view token = base::trim(text, " \t\r\n");
  if (token.size() > 7 && base::iequals(token.substr(0, 7), "Bearer ")) token = base::trim(token.substr(7));
  return std::string(token);
}

std::int64_t parse_duration(std::string_view text, std::string_view option) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  std::int64_t unit = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 's': unit = 1; digits.remove_suffix(1); break;
      case 'm': unit = 60; digits.remove_suffix(1); break;
      case 'h': unit = 3600; digits.remove_suffix(1); break;
      case 'd': unit = 86400; digits.remove_suffix(1); break;
      default: break;
    }
  }
  auto value = parse_integer(digits);
  if (digits.empty() || !value || *value < 0 || *value > 100LL * 365 * 86400 / unit)
    throw UsageError(std::string(option), "'" + std::string(text) + "' is not a duration",
                     "use seconds or a number with s, m, h or d: 90, 15m, 1h, 2d");
  return (negative ? -1 : 1) * *value * unit;
}

std::int64_t parse_time(std::string_view text, std::int64_t now, std::string_view option) {
  if (text == "now") return now;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    try {
      return now + parse_duration(text, option);
    } catch (const UsageError&) {
    }
  } else if (auto value = parse_integer(text); value && *value >= 0) {
    return *value;
  }
  throw UsageError(std::string(option), "'" + std::string(text) + "' is not a time",
                   "use now, a Unix time (1767225600) or an offset from now (+5m, -1h)");
}

std::pair<std::string, nlohmann::json> parse_member(std::string_view text, std::string_view option) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw UsageError(std::string(option), "'" + std::string(text) + "' is not name=value",
                     "e.g. " + std::string(option) + " tenant=acme or " + std::string(option) +
                         " 'roles=[\"admin\"]' (values that parse as JSON are JSON)");
  std::string name(text.substr(0, eq));
  std::string_view value = text.substr(eq + 1);
  // JSON when it is JSON (numbers, booleans, arrays, objects, quoted strings), else the text.
  // (Nesting deeper than jose::kMaxJsonDepth is text too: no header or claim needs it.)
  nlohmann::json parsed = jose::parse_loose_json(value);
  if (parsed.is_discarded()) parsed = std::string(value);
  return {std::move(name), std::move(parsed)};
}

jose::Alg parse_alg_option(std::string_view text, std::string_view option) {
  if (auto alg = jose::parse_alg(text)) return *alg;
  std::string known;
  std::vector<std::string_view> names;
  for (jose::Alg alg : jose::all_algs()) {
    names.push_back(jose::alg_name(alg));
    known += (known.empty() ? "" : ", ") + std::string(jose::alg_name(alg));
  }
  if (base::iequals(text, "none"))
    throw UsageError(std::string(option), "\"" + std::string(text) + "\" is not a signing algorithm",
                     "unsigned tokens come from --defect alg-none");
  auto guess = base::closest_match(text, names);
  throw UsageError(std::string(option), "unknown algorithm \"" + std::string(text) + "\"",
                   guess ? "did you mean " + *guess + "? (known: " + known + ")" : "choose from " + known);
}

jose::Jwk load_pem_key(const Context& context, const std::string& file, const std::string& alg_option,
                       const std::string& kid_option, bool signing, const std::string& what) {
  std::string pem = read_argument(context, file, what);
  jose::Jwk key;
  try {
    key = jose::import_pem(pem);
  } catch (const jose::Error& error) {
    throw base::Diagnostic(what, file + ": " + error.detail(),
                           signing ? "PKCS#8 \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\", unencrypted"
                                   : "PKCS#8, SubjectPublicKeyInfo, \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\", "
                                     "unencrypted");
  }
  if (signing && !key.is_private)
    throw base::Diagnostic(what, file + " holds a public key; signing needs the private key");
  auto alg = alg_option.empty() ? jose::default_alg(key) : parse_alg_option(alg_option, what + " --alg");
  if (!alg) throw base::Diagnostic(what, file + ": no algorithm fits this key", "pass --alg");
  if (auto unfit = jose::key_unfit_for(key, *alg, signing)) {
    // A weak key (RSA under 2048 bits) fits no --alg: it is the file that is wrong (exit 3),
    // not the options.
    if (unfit->code == jose::Errc::weak_key)
      throw base::Diagnostic(what, file + ": " + unfit->reason, "use an RSA key of 2048 bits or more");
    throw UsageError(what, std::string(jose::alg_name(*alg)) + " does not fit this key: " + unfit->reason,
                     "pass the --alg of the key's family (RS*/PS* for RSA, ES* for its curve, EdDSA)");
  }
  key.alg = alg;
  key.use = "sig";
  key.kid = kid_option.empty() ? jose::thumbprint(key) : kid_option;
  return key;
}

std::string rough_duration(std::int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " d";
}

std::string relative_time(std::string_view claim, std::int64_t at, std::int64_t now) {
  std::string span = rough_duration(at - now);
  bool future = at > now;
  if (claim == "exp") return future ? "expires in " + span : "expired " + span + " ago";
  if (claim == "nbf") return future ? "valid in " + span : "valid since " + span;
  if (claim == "iat") return future ? "issued in the future, in " + span : "issued " + span + " ago";
  return future ? "in " + span : span + " ago";
}

}  // namespace swapi::cli
