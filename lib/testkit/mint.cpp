#include "testkit/mint.h"

#include <algorithm>
#include <exception>
#include <ostream>
#include <thread>

#include "jose/base64url.h"
#include "jose/digest.h"
#include "jose/error.h"
#include "jose/jws.h"
#include "jose/scopes.h"

namespace swapi::testkit {

namespace {

std::string dump(const nlohmann::json& value, const char* what) {
  try {
    return value.dump();
  } catch (const nlohmann::json::type_error& error) {  // a string that is not UTF-8
    throw jose::Error(jose::Errc::malformed, std::string(what) + " cannot be serialized: " + error.what());
  }
}

// `{"jti":"<jti>",` + the rest of an object serialised without jti: the batch serialises the
// claims once and only splices the jti in.
std::string splice_jti(std::string_view claims_without_jti, std::string_view jti) {
  std::string text = "{\"jti\":\"";
  text += jti;
  text += '"';
  if (claims_without_jti.size() > 2) text += ',';
  text.append(claims_without_jti.substr(1));
  return text;
}

}  // namespace

void merge_members(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) return;
  for (const auto& [name, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(name);
    } else {
      target[name] = value;
    }
  }
}

nlohmann::json build_claims(const TokenSpec& spec, std::string_view jti) {
  nlohmann::json claims = nlohmann::json::object();
  if (!spec.issuer.empty()) claims["iss"] = spec.issuer;
  if (!spec.subject.empty()) claims["sub"] = spec.subject;
  if (spec.audiences.size() == 1) claims["aud"] = spec.audiences.front();
  if (spec.audiences.size() > 1) claims["aud"] = spec.audiences;
  claims["iat"] = spec.issued_at;
  if (spec.expires_at) claims["exp"] = *spec.expires_at;
  if (spec.not_before) claims["nbf"] = *spec.not_before;
  if (spec.with_jti && !jti.empty()) claims["jti"] = std::string(jti);
  if (!spec.scopes.empty()) claims["scope"] = jose::join_scopes(spec.scopes);
  merge_members(claims, spec.extra_claims);
  return claims;
}

nlohmann::json build_header(const jose::Jwk& key, const nlohmann::json& extra) {
  if (!key.alg) throw jose::Error(jose::Errc::key_mismatch, "the key has no alg to sign with");
  nlohmann::json header = {{"alg", std::string(jose::alg_name(*key.alg))}, {"typ", "JWT"}};
  if (!key.kid.empty()) header["kid"] = key.kid;
  merge_members(header, extra);
  return header;
}

std::string new_jti() { return jose::random_base64url(16); }

std::string mint_token(const jose::Jwk& key, const TokenSpec& spec) {
  nlohmann::json header = build_header(key, spec.extra_header);
  return jose::sign_compact(header, dump(build_claims(spec, new_jti()), "claims"), key);
}

void mint_batch(const jose::Jwk& key, const TokenSpec& spec, std::size_t count, unsigned threads,
                std::ostream& out) {
  nlohmann::json header = build_header(key, spec.extra_header);
  auto alg = jose::parse_alg(header["alg"].get<std::string>());
  if (!alg) throw jose::Error(jose::Errc::alg_not_allowed, "the header's alg is not one swapi signs");
  const std::string header_segment = jose::base64url_encode(dump(header, "header")) + ".";
  const std::string claims = dump(build_claims(spec, {}), "claims");
  // A random prefix shared by the batch and a sequence number: unique within the batch by
  // construction, across batches by the 96 random bits.
  const std::string prefix = jose::random_base64url(12) + "-";
  const bool with_jti = spec.with_jti && !spec.extra_claims.contains("jti");

  auto mint_one = [&](jose::Signer& signer, std::size_t index, std::string& into) {
    std::string payload = with_jti ? splice_jti(claims, prefix + std::to_string(index)) : claims;
    std::string input = header_segment + jose::base64url_encode(payload);
    std::string signature = signer.sign(input);
    into += input;
    into += '.';
    into += jose::base64url_encode(signature);
    into += '\n';
  };

  // Rounds of one block per thread, written in order after each round: the output streams
  // while both cores sign, and memory stays bounded whatever N is.
  constexpr std::size_t kBlock = 2048;
  threads = std::max(1u, threads);
  std::vector<jose::Signer> signers;  // one per thread: a prepared OpenSSL context is not shared
  for (unsigned slot = 0; slot < threads; ++slot) signers.emplace_back(*alg, key);
  std::vector<std::string> buffers(threads);
  std::vector<std::exception_ptr> errors(threads);
  for (std::size_t start = 0; start < count; start += kBlock * threads) {
    auto work = [&](unsigned slot) {
      try {
        buffers[slot].clear();
        std::size_t from = start + slot * kBlock;
        std::size_t to = std::min(count, from + kBlock);
        for (std::size_t index = from; index < to; ++index) mint_one(signers[slot], index, buffers[slot]);
      } catch (...) {
        errors[slot] = std::current_exception();
      }
    };
    std::vector<std::thread> helpers;
    for (unsigned slot = 1; slot < threads && start + slot * kBlock < count; ++slot) helpers.emplace_back(work, slot);
    work(0);
    for (auto& helper : helpers) helper.join();
    for (unsigned slot = 0; slot < threads; ++slot) {
      if (errors[slot]) std::rethrow_exception(errors[slot]);
      if (start + slot * kBlock < count) out << buffers[slot];
    }
  }
  out.flush();
}

}  // namespace swapi::testkit
