// `swapi token`: the subcommands' options (DESIGN.md "CLI") and `token defects`.
#include "cli/token_command.h"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <ostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage.h"
#include "jose/scopes.h"
#include "testkit/defect_catalogue.h"

namespace swapi::cli {

std::vector<std::string> split_scopes(const std::vector<std::string>& values) {
  std::vector<std::string> scopes;
  for (const auto& value : values)
    for (auto& scope : jose::split_scopes(value, " ,")) scopes.push_back(std::move(scope));
  return scopes;
}

int run_defects(const TokenOptions& o, Context& context) {
  auto& out = *context.out;
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& defect : testkit::defect_catalogue()) {
      list.push_back({{"name", defect.name},
                      {"expected", defect.expected},
                      {"sentence", defect.sentence},
                      {"needs_private_key", defect.needs_private_key},
                      {"black_box", defect.black_box}});
    }
    out << nlohmann::json{{"defects", list}}.dump(2) << "\n";
    return kSuccess;
  }
  std::size_t width = 0;
  for (const auto& defect : testkit::defect_catalogue()) width = std::max(width, defect.name.size());
  for (const auto& defect : testkit::defect_catalogue()) {
    out << std::left << std::setw(static_cast<int>(width)) << defect.name << "  " << std::setw(15)
        << testkit::statuses_text(defect.expected) << "  " << defect.sentence << "\n";
  }
  return kSuccess;
}

namespace {


void add_mint_options(CLI::App& mint, TokenOptions& o) {
  mint.add_option("--alg", o.alg, "Sign with the keyset's key of this algorithm (default: the active key)")->type_name("ALG");
  mint.add_option("--kid", o.kid, "Sign with this key of the keyset (with --key: the kid to put in the header)")->type_name("KID");
  mint.add_option("--key", o.key_file, "Sign with this PEM private key instead of the keyset")->type_name("FILE.pem");
  mint.add_option("--iss", o.iss, "Issuer (default: what the last swapi serve recorded, else http://127.0.0.1:8080/)")->type_name("URL");
  mint.add_option("--aud", o.aud, "Audience, repeatable (default: the recorded one, else https://starwarsapi.com)")->type_name("AUD");
  mint.add_option("--sub", o.sub, "Subject")->type_name("SUB")->capture_default_str();
  mint.add_option("--scope", o.scopes, "Scope, repeatable or space/comma-separated (default: none)")->type_name("SCOPE");
  mint.add_option("--ttl", o.ttl, "Lifetime from iat: 90, 15m, 1h, 2d; negative for an expired token")->type_name("DURATION")
      ->capture_default_str();
  mint.add_option("--nbf", o.nbf, "Not before: now, a Unix time, or an offset (+5m, -1h); default none")->type_name("TIME");
  mint.add_option("--iat", o.iat, "Issued at: now (default), a Unix time, or an offset (+5m, -1h)")->type_name("TIME");
  mint.add_option("--claim", o.claims, "Extra claim name=value, repeatable; a value that parses as JSON is JSON, "
                  "null removes a claim")->type_name("NAME=VALUE");
  mint.add_option("--claims", o.claims_file, "Extra claims from a JSON object in FILE, or - for stdin")->type_name("FILE|-");
  mint.add_option("--header", o.headers, "Extra header member name=value, repeatable (JSON values as --claim)")->type_name("NAME=VALUE");
  mint.add_option("--defect", o.defect, "Mint this defect of the catalogue instead (swapi token defects lists them), "
                  "or one of its cases")->type_name("NAME");
  mint.add_option("--count", o.count, "Mint N distinct tokens (unique jti), one per line")->type_name("N")
      ->check(whole_number_in(1, 10000000));
  mint.add_flag("--json", o.json, "One JSON object per token and line: token, header, claims");
  add_state_dir_option(mint, o.keys_dir);
}

}  // namespace

Action setup_token(CLI::App& app, Context& context) {
  auto o = std::make_shared<TokenOptions>();
  auto* token = app.add_subcommand("token", "Mint, decode and verify tokens; list the defect catalogue");
  token->require_subcommand(1);

  auto* mint = token->add_subcommand("mint", "Mint a token signed by the local keyset (or a PEM key), good or defective");
  add_mint_options(*mint, *o);

  auto* defects = token->add_subcommand("defects", "List the defective tokens: name, correct status, what it is");
  defects->add_flag("--json", o->json, "Print JSON");

  auto* decode = token->add_subcommand("decode", "Print a token's header and claims, times as dates (verifies nothing)");
  decode->add_option("TOKEN", o->token, "The token, or - for stdin")->type_name("TOKEN|-")->required();
  decode->add_flag("--json", o->json, "Print JSON");

  auto* verify = token->add_subcommand("verify", "Check a token as swapi serve would: signature, claims, scopes");
  verify->add_option("TOKEN", o->token, "The token, or - for stdin")->type_name("TOKEN|-")->required();
  verify->add_option("--jwks", o->jwks, "Trust the keys of this JWKS file or URL (default: the local keyset)")->type_name("FILE|URL");
  verify->add_option("--iss", o->iss, "Expected issuer (default: what the last swapi serve recorded, else "
                     "http://127.0.0.1:8080/)")->type_name("URL");
  verify->add_option("--aud", o->aud, "Expected audience, repeatable (default: the recorded ones, else "
                     "https://starwarsapi.com)")->type_name("AUD");
  verify->add_option("--scope", o->scopes, "Required scope, repeatable or space/comma-separated")->type_name("SCOPE");
  verify->add_option("--leeway", o->leeway, "Clock skew allowed for exp/nbf/iat, seconds")->type_name("SECONDS")
      ->check(whole_number_in(0, 3600))->capture_default_str();
  verify->add_flag("--json", o->json, "Print the verdict as JSON");
  add_state_dir_option(*verify, o->keys_dir);

  return [o, &context, mint, defects, decode, verify]() -> int {
    if (mint->parsed()) return run_mint(*o, context);
    if (defects->parsed()) return run_defects(*o, context);
    if (decode->parsed()) return run_decode(*o, context);
    if (verify->parsed()) return run_verify(*o, context);
    return kUsage;
  };
}

}  // namespace swapi::cli
