// `swapi keys gen|list|jwks|rotate|retire|import` (DESIGN.md "Keys"): edit the keyset that
// `swapi serve` publishes; a running server picks the change up by itself.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <ostream>

#include "base/diagnostic.h"
#include "base/utc_time.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "jose/error.h"
#include "jose/keygen.h"
#include "jose/key_policy.h"
#include "state/keyset_store.h"

namespace swapi::cli {

namespace {

struct KeysOptions {
  std::string keys_dir;
  std::string alg;
  int bits = 0;  // 0 = 2048 for RSA; an error for other algs
  std::string kid;
  bool activate = false;
  bool json = false;
  bool include_private = false;
  std::string file;  // import
};

// A keyset edit that makes no sense becomes "swapi: keys <sub>: <why>" + hint, exit 3.
template <typename Edit>
auto keyset_edit(const std::string& what, Edit edit) {
  try {
    return edit();
  } catch (const server::KeysetError& error) {
    throw base::Diagnostic(what, error.detail(), error.hint());
  }
}

std::string key_kind(const jose::Jwk& key) {
  std::string kind;
  switch (key.type) {
    case jose::KeyType::rsa: kind = "RSA-" + std::to_string(jose::rsa_bits(key)); break;
    case jose::KeyType::ec: kind = "EC " + key.curve; break;
    case jose::KeyType::okp: kind = key.curve; break;
    case jose::KeyType::oct: kind = "HMAC " + std::to_string(key.secret.size() * 8) + "-bit"; break;
  }
  return key.is_private ? kind : kind + " (public)";
}

int run_gen(const KeysOptions& o, Context& context) {
  jose::Alg alg = parse_alg_option(o.alg.empty() ? "RS256" : o.alg, "keys gen --alg");
  bool rsa = !jose::is_hmac(alg) && jose::alg_curve(alg).empty() && alg != jose::Alg::EdDSA;
  if (o.bits != 0 && !rsa)
    throw UsageError("keys gen", "--bits applies to RSA keys, not " + std::string(jose::alg_name(alg)),
                     "drop --bits; EC and Ed25519 keys have a fixed size, HMAC secrets are the hash size");
  jose::Jwk key = jose::generate_key(alg, o.bits ? o.bits : 2048);
  if (!o.kid.empty()) key.kid = o.kid;
  std::string dir = state_dir(context, o.keys_dir);
  std::string kid = key.kid;
  keyset_edit("keys gen", [&] {
    return server::update_keyset(dir, context.now(), [&](server::Keyset& keyset) {
      keyset.add(std::move(key), context.now());
      if (o.activate) keyset.activate(kid);
    });
  });
  *context.out << kid << "\n";
  *context.err << "swapi keys: added " << jose::alg_name(alg) << " key " << kid
               << (o.activate ? ", now the active key (the previous one stays published)"
                              : " (published; it signs only with `swapi token mint --kid`, or after `--activate`)")
               << "\n";
  return kSuccess;
}

int run_list(const KeysOptions& o, Context& context) {
  server::Keyset keyset = server::open_keyset(state_dir(context, o.keys_dir), context.now());
  auto& out = *context.out;
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& stored : keyset.keys()) {
      list.push_back({{"kid", stored.key.kid},
                      {"alg", stored.key.alg ? nlohmann::json(jose::alg_name(*stored.key.alg)) : nlohmann::json()},
                      {"key", key_kind(stored.key)},
                      {"private", stored.key.is_private},
                      {"status", server::status_name(stored.status)},
                      {"created", stored.created}});
    }
    out << nlohmann::json{{"keys", list}}.dump(2) << "\n";
    return kSuccess;
  }
  std::size_t width = 3;
  for (const auto& stored : keyset.keys()) width = std::max(width, stored.key.kid.size());
  out << std::left << std::setw(static_cast<int>(width)) << "KID" << "  " << std::setw(6) << "ALG" << "  "
      << std::setw(18) << "KEY" << "  " << std::setw(9) << "STATUS" << "  CREATED\n";
  for (const auto& stored : keyset.keys()) {
    std::string alg = stored.key.alg ? std::string(jose::alg_name(*stored.key.alg)) : "-";
    std::string created = stored.created ? base::format_utc(static_cast<std::time_t>(stored.created)) : "-";
    out << std::setw(static_cast<int>(width)) << stored.key.kid << "  " << std::setw(6) << alg << "  "
        << std::setw(18) << key_kind(stored.key) << "  " << std::setw(9) << server::status_name(stored.status)
        << "  " << created << "\n";
  }
  return kSuccess;
}

int run_jwks(const KeysOptions& o, Context& context) {
  server::Keyset keyset = server::open_keyset(state_dir(context, o.keys_dir), context.now());
  nlohmann::json document;
  if (o.include_private) {
    document = {{"keys", keyset.to_json()["keys"]}};
  } else {
    // Exactly what `swapi serve` publishes at /.well-known/jwks.json.
    document = jose::to_jwks(keyset.public_keys(), /*include_private=*/false);
  }
  *context.out << document.dump(2) << "\n";
  return kSuccess;
}

