#include "jose/alg.h"

#include <array>
#include <utility>

namespace swapi::jose {
namespace {

constexpr std::array<std::pair<Alg, std::string_view>, 13> kAlgNames{{
    {Alg::RS256, "RS256"}, {Alg::RS384, "RS384"}, {Alg::RS512, "RS512"},
    {Alg::PS256, "PS256"}, {Alg::PS384, "PS384"}, {Alg::PS512, "PS512"},
    {Alg::ES256, "ES256"}, {Alg::ES384, "ES384"}, {Alg::ES512, "ES512"},
    {Alg::EdDSA, "EdDSA"},
    {Alg::HS256, "HS256"}, {Alg::HS384, "HS384"}, {Alg::HS512, "HS512"},
}};

}  // namespace

std::optional<Alg> parse_alg(std::string_view name) noexcept {
  // Case-sensitive on purpose (RFC 7515 §4.1.1): "rs256" or "NONE" is not an algorithm.
  for (const auto& [alg, alg_text] : kAlgNames) {
    if (alg_text == name) return alg;
  }
  return std::nullopt;
}

std::string_view alg_name(Alg alg) noexcept {
  for (const auto& [known, alg_text] : kAlgNames) {
    if (known == alg) return alg_text;
  }
  return "?";
}

const std::vector<Alg>& all_algs() {
  static const std::vector<Alg> algs = [] {
    std::vector<Alg> list;
    for (const auto& entry : kAlgNames) list.push_back(entry.first);
    return list;
  }();
  return algs;
}

bool is_hmac(Alg alg) noexcept {
  return alg == Alg::HS256 || alg == Alg::HS384 || alg == Alg::HS512;
}

std::string_view alg_curve(Alg alg) noexcept {
  switch (alg) {
    case Alg::ES256: return "P-256";
    case Alg::ES384: return "P-384";
    case Alg::ES512: return "P-521";  // ES512 is P-521, not "P-512" (RFC 7518 §3.4)
    default: return {};
  }
}

}  // namespace swapi::jose
