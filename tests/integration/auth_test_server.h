#pragma once
// Integration-test support for the auth tests: `swapi serve` trusting a JWKS file of keys the
// test generated (so tokens are minted in the test, independent of the local issuer), with a
// fixed issuer, and small request helpers.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include <doctest/doctest.h>

#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/server_process.h"

namespace swapi::test {

inline const std::string kIssuer = "https://issuer.test/";

// The public JWKS of `keys` written to a file in `dir`; returns its path.
inline std::string write_jwks(const TempDir& dir, const std::vector<jose::Jwk>& keys, const std::string& name = "trusted.json") {
  std::string path = dir.file(name);
  write_file(path, jwks_text(keys));
  return path;
}

class AuthServer {
 public:
  // serve --jwks-file <keys> --issuer https://issuer.test/ <extra...>
  explicit AuthServer(const std::vector<jose::Jwk>& keys = {rsa_key()}, std::vector<std::string> extra = {})
      : process_(arguments(dir_, keys, std::move(extra))) {}

  ServerProcess& process() { return process_; }

  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) {
    return process_.client().Get(path.c_str(), headers);
  }
  httplib::Result get_with_token(const std::string& path, const std::string& token) {
    return get(path, bearer(token));
  }

 private:
  static std::vector<std::string> arguments(const TempDir& dir, const std::vector<jose::Jwk>& keys,
                                            std::vector<std::string> extra) {
    std::vector<std::string> args = {"--jwks-file", write_jwks(dir, keys), "--issuer", kIssuer};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  TempDir dir_;
  ServerProcess process_;
};

// cpp-httplib writes the access-log line after the response has gone out, so a test that
// just got its response polls the log (bounded) instead of reading it once.
inline bool log_contains(const ServerProcess& process, const std::string& needle) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (process.log().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// The banner is printed after the ready file is written: poll stdout the same way.
inline bool output_contains(const ServerProcess& process, const std::string& needle) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (process.output().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A good token for AuthServer's defaults.
inline std::string good_token(const std::string& scope = "read:films", const jose::Jwk& key = rsa_key()) {
  return mint(key, good_claims(kIssuer, unix_now(), scope));
}

// The error_description of a WWW-Authenticate value ("" when absent).
inline std::string description_of(const std::string& challenge) {
  auto start = challenge.find("error_description=\"");
  if (start == std::string::npos) return {};
  start += 19;
  return challenge.substr(start, challenge.find('"', start) - start);
}

// The rule code of a 401: the error_description up to its colon.
inline std::string rule_of(const httplib::Result& result) {
  if (!result) return "<no response>";
  std::string description = description_of(result->get_header_value("WWW-Authenticate"));
  return description.substr(0, description.find(':'));
}

}  // namespace swapi::test