int run_rotate(const KeysOptions& o, Context& context) {
  std::string dir = state_dir(context, o.keys_dir);
  std::string old_kid, new_kid;
  keyset_edit("keys rotate", [&] {
    return server::update_keyset(dir, context.now(), [&](server::Keyset& keyset) {
      old_kid = keyset.active().key.kid;
      // The same algorithm as the key it replaces, unless told otherwise.
      jose::Alg alg = o.alg.empty() ? *keyset.active().key.alg : parse_alg_option(o.alg, "keys rotate --alg");
      new_kid = keyset.rotate(alg, context.now(), o.bits ? o.bits : 2048).key.kid;
    });
  });
  *context.out << new_kid << "\n";
  *context.err << "swapi keys: " << new_kid << " is now the active key; " << old_kid
               << " stays published until `swapi keys retire " << old_kid << "`\n";
  return kSuccess;
}

int run_retire(const KeysOptions& o, Context& context) {
  keyset_edit("keys retire", [&] {
    return server::update_keyset(state_dir(context, o.keys_dir), context.now(),
                                 [&](server::Keyset& keyset) { keyset.retire(o.kid); });
  });
  *context.err << "swapi keys: retired " << o.kid << "; tokens it signed no longer verify\n";
  return kSuccess;
}

int run_import(const KeysOptions& o, Context& context) {
  jose::Jwk key = load_pem_key(context, o.file, o.alg, o.kid, /*signing=*/false, "keys import");
  jose::Alg alg = *key.alg;
  std::string kid = key.kid;
  bool is_private = key.is_private;
  keyset_edit("keys import", [&] {
    return server::update_keyset(state_dir(context, o.keys_dir), context.now(),
                                 [&](server::Keyset& keyset) { keyset.add(std::move(key), context.now()); });
  });
  *context.out << kid << "\n";
  *context.err << "swapi keys: imported " << jose::alg_name(alg) << (is_private ? " private" : " public") << " key "
               << kid << " (published)\n";
  return kSuccess;
}


}  // namespace

Action setup_keys(CLI::App& app, Context& context) {
  auto o = std::make_shared<KeysOptions>();
  auto* keys = app.add_subcommand("keys", "Manage the local signing keyset that swapi serve publishes");
  keys->require_subcommand(1);

  auto* gen = keys->add_subcommand("gen", "Add a new key to the keyset (published; --activate to sign with it)");
  gen->add_option("--alg", o->alg, "Algorithm: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, HS256/384/512 "
                  "(default RS256)")->type_name("ALG");
  gen->add_option("--bits", o->bits, "RSA modulus size (default 2048)")->type_name("BITS")->check(CLI::IsMember({2048, 3072, 4096}));
  gen->add_option("--kid", o->kid, "Key id (default: the key's RFC 7638 thumbprint)")->type_name("KID");
  gen->add_flag("--activate", o->activate, "Make it the active key: serve's issuer signs with it from now on");
  add_state_dir_option(*gen, o->keys_dir);

  auto* list = keys->add_subcommand("list", "List the keys: kid, alg, key, status (active/previous/published), created");
  list->add_flag("--json", o->json, "Print JSON");
  add_state_dir_option(*list, o->keys_dir);

  auto* jwks = keys->add_subcommand("jwks", "Print the public JWKS that swapi serve publishes");
  jwks->add_flag("--private", o->include_private, "Include the private members and HMAC secrets (keep it secret)");
  add_state_dir_option(*jwks, o->keys_dir);

  auto* rotate = keys->add_subcommand("rotate", "Make a new key active; the old one stays published until retired");
  rotate->add_option("--alg", o->alg, "Algorithm of the new key (default: the active key's)")->type_name("ALG");
  rotate->add_option("--bits", o->bits, "RSA modulus size (default 2048)")->type_name("BITS")->check(CLI::IsMember({2048, 3072, 4096}));
  add_state_dir_option(*rotate, o->keys_dir);

  auto* retire = keys->add_subcommand("retire", "Remove a key: tokens it signed stop verifying");
  retire->add_option("KID", o->kid, "The key to remove (not the active one)")->type_name("KID")->required();
  add_state_dir_option(*retire, o->keys_dir);

  auto* import = keys->add_subcommand("import", "Add a PEM key (private or public) to the keyset");
  import->add_option("FILE", o->file, "PEM file, or - for stdin")->type_name("FILE")->required();
  import->add_option("--kid", o->kid, "Key id (default: the key's RFC 7638 thumbprint)")->type_name("KID");
  import->add_option("--alg", o->alg, "Algorithm (default RS256 for RSA, the ES* of an EC key's curve, EdDSA)")->type_name("ALG");
  add_state_dir_option(*import, o->keys_dir);

  return [o, &context, gen, list, jwks, rotate, retire, import]() -> int {
    if (gen->parsed()) return run_gen(*o, context);
    if (list->parsed()) return run_list(*o, context);
    if (jwks->parsed()) return run_jwks(*o, context);
    if (rotate->parsed()) return run_rotate(*o, context);
    if (retire->parsed()) return run_retire(*o, context);
    if (import->parsed()) return run_import(*o, context);
    return kUsage;
  };
}

}  // namespace swapi::cli
