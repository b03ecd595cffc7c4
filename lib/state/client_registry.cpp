#include "state/client_registry.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "base/diagnostic.h"
#include "jose/base64url.h"
#include "jose/digest.h"
#include "jose/error.h"
#include "jose/scopes.h"
#include "jose/strict_json.h"
#include "state/state_dir.h"

namespace swapi::server {

namespace {

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw base::Diagnostic("clients " + path, "corrupt: " + why,
                     "fix it, or move it away to get a new default client");
}

}  // namespace

const std::vector<std::string>& default_scopes() {
  static const std::vector<std::string> scopes = [] {
    std::vector<std::string> result;
    for (const char* resource : {"films", "people", "planets", "species", "starships", "vehicles"}) {
      result.push_back(std::string("read:") + resource);
      result.push_back(std::string("write:") + resource);
    }
    return result;
  }();
  return scopes;
}

bool is_scope_token(std::string_view scope) noexcept {
  if (scope.empty()) return false;
  return std::all_of(scope.begin(), scope.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
  });
}

Client parse_client_spec(std::string_view spec, const EnvLookup& env) {
  auto first = spec.find(':');
  // Error messages name the client, never what follows the id (it may be the secret).
  std::string quoted = "'" + std::string(spec.substr(0, first)) + (first == std::string_view::npos ? "'" : ":...'");
  constexpr const char* kHint = "e.g. --client ci:@ci-secret.txt:'read:films read:people' or --client ci:env:CI_SECRET:read:films";
  auto second = first == std::string_view::npos ? first : spec.find(':', first + 1);
  if (second == std::string_view::npos) throw base::Diagnostic("--client", quoted + " is not ID:SECRET:SCOPES", kHint);
  Client client;
  client.id = std::string(spec.substr(0, first));
  std::string_view secret = spec.substr(first + 1, second - first - 1);
  if (client.id.empty()) throw base::Diagnostic("--client", quoted + " has an empty client id", kHint);
  quoted = "'" + client.id + "'";
  if (secret == "env") {
    // ID:env:VAR:SCOPES: the variable name is the next part.
    auto third = spec.find(':', second + 1);
    if (third == std::string_view::npos)
      throw base::Diagnostic("--client", quoted + ": env needs a variable name, as ID:env:VAR:SCOPES", kHint);
    client.origin = SecretOrigin::env;
    client.origin_reference = std::string(spec.substr(second + 1, third - second - 1));
    if (client.origin_reference.empty())
      throw base::Diagnostic("--client", quoted + ": env needs a variable name, as ID:env:VAR:SCOPES", kHint);
    client.secret = env ? env(client.origin_reference) : std::string();
    if (client.secret.empty())
      throw base::Diagnostic("--client", quoted + ": the environment variable " + client.origin_reference + " is not set or empty",
                         "export " + client.origin_reference + " with the secret before starting swapi serve");
    second = third;
  } else if (secret.starts_with('@')) {
    client.origin = SecretOrigin::file;
    client.origin_reference = std::string(secret.substr(1));
    if (client.origin_reference.empty()) throw base::Diagnostic("--client", quoted + ": @ needs a file name, as ID:@FILE:SCOPES", kHint);
    std::ifstream in(client.origin_reference, std::ios::binary);
    std::ostringstream content;
    if (in) content << in.rdbuf();
    if (!in || in.bad())
      throw base::Diagnostic("--client", quoted + ": cannot read the secret file " + client.origin_reference,
                         "check the path and its permissions");
    client.secret = content.str();
    // As $(cat FILE) would: the line's end is not part of the secret.
    if (client.secret.ends_with('\n')) client.secret.pop_back();
    if (client.secret.ends_with('\r')) client.secret.pop_back();
    if (client.secret.empty())
      throw base::Diagnostic("--client", quoted + ": the secret file " + client.origin_reference + " is empty");
  } else {
    client.origin = SecretOrigin::literal;
    client.secret = std::string(secret);
    if (client.secret.empty()) throw base::Diagnostic("--client", quoted + " has an empty secret", kHint);
  }
  client.scopes = jose::split_scopes(spec.substr(second + 1), " ,");
  for (const auto& scope : client.scopes)
    if (!is_scope_token(scope))
      throw base::Diagnostic("--client", quoted + ": '" + scope + "' is not a valid scope (RFC 6749 section 3.3)");
  return client;
}

