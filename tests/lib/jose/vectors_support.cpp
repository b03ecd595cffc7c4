#include "tests/lib/jose/vectors_support.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include "jose/base64url.h"

namespace swapi::jose::test_vectors {

std::optional<std::filesystem::path> vectors_dir_or_skip() {
  const char* value = std::getenv("SWAPI_VECTORS_DIR");
  if (value == nullptr || *value == '\0') {
    MESSAGE("skipped: SWAPI_VECTORS_DIR not set");
    return std::nullopt;
  }
  return std::filesystem::path(value);
}

nlohmann::json load_vector_file(const std::filesystem::path& dir, std::string_view relative) {
  const std::filesystem::path path = dir / std::filesystem::path(std::string(relative));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FAIL("missing vector file " << path.string() << " (SWAPI_VECTORS_DIR=" << dir.string()
                                << ")");
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    FAIL("vector file " << path.string() << " is not JSON: " << e.what());
  }
  return {};  // unreachable: FAIL throws
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("hex string of odd length");
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) throw std::invalid_argument("non-hex digit in hex string");
    bytes.push_back(static_cast<char>((high << 4) | low));
  }
  return bytes;
}

std::string b64url_decode_or_fail(std::string_view text, std::string_view what) {
  auto bytes = base64url_decode(text);
  if (!bytes) FAIL("vector data " << what << " is not strict base64url: " << text);
  return *bytes;
}

std::string describe(const Outcome& outcome) {
  if (outcome.accepted) return "accepted";
  return "rejected (" + outcome.detail + ")";
}

std::string Tally::summary() const {
  std::ostringstream out;
  out << file_ << ": ran " << total_ << " (";
  bool first = true;
  for (const auto& [result, count] : by_result_) {
    out << (first ? "" : ", ") << result << ' ' << count;
    first = false;
  }
  out << ')';
  for (const auto& [category, count] : extra_) out << "; " << category << ' ' << count;
  return out.str();
}

std::vector<Alg> algs_for_key(const Jwk& key) {
  if (key.alg) return {*key.alg};
  switch (key.type) {
    case KeyType::rsa:
      return {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512};
    case KeyType::ec:
      if (key.curve == "P-256") return {Alg::ES256};
      if (key.curve == "P-384") return {Alg::ES384};
      if (key.curve == "P-521") return {Alg::ES512};
      return {};
    case KeyType::okp:
      if (key.curve == "Ed25519") return {Alg::EdDSA};
      return {};
    case KeyType::oct:
      return {Alg::HS256, Alg::HS384, Alg::HS512};
  }
  return {};
}

std::vector<Alg> algs_for_keys(const std::vector<Jwk>& keys) {
  std::vector<Alg> algs;
  for (const Jwk& key : keys) {
    for (Alg alg : algs_for_key(key)) {
      if (std::find(algs.begin(), algs.end(), alg) == algs.end()) algs.push_back(alg);
    }
  }
  return algs;
}

std::string alg_list(const std::vector<Alg>& algs) {
  std::string out;
  for (Alg alg : algs) {
    if (!out.empty()) out += ',';
    out += alg_name(alg);
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace swapi::jose::test_vectors
