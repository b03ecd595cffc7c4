#pragma once
// Test support: a small resource server written for the tests, so that `swapi check` can be
// seen to fail. It validates bearer tokens with lib/jose exactly as the contract says
// (DESIGN.md "Token validation contract") except for one deliberately weakened rule, its Flaw:
// a check against it must report exactly the cases of that rule, and no others.
//
// Header-only because tests/support/*.cpp is compiled into test binaries that do not link
// lib/jose; only the binaries that include this header need it.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/ascii.h"
#include "jose/alg.h"
#include "jose/base64url.h"
#include "jose/claims.h"
#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/scopes.h"
#include "jose/strict_json.h"
#include "tests/support/local_server.h"

namespace swapi::test {

enum class Flaw {
  none,                 // a correct server: every case must pass
  accepts_alg_none,     // takes alg "none" (any spelling) as "no signature needed"
  ignores_aud,          // checks no audience
  ignores_exp,          // neither requires nor checks exp
  skips_scope_check,    // any valid token may read anything
  trusts_embedded_jwk,  // verifies with the key in the token's own jwk header
  fetches_jku,          // fetches the token's jku URL and trusts the keys found there
  fetches_jku_later,    // answers 401 at once, then fetches the jku URL in the background once
                        // no request came for 100 ms (after check's last case, as a key refresh)
};

struct ResourceSettings {
  std::vector<jose::Jwk> keys;  // trusted public keys
  std::string issuer;
  std::string audience;
  std::string scope = "read:films";  // what GET /api/films/ needs
  Flaw flaw = Flaw::none;
};

class FlawedResourceServer {
 public:
  explicit FlawedResourceServer(ResourceSettings settings) : settings_(std::move(settings)) {
    for (const auto& key : settings_.keys)
      if (key.alg) allowed_.push_back(*key.alg);
    local_.server().Get("/api/films/", [this](const httplib::Request& request, httplib::Response& response) {
      if (!admit(request, response)) return;
      response.set_content(R"({"count":6,"next":null,"previous":null,"results":[]})", "application/json");
    });
    local_.start();
    if (settings_.flaw == Flaw::fetches_jku_later) late_fetcher_ = std::thread([this] { fetch_late(); });
  }

  ~FlawedResourceServer() {
    {
      std::lock_guard lock(late_mutex_);
      stopping_ = true;
    }
    late_wake_.notify_all();
    if (late_fetcher_.joinable()) late_fetcher_.join();
  }

  std::string url() const { return local_.url("/api/films/"); }
  std::size_t jku_fetches() const { return jku_fetches_; }

 private:
  static void refuse(httplib::Response& response, int status, const std::string& error, const std::string& why) {
    response.status = status;
    std::string challenge = "Bearer realm=\"flawed\"";
    if (!error.empty()) challenge += ", error=\"" + error + "\", error_description=\"" + why + "\"";
    response.set_header("WWW-Authenticate", challenge);
    response.set_content(nlohmann::json{{"error", error.empty() ? "unauthorized" : error}, {"error_description", why}}.dump(),
                         "application/json");
  }

  static void get(const std::string& url) {
    auto slash = url.find('/', url.find("://") + 3);
    httplib::Client client(url.substr(0, slash));
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(2, 0);
    client.Get(slash == std::string::npos ? "/" : url.substr(slash).c_str());
  }

  // fetches_jku_later: once the requests stop for 100 ms, fetch every jku URL seen.
  void fetch_late() {
    std::unique_lock lock(late_mutex_);
    while (!stopping_) {
      late_wake_.wait_for(lock, std::chrono::milliseconds(20));
      if (pending_jku_.empty() || std::chrono::steady_clock::now() - last_request_ < std::chrono::milliseconds(100))
        continue;
      auto urls = std::move(pending_jku_);
      pending_jku_.clear();
      lock.unlock();
      for (const auto& url : urls) {
        get(url);
        ++jku_fetches_;
      }
      lock.lock();
    }
  }