const Client* ClientRegistry::find(std::string_view id) const {
  auto found = std::find_if(clients_.begin(), clients_.end(), [&](const Client& c) { return c.id == id; });
  return found == clients_.end() ? nullptr : &*found;
}

void ClientRegistry::put(Client client) {
  for (auto& existing : clients_) {
    if (existing.id == client.id) {
      existing = std::move(client);
      return;
    }
  }
  clients_.push_back(std::move(client));
}

const Client* ClientRegistry::authenticate(std::string_view id, std::string_view secret) const {
  const Client* client = find(id);
  // Fixed-size digests make the comparison independent of both secrets' lengths.
  static const jose::Sha256 dummy = jose::sha256("swapi: no such client");
  jose::Sha256 expected = client ? jose::sha256(client->secret) : dummy;
  jose::Sha256 given = jose::sha256(secret);
  bool same = CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
  return client && same ? client : nullptr;
}

std::vector<std::string> ClientRegistry::all_scopes() const {
  std::set<std::string> scopes(default_scopes().begin(), default_scopes().end());
  for (const auto& client : clients_) scopes.insert(client.scopes.begin(), client.scopes.end());
  return {scopes.begin(), scopes.end()};
}

nlohmann::json ClientRegistry::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& client : clients_)
    list.push_back({{"client_id", client.id}, {"client_secret", client.secret}, {"scopes", client.scopes}});
  return {{"clients", std::move(list)}};
}

ClientRegistry ClientRegistry::from_json(std::string_view text, const std::string& path) {
  nlohmann::json document;
  try {
    document = jose::parse_strict_object(text, "clients file");
  } catch (const jose::Error& error) {
    corrupt(path, error.detail());
  }
  auto list = document.find("clients");
  if (list == document.end() || !list->is_array()) corrupt(path, "no \"clients\" array");
  ClientRegistry registry;
  std::size_t index = 0;
  for (const auto& entry : *list) {
    std::string where = "client " + std::to_string(++index);
    if (!entry.is_object()) corrupt(path, where + " is not an object");
    auto id = entry.find("client_id");
    auto secret = entry.find("client_secret");
    auto scopes = entry.find("scopes");
    if (id == entry.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
      corrupt(path, where + " has no \"client_id\" string");
    if (secret == entry.end() || !secret->is_string() || secret->get_ref<const std::string&>().empty())
      corrupt(path, where + " has no \"client_secret\" string");
    if (scopes == entry.end() || !scopes->is_array()) corrupt(path, where + " has no \"scopes\" array");
    Client client;
    client.id = id->get<std::string>();
    client.secret = secret->get<std::string>();
    for (const auto& scope : *scopes) {
      if (!scope.is_string() || !is_scope_token(scope.get_ref<const std::string&>()))
        corrupt(path, where + " has an invalid scope " + scope.dump());
      client.scopes.push_back(scope.get<std::string>());
    }
    if (registry.find(client.id)) corrupt(path, "client id \"" + client.id + "\" appears twice");
    registry.clients_.push_back(std::move(client));
  }
  return registry;
}

ClientRegistry ClientRegistry::generate() {
  ClientRegistry registry;
  Client client;
  client.id = std::string(kDefaultClientId);
  client.secret = jose::random_base64url(32);
  client.scopes = default_scopes();
  registry.clients_.push_back(std::move(client));
  return registry;
}

std::optional<ClientRegistry> load_clients(const std::string& dir) {
  std::string path = state_file(dir, kClientsFile);
  auto text = read_private_file(path, "clients");
  if (!text) return std::nullopt;
  return ClientRegistry::from_json(*text, path);
}

ClientRegistry open_clients(const std::string& dir, const WarningSink& warn) {
  if (auto existing = load_clients(dir)) return std::move(*existing);
  ensure_state_dir(dir);
  StateDirLock lock(dir);
  if (auto existing = load_clients(dir)) return std::move(*existing);
  ClientRegistry registry = ClientRegistry::generate();
  write_private_file(state_file(dir, kClientsFile), registry.to_json().dump(2) + "\n", "clients", warn);
  if (warn)
    warn("created OAuth client '" + std::string(kDefaultClientId) + "' with a new secret in " +
         state_file(dir, kClientsFile));
  return registry;
}

}  // namespace swapi::server
