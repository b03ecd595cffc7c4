#pragma once
// OAuth scopes (RFC 6749 §3.3: space-delimited, case-sensitive scope-tokens) as tokens carry
// them and as users type them.
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace swapi::jose {

// The scope of scenario control (`swapi serve --admin`, DESIGN.md): reserved. Only the CLI
// mints it (testkit/admin_client.h), from the keyset itself; the issuer's token endpoint never
// grants it, since its tokens are signed by the very keyset an admin token is checked against.
inline constexpr std::string_view kScenarioControlScope = "swapi:admin";

// Union of "scope" (space-separated string), "scp" (string or array of strings) and
// "permissions" (array of strings, Auth0 RBAC). Members of other types are ignored.
std::set<std::string> extract_scopes(const nlohmann::json& claims);

// The scopes in `text`, split on any of `separators`, in order, each once; empty ones skipped.
// "read:films  read:people" -> {"read:films", "read:people"}.
std::vector<std::string> split_scopes(std::string_view text, std::string_view separators = " ");

// The scopes joined with single spaces, as a "scope" claim or an RFC 6750 scope= value.
std::string join_scopes(std::span<const std::string> scopes);

}  // namespace swapi::jose
