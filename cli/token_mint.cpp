// `swapi token mint`: a good token from the keyset's active key (or --kid, --alg, --key), or a
// defective one from the catalogue; --count N for load tests.
#include <algorithm>
#include <ostream>
#include <thread>

#include "base/diagnostic.h"
#include "cli/cli_support.h"
#include "cli/exit_codes.h"
#include "cli/token_command.h"
#include "jose/error.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "jose/key_policy.h"
#include "state/keyset_store.h"
#include "testkit/defect_catalogue.h"
#include "testkit/mint.h"

namespace swapi::cli {

namespace {

const char* kWhat = "token mint";

struct Signer {
  jose::Jwk key;
  std::vector<jose::Jwk> trusted;  // what a server trusting this keyset verifies with
};

Signer key_from_pem(const TokenOptions& o, Context& context) {
  jose::Jwk key = load_pem_key(context, o.key_file, o.alg, o.kid, /*signing=*/true, "token mint --key");
  return {key, {jose::public_part(key)}};
}

Signer key_from_keyset(const TokenOptions& o, Context& context, const std::string& dir) {
  server::Keyset keyset = server::open_keyset(dir, context.now());
  std::optional<jose::Alg> alg;
  if (!o.alg.empty()) alg = parse_alg_option(o.alg, "token mint --alg");
  const server::StoredKey* chosen = nullptr;
  if (!o.kid.empty()) {
    chosen = keyset.find(o.kid);
    if (!chosen)
      throw base::Diagnostic(kWhat, "no key with kid \"" + o.kid + "\" in the keyset " + dir,
                             "`swapi keys list` shows the keys");
    if (alg && chosen->key.alg != alg)
      throw UsageError(kWhat, "key \"" + o.kid + "\" signs " +
                                  (chosen->key.alg ? std::string(jose::alg_name(*chosen->key.alg)) : "nothing") +
                                  ", not " + std::string(jose::alg_name(*alg)),
                       "drop --alg, or choose another --kid");
  } else if (alg) {
    // The active key when it fits, else the first key of that algorithm.
    if (keyset.active().key.alg == alg) chosen = &keyset.active();
    for (const auto& stored : keyset.keys())
      if (!chosen && stored.key.alg == alg && stored.key.is_private) chosen = &stored;
    if (!chosen)
      throw base::Diagnostic(kWhat, "the keyset has no " + std::string(jose::alg_name(*alg)) + " key",
                             "add one: swapi keys gen --alg " + std::string(jose::alg_name(*alg)));
  } else {
    chosen = &keyset.active();
  }
  if (!chosen->key.is_private)
    throw base::Diagnostic(kWhat, "key \"" + chosen->key.kid + "\" is a public key: it cannot sign",
                           "choose a private key (swapi keys list), or --key FILE.pem");
  return {chosen->key, keyset.public_keys()};
}

nlohmann::json decoded(const std::string& token, bool header) {
  try {
    auto jws = jose::parse_compact(token);
    return header ? jws.header : nlohmann::json::parse(jws.payload);
  } catch (const std::exception&) {
    return nullptr;  // a malformed defect has no header or claims to show
  }
}

std::string placement_name(testkit::Credentials::Placement placement) {
  switch (placement) {
    case testkit::Credentials::Placement::none: return "none";
    case testkit::Credentials::Placement::header: return "header";
    case testkit::Credentials::Placement::two_headers: return "two_headers";
    case testkit::Credentials::Placement::query: return "query";
  }
  return "header";
}

// The defect --defect names: a defect, or the defect of one of its cases
// ("alg-none-upper-kid" belongs to alg-none). A typo is a usage error with a did-you-mean,
// found before any key is read.
const testkit::Defect& named_defect(const std::string& name) {
  if (const auto* defect = testkit::find_defect(name)) return *defect;
  const testkit::Defect* owner = nullptr;
  for (const auto& defect : testkit::defect_catalogue())
    if (name.starts_with(std::string(defect.name) + "-") && (!owner || defect.name.size() > owner->name.size()))
      owner = &defect;
  if (owner) return *owner;
  auto guess = testkit::suggest_defect(name);
  throw UsageError(kWhat, "no defect \"" + name + "\"",
                   guess ? "did you mean " + *guess + "? (swapi token defects lists them)"
                         : "swapi token defects lists them");
}

// --defect NAME: a defect's cases, or the one case of that name.
std::vector<testkit::AttackCase> defect_cases(const std::string& name, const testkit::CaseContext& context) {
  const testkit::Defect& defect = named_defect(name);
  auto cases = testkit::cases_for(defect, context);
  if (defect.name == name) return cases;
  for (auto& attack : cases)
    if (attack.name == name) return {attack};
  std::string names;
  for (const auto& attack : cases) names += (names.empty() ? "" : ", ") + attack.name;
  throw UsageError(kWhat, "defect " + std::string(defect.name) + " has no case \"" + name + "\"",
                   names.empty() ? "swapi token defects lists the defects" : "its cases here: " + names);
}

int mint_defect(const TokenOptions& o, Context& context, const Signer& signer, const testkit::TokenSpec& spec) {
  testkit::CaseContext cases_context;
  cases_context.signing_key = signer.key;
  cases_context.issuer = spec.issuer;
  cases_context.audience = spec.audiences.empty() ? "" : spec.audiences.front();
  cases_context.subject = spec.subject;
  cases_context.scopes = spec.scopes;
  cases_context.now = spec.issued_at;
  cases_context.ttl = spec.expires_at ? *spec.expires_at - spec.issued_at : 3600;
  cases_context.trusted_public_keys = signer.trusted;
  cases_context.extra_claims = spec.extra_claims;
  cases_context.extra_header = spec.extra_header;
  auto cases = defect_cases(o.defect, cases_context);
  if (cases.empty()) {
    std::string hint = o.defect == "missing-scope"       ? "give the scopes the route needs: --scope read:films"
                       : o.defect == "psychic-signature" ? "it needs an EC key: swapi keys gen --alg ES256, then --alg ES256"
                                                         : "swapi token defects says what each one needs";
    throw UsageError(kWhat, "defect " + o.defect + " gives no token with this key and these options", hint);
  }
  if (cases.size() == 1 && cases.front().credentials.placement == testkit::Credentials::Placement::none)
    throw UsageError(kWhat, o.defect + " is a request without a token: there is nothing to mint",
                     "swapi call --defect " + o.defect + " sends it");
  auto& err = *context.err;
  if (cases.size() > 1) {
    err << "swapi token mint: " << o.defect << " has " << cases.size() << " cases, one per line:";
    for (const auto& attack : cases) err << " " << attack.name;
    err << "\n";
  }
  for (const auto& attack : cases) {
    const auto& credentials = attack.credentials;
    if (!o.json && (credentials.placement != testkit::Credentials::Placement::header || credentials.scheme != "Bearer"))
      err << "swapi token mint: " << attack.name << " is about how the token is sent (" << attack.description
          << "); swapi call --defect " << attack.defect << " sends it so\n";
    if (o.json) {
      nlohmann::json line = {{"case", attack.name},
                             {"defect", attack.defect},
                             {"description", attack.description},
                             {"expected", attack.expected},
                             {"placement", placement_name(credentials.placement)},
                             {"scheme", credentials.scheme},
                             {"token", credentials.token},
                             {"header", decoded(credentials.token, true)},
                             {"claims", decoded(credentials.token, false)}};
      *context.out << line.dump() << "\n";
    } else {
      *context.out << credentials.token << "\n";
    }
  }
  return kSuccess;
}

testkit::TokenSpec token_spec(const TokenOptions& o, Context& context, const std::string& dir) {
  IssuerDefaults defaults = issuer_defaults(dir);
  std::int64_t now = context.now();
  testkit::TokenSpec spec;
  spec.issuer = o.iss.empty() ? defaults.issuer : o.iss;
  // One audience is enough: serve accepts a token whose aud contains any expected one.
  spec.audiences = o.aud.empty() ? std::vector<std::string>{defaults.audiences.front()} : o.aud;
  spec.subject = o.sub;
  spec.scopes = split_scopes(o.scopes);
  spec.issued_at = o.iat.empty() ? now : parse_time(o.iat, now, "--iat");
  spec.expires_at = spec.issued_at + parse_duration(o.ttl, "--ttl");
  if (!o.nbf.empty()) spec.not_before = parse_time(o.nbf, now, "--nbf");
  if (!o.claims_file.empty()) {
    std::string text = read_argument(context, o.claims_file, "token mint --claims");
    auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object())
      throw UsageError("token mint --claims", (o.claims_file == "-" ? "stdin" : o.claims_file) +
                                                  " does not hold a JSON object",
                       R"(e.g. {"tenant": "acme", "roles": ["admin"]})");
    testkit::merge_members(spec.extra_claims, parsed);
  }
  for (const auto& item : o.claims) {
    auto [name, value] = parse_member(item, "--claim");
    spec.extra_claims[name] = value;
  }
  for (const auto& item : o.headers) {
    auto [name, value] = parse_member(item, "--header");
    if (name == "alg")
      throw UsageError("--header", "alg comes from the signing key", "use --alg (or --defect alg-none for unsigned tokens)");
    spec.extra_header[name] = value;
  }
  return spec;
}

}  // namespace

