#pragma once
// `swapi token mint|defects|decode|verify`: the options they share and the run functions the
// setup in token_command.cpp wires (decode and verify live in token_inspect.cpp).
#include <cstddef>
#include <string>
#include <vector>

#include "cli/app.h"

namespace swapi::cli {

struct TokenOptions {
  std::string keys_dir;
  // mint
  std::string alg, kid, key_file;
  std::string iss, sub = "swapi-cli";
  std::vector<std::string> aud, scopes;
  std::string ttl = "1h", nbf, iat;
  std::vector<std::string> claims, headers;
  std::string claims_file;
  std::string defect;
  std::size_t count = 1;
  bool json = false;
  // decode, verify
  std::string token;
  std::string jwks;  // FILE or URL
  int leeway = 5;
};

int run_mint(const TokenOptions& options, Context& context);
int run_defects(const TokenOptions& options, Context& context);
int run_decode(const TokenOptions& options, Context& context);
int run_verify(const TokenOptions& options, Context& context);

// --scope values: repeatable, each may hold several scopes separated by spaces or commas.
std::vector<std::string> split_scopes(const std::vector<std::string>& values);

}  // namespace swapi::cli