  bool admit(const httplib::Request& request, httplib::Response& response) {
    if (settings_.flaw == Flaw::fetches_jku_later) {
      std::lock_guard lock(late_mutex_);
      last_request_ = std::chrono::steady_clock::now();
    }
    std::size_t count = request.get_header_value_count("Authorization");
    if (count == 0) return refuse(response, 401, "", "no token"), false;
    if (count > 1) return refuse(response, 400, "invalid_request", "two Authorization headers"), false;
    std::string auth = request.get_header_value("Authorization");
    auto space = auth.find(' ');
    if (space == std::string::npos || !base::iequals(auth.substr(0, space), "Bearer"))
      return refuse(response, 401, "invalid_token", "not a Bearer token"), false;
    std::string token(base::trim(std::string_view(auth).substr(space + 1)));
    if (token.empty() || token.size() > 8000) return refuse(response, 401, "invalid_token", "size"), false;
    try {
      auto [header, payload] = verify(token);
      nlohmann::json claims = jose::parse_strict_object(payload, "claims");
      jose::ClaimsPolicy policy;
      policy.issuer = settings_.issuer;
      if (settings_.flaw != Flaw::ignores_aud) policy.audiences = {settings_.audience};
      if (settings_.flaw == Flaw::ignores_exp) {
        policy.require_exp = false;
        claims.erase("exp");
      }
      auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
      jose::validate_claims(header, claims, policy, now.count());
      if (settings_.flaw != Flaw::skips_scope_check && !jose::extract_scopes(claims).count(settings_.scope))
        return refuse(response, 403, "insufficient_scope", "needs " + settings_.scope), false;
      return true;
    } catch (const jose::Error& e) {
      return refuse(response, 401, "invalid_token", std::string(jose::code_name(e.code()))), false;
    } catch (const std::exception&) {
      return refuse(response, 401, "invalid_token", "unreadable"), false;
    }
  }

  // The verified header and payload; throws jose::Error.
  std::pair<nlohmann::json, std::string> verify(const std::string& token) {
    auto first = token.find('.');
    auto second = token.find('.', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos)
      throw jose::Error(jose::Errc::malformed, "segments");
    auto header_text = jose::base64url_decode(std::string_view(token).substr(0, first));
    if (!header_text) throw jose::Error(jose::Errc::malformed, "header");
    nlohmann::json header = jose::parse_strict_object(*header_text, "header");
    std::string alg = header.value("alg", "");
    if (settings_.flaw == Flaw::fetches_jku_later && header.contains("jku") && header["jku"].is_string()) {
      std::lock_guard lock(late_mutex_);
      pending_jku_.push_back(header["jku"]);
    }

    if (settings_.flaw == Flaw::accepts_alg_none && base::to_lower(alg) == "none") {
      auto payload = jose::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
      if (!payload) throw jose::Error(jose::Errc::malformed, "payload");
      return {header, *payload};
    }
    if (settings_.flaw == Flaw::trusts_embedded_jwk && header.contains("jwk")) {
      auto parsed = jose::parse_compact(token);
      auto algorithm = jose::parse_alg(alg);
      if (!algorithm) throw jose::Error(jose::Errc::alg_not_allowed, alg);
      if (!jose::verify_bytes(*algorithm, jose::parse_jwk(header["jwk"]), parsed.signing_input, parsed.signature))
        throw jose::Error(jose::Errc::bad_signature, "jwk");
      return {parsed.header, parsed.payload};
    }
    if (settings_.flaw == Flaw::fetches_jku && header.contains("jku") && header["jku"].is_string()) {
      std::string url = header["jku"];
      auto slash = url.find('/', url.find("://") + 3);
      httplib::Client client(url.substr(0, slash));
      client.set_connection_timeout(2, 0);
      client.set_read_timeout(2, 0);
      ++jku_fetches_;
      auto fetched = client.Get(slash == std::string::npos ? "/" : url.substr(slash).c_str());
      if (!fetched || fetched->status != 200) throw jose::Error(jose::Errc::unknown_kid, "jku");
      auto set = jose::parse_jwks(fetched->body);
      auto algorithm = jose::parse_alg(alg);  // whatever the token says: that is the flaw
      if (!algorithm) throw jose::Error(jose::Errc::alg_not_allowed, alg);
      std::vector<jose::Alg> algs = {*algorithm};
      auto verified = jose::verify_compact(token, set.keys, algs);
      return {verified.header, verified.payload};
    }
    auto verified = jose::verify_compact(token, settings_.keys, allowed_);
    return {verified.header, verified.payload};
  }

  ResourceSettings settings_;
  std::vector<jose::Alg> allowed_;
  std::atomic<std::size_t> jku_fetches_{0};
  std::mutex late_mutex_;
  std::condition_variable late_wake_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_request_ = std::chrono::steady_clock::now();
  std::vector<std::string> pending_jku_;
  std::thread late_fetcher_;  // joined in the destructor, before local_ stops
  LocalServer local_;  // last: it stops (and its handlers end) before the settings go
};

}  // namespace swapi::test