int run_mint(const TokenOptions& o, Context& context) {
  if (o.count > 1 && !o.defect.empty())
    throw UsageError(kWhat, "--count and --defect do not go together", "mint defects one at a time");
  if (!o.defect.empty()) named_defect(o.defect);  // a typo costs no keyset read
  std::string dir = state_dir(context, o.keys_dir);
  testkit::TokenSpec spec = token_spec(o, context, dir);
  if (o.count > 1 && spec.extra_claims.contains("jti"))
    throw UsageError(kWhat, "--count gives each token its own jti", "drop the jti claim");
  Signer signer = o.key_file.empty() ? key_from_keyset(o, context, dir) : key_from_pem(o, context);
  if (!o.defect.empty()) return mint_defect(o, context, signer, spec);

  if (o.json) {
    for (std::size_t i = 0; i < o.count; ++i) {
      std::string token = testkit::mint_token(signer.key, spec);
      *context.out << nlohmann::json{{"token", token}, {"header", decoded(token, true)},
                                     {"claims", decoded(token, false)}}.dump()
                   << "\n";
    }
    return kSuccess;
  }
  if (o.count == 1) {
    *context.out << testkit::mint_token(signer.key, spec) << "\n";
    return kSuccess;
  }
  // Both cores when there is enough work to share; the keyset was read once, above.
  unsigned threads = o.count >= 1000 ? std::clamp(std::thread::hardware_concurrency(), 1u, 8u) : 1u;
  testkit::mint_batch(signer.key, spec, o.count, threads, *context.out);
  return kSuccess;
}

}  // namespace swapi::cli
