#pragma once
// Shared plumbing for the external test-vector runners (Wycheproof, RFC 7520 cookbook): where
// the vectors live, file loading, hex, outcome capture and per-file tallies. The vectors are
// third-party data in $SWAPI_VECTORS_DIR (see /work/shared/vectors/README.md); this project
// does not ship them, so a run without the variable passes with a visible "skipped" message.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"

namespace swapi::jose::test_vectors {

// $SWAPI_VECTORS_DIR, or nullopt after logging "skipped: SWAPI_VECTORS_DIR not set" (doctest
// MESSAGE) when it is unset or empty. The only place the runners read the environment.
std::optional<std::filesystem::path> vectors_dir_or_skip();

// Parses dir/relative as JSON. FAILs the running test case when the file is missing or not
// JSON: once CI points SWAPI_VECTORS_DIR at the corpus, a lost file is a broken run, not a skip.
nlohmann::json load_vector_file(const std::filesystem::path& dir, std::string_view relative);

// Lowercase/uppercase hex to bytes; throws std::invalid_argument on odd length or a non-hex digit.
std::string hex_decode(std::string_view hex);

// Strict base64url (through jose) for test data; FAILs the test case when the data is not
// base64url, because that means the vector file was read wrongly.
std::string b64url_decode_or_fail(std::string_view text, std::string_view what);

// What one verification attempt did. accepted = verified; otherwise `code` is the jose::Error
// code when jose refused with one, and `detail` says what happened (for failure messages).
struct Outcome {
  bool accepted = false;
  std::optional<Errc> code;   // set when a jose::Error was thrown
  bool foreign_exception = false;  // something other than jose::Error escaped: always a bug
  std::string detail;
};

// Runs `attempt`, which returns true for "verified", false for "did not verify", and may throw.
template <typename Attempt>
Outcome capture(Attempt&& attempt) {
  Outcome out;
  try {
    out.accepted = attempt();
    out.detail = out.accepted ? "verified" : "returned false";
  } catch (const Error& e) {
    out.code = e.code();
    out.detail = std::string(code_name(e.code())) + ": " + e.detail();
  } catch (const std::exception& e) {
    out.foreign_exception = true;
    out.detail = std::string("non-jose exception: ") + e.what();
  }
  return out;
}

// "accepted" or "rejected (<code>: <detail>)", for messages.
std::string describe(const Outcome& outcome);

// Per-file counters, printed with MESSAGE so `ctest -V` shows what actually ran.
class Tally {
 public:
  explicit Tally(std::string file) : file_(std::move(file)) {}
  // Counts one vector under its upstream label ("valid", "invalid", "acceptable").
  void count_result(const std::string& result) { ++by_result_[result]; ++total_; }
  // Counts one vector in an extra category (e.g. "named exception", "weak key refused").
  void count_extra(const std::string& category) { ++extra_[category]; }
  int total() const { return total_; }
  // One line: "wycheproof/x.json: ran 259 (valid 7, invalid 249, acceptable 1); ...".
  std::string summary() const;

 private:
  std::string file_;
  int total_ = 0;
  std::map<std::string, int> by_result_;
  std::map<std::string, int> extra_;
};

// The algorithms a key may be used with when the trust configuration names none: its JWK
// "alg" when present, otherwise every alg of its family (RSA -> RS*/PS*, EC -> the ES* of its
// curve, OKP -> EdDSA, oct -> HS*). Mirrors the server default "the algorithms of the
// configured keys" (DESIGN.md) and is computed from the key, never from the token.
std::vector<Alg> algs_for_key(const Jwk& key);
// The union of algs_for_key over a key set, without duplicates.
std::vector<Alg> algs_for_keys(const std::vector<Jwk>& keys);

// "RS256,PS256" for messages.
std::string alg_list(const std::vector<Alg>& algs);

}  // namespace swapi::jose::test_vectors
