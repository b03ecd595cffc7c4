#include "server/admin/scenario_control.h"

#include <httplib.h>

#include <algorithm>
#include <iterator>
#include <mutex>

#include "base/diagnostic.h"
#include "base/json_text.h"
#include "jose/scopes.h"
#include "server/admin/admin_access.h"
#include "server/issuer/token_endpoint.h"
#include "server/web/json_response.h"
#include "state/keyset_store.h"

namespace swapi::server {

namespace {

// Extra claims are merged into each of the next tokens and logged whole.
constexpr std::size_t kMaxExtraClaimsBytes = 4096;

// What a garbage body fault serves: what a misconfigured proxy or an error page in front of
// the issuer sends, with the JSON content type still claimed.
constexpr std::string_view kGarbageBody = "<html><body><h1>502 Bad Gateway</h1></body></html>\n";

void send_object(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

std::string ids_text(const std::vector<std::uint64_t>& ids) {
  std::string text;
  for (auto id : ids) text += (text.empty() ? "#" : ", #") + std::to_string(id);
  return text;
}

// Admin bodies are small flat objects; 16 levels are plenty (base/json_text.h: the bound is
// checked before anything is built). On a refusal, `why` says what is wrong.
std::optional<nlohmann::json> parse_body(const std::string& text, std::string& why) {
  try {
    return base::parse_json_within_depth(text, 16);
  } catch (const base::JsonTooDeep& error) {
    why = std::string("the body ") + error.what();
  } catch (const nlohmann::json::exception& error) {
    why = "the body is not JSON: " + base::json_error_reason(error);
  }
  return std::nullopt;
}

// The published JWKS with the body, kid and Cache-Control faults applied.
std::string faulted_jwks(std::string body, const FaultEffect& effect) {
  if (!effect.drop_kids.empty()) {
    auto jwks = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
      auto& keys = jwks["keys"];
      keys.erase(std::remove_if(keys.begin(), keys.end(),
                                [&](const nlohmann::json& key) {
                                  auto kid = key.find("kid");
                                  return kid != key.end() && kid->is_string() &&
                                         std::find(effect.drop_kids.begin(), effect.drop_kids.end(),
                                                   kid->get<std::string>()) != effect.drop_kids.end();
                                }),
                 keys.end());
      body = jwks.dump();
    }
  }
  if (!effect.body) return body;
  switch (*effect.body) {
    case BodyFault::garbage: return std::string(kGarbageBody);
    case BodyFault::empty_set: return R"({"keys":[]})";
    case BodyFault::truncated: return body.substr(0, body.size() / 2);
  }
  return body;
}

}  // namespace

struct ScenarioControl::Impl {
  AdminHooks hooks;
  UnixClock real_clock;
  FaultBook book;
  AdminStats stats;
  std::unique_ptr<RequestDelay> delay;

  std::mutex claims_mutex;  // guards the two below
  nlohmann::json extra_claims;
  std::uint64_t claims_left = 0;

  Impl(AdminHooks h, UnixClock real, FaultClock steady, std::unique_ptr<RequestDelay> d)
      : hooks(std::move(h)),
        real_clock(std::move(real)),
        book(std::move(steady), [this](const std::string& line) { log(line); }),
        stats(real_clock()),
        delay(d ? std::move(d) : std::make_unique<WorkerSleepDelay>(32)) {}

  void log(const std::string& line) const {
    if (hooks.log) hooks.log("swapi serve: admin: " + line);
  }
  // Runs `handler` only for a request check_admin_access lets through.
  bool admitted(const httplib::Request& request, httplib::Response& response) const;
  void answer_fault_status(FaultRoute route, int status, const FaultEffect& effect, httplib::Response& response) const;
  nlohmann::json listing();
  void add_fault(const httplib::Request& request, httplib::Response& response);
  void set_claims(const httplib::Request& request, httplib::Response& response);
  void rotate(const httplib::Request& request, httplib::Response& response);
};

bool ScenarioControl::Impl::admitted(const httplib::Request& request, httplib::Response& response) const {
  AdminRequest input;
  input.remote_addr = request.remote_addr;
  auto [first, last] = request.headers.equal_range("Authorization");
  input.authorization_count = static_cast<std::size_t>(std::distance(first, last));
  if (first != last) input.authorization = first->second;
  std::vector<jose::Jwk> keys = hooks.admin_keys ? hooks.admin_keys() : std::vector<jose::Jwk>{};
  auto refusal = check_admin_access(input, keys, real_clock());
  if (!refusal) return true;
  if (refusal->challenge) {
    write_challenge(response, *refusal->challenge, BodyShape::swapi);
  } else {
    set_json_error(response, refusal->status, refusal->reason);
  }
  log("refused " + request.method + " " + request.path + " from " + request.remote_addr + ": " + refusal->reason);
  return false;
}

void ScenarioControl::Impl::answer_fault_status(FaultRoute route, int status, const FaultEffect& effect,
                                                httplib::Response& response) const {
  std::string why = "injected by swapi fault " + ids_text(effect.ids);
  if (status_has_no_body(status)) {
    response.status = status;
  } else if (route == FaultRoute::token) {
    // RFC 6749 §5.2 shape, so an OAuth client reads the failure as it would Auth0's.
    std::string error = status == 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request";
    set_oauth_error(response, {status, error, why});
  } else if (route == FaultRoute::api && hooks.loopback_shape) {
    set_loopback_error(response, status, why, "INJECTED_FAULT");
  } else {
    set_json_error(response, status, why);
  }
}

nlohmann::json ScenarioControl::Impl::listing() {
  auto now = std::chrono::steady_clock::now();
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& fault : book.list()) faults.push_back(to_json(fault, now));
  nlohmann::json claims;
  {
    std::lock_guard lock(claims_mutex);
    if (claims_left > 0) claims = {{"claims", extra_claims}, {"remaining", claims_left}};
  }
  return {{"faults", faults}, {"skew", book.skew()}, {"extra_claims", claims}};
}

void ScenarioControl::Impl::add_fault(const httplib::Request& request, httplib::Response& response) {
  std::string why;
  auto body = parse_body(request.body, why);
  if (!body) return set_json_error(response, 400, why);
  auto parsed = parse_fault_spec(*body);
  if (auto* error = std::get_if<std::string>(&parsed)) return set_json_error(response, 400, *error);
  auto& spec = std::get<FaultSpec>(parsed);
  if (spec.route != FaultRoute::api && spec.route != FaultRoute::clock && !hooks.jwks_body)
    return set_json_error(response, 409, "this server runs no local issuer (--jwks-uri or --jwks-file): its " +
                                             std::string(route_name(spec.route)) + " route has nothing to fault");
  if (spec.delay.count() > 0 && delay->capacity() == 0)
    return set_json_error(response, 409, "this server has one worker (--max-threads 1): a delayed request would hold "
                                         "it and stop the server; start it with --max-threads 2 or more for delays");
  std::string description = describe(spec);
  auto id = book.add(std::move(spec));
  if (!id)
    return set_json_error(response, 409, std::to_string(kMaxFaults) + " faults are active already; clear some first");
  log("fault #" + std::to_string(*id) + " added: " + description);
  auto now = std::chrono::steady_clock::now();
  for (const auto& fault : book.list())
    if (fault.id == *id) return send_object(response, 201, to_json(fault, now));
  send_object(response, 201, {{"id", *id}, {"description", description}});  // already over
}

void ScenarioControl::Impl::set_claims(const httplib::Request& request, httplib::Response& response) {
  std::string why;
  auto parsed = parse_body(request.body, why);
  if (!parsed) return set_json_error(response, 400, why);
  nlohmann::json& body = *parsed;
  if (!body.is_object() || !body.contains("claims") || !body["claims"].is_object() || body["claims"].empty())
    return set_json_error(response, 400, R"(the body must be {"claims": {"name": value, ...}, "count": N})");
  std::uint64_t count = 1;
  if (auto it = body.find("count"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
      return set_json_error(response, 400, "'count' must be a positive integer");
    count = it->get<std::uint64_t>();
  }
  // Merged into every token for `count` tokens and logged: a token stays under the guard's
  // 8 KiB (jose::kDefaultMaxTokenBytes) and the log line short.
  if (body["claims"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > kMaxExtraClaimsBytes)
    return set_json_error(response, 400, "the extra claims are at most " + std::to_string(kMaxExtraClaimsBytes) +
                                         " bytes as JSON (a token is at most 8 KiB)");
  // The token endpoint would refuse every token then (token_endpoint.cpp); say so now.
  if (jose::extract_scopes(body["claims"]).contains(std::string(jose::kScenarioControlScope)))
    return set_json_error(response, 400, "extra claims cannot grant swapi:admin: scenario control's scope is never in "
                                         "an issued token");
  if (!hooks.jwks_body) return set_json_error(response, 409, "this server runs no local issuer: it issues no tokens");
  {
    std::lock_guard lock(claims_mutex);
    extra_claims = body["claims"];
    claims_left = count;
  }
  log("extra claims for the next " + std::to_string(count) + (count == 1 ? " token: " : " tokens: ") +
      body["claims"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  send_object(response, 200, {{"claims", body["claims"]}, {"remaining", count}});
}

void ScenarioControl::Impl::rotate(const httplib::Request& request, httplib::Response& response) {
  if (!hooks.rotate) return set_json_error(response, 409, "this server runs no local issuer: it has no key to rotate");
  std::string alg;
  if (!request.body.empty()) {
    std::string why;
    auto parsed = parse_body(request.body, why);
    if (!parsed) return set_json_error(response, 400, why);
    const nlohmann::json& body = *parsed;
    if (!body.is_object()) return set_json_error(response, 400, R"(the body must be {} or {"alg": "ES256"})");
    if (auto it = body.find("alg"); it != body.end()) {
      if (!it->is_string() || !jose::parse_alg(it->get<std::string>()))
        return set_json_error(response, 400, "'alg' must be an algorithm name such as RS256 or ES256");
      alg = it->get<std::string>();
    }
  }
  try {
    nlohmann::json rotated = hooks.rotate(alg);
    log("rotated the signing key: " + rotated.value("kid", "") + " is active, " + rotated.value("previous", "") +
        " stays published");
    send_object(response, 200, rotated);
  } catch (const KeysetError& error) {
    set_json_error(response, 409, error.detail());
  } catch (const base::Diagnostic& error) {
    set_json_error(response, 500, error.what_failed + ": " + error.why);
  }
}

ScenarioControl::ScenarioControl(AdminHooks hooks, UnixClock real_clock, FaultClock steady,
                                 std::unique_ptr<RequestDelay> delay)
    : impl_(std::make_unique<Impl>(std::move(hooks), std::move(real_clock), std::move(steady), std::move(delay))) {}

ScenarioControl::~ScenarioControl() = default;

std::int64_t ScenarioControl::now() {
  std::int64_t real = impl_->real_clock();
  return impl_->book.empty() ? real : real + impl_->book.skew();
}

nlohmann::json ScenarioControl::take_extra_claims() {
  std::lock_guard lock(impl_->claims_mutex);
  if (impl_->claims_left == 0) return nlohmann::json::object();
  if (--impl_->claims_left == 0) impl_->log("extra claims used up");
  return impl_->extra_claims;
}

bool ScenarioControl::intercept(const httplib::Request& request, httplib::Response& response) {
  auto& self = *impl_;
  if (self.book.empty()) return false;  // the common case: one atomic load
  auto route = route_of_path(request.path);
  if (!route) return false;
  FaultEffect effect = self.book.take(*route, request.path);
  if (!effect.any()) return false;
  if (effect.delay.count() > 0 &&
      self.delay->hold(std::min(effect.delay, kMaxDelay), effect.ids) == RequestDelay::Held::refused)
    self.log("delay of fault " + ids_text(effect.ids) + " skipped for " + request.method + " " + request.path + ": " +
             std::to_string(self.delay->holding()) + " requests are held already (half the workers at most)");

  bool jwks_change = effect.body || !effect.drop_kids.empty() || effect.cache_control;
  if (*route == FaultRoute::jwks && jwks_change && self.hooks.jwks_body) {
    response.status = effect.status.value_or(200);
    // A body fault and a 204/304 never meet in one spec, but two faults may merge them.
    if (!status_has_no_body(response.status))
      response.set_content(faulted_jwks(self.hooks.jwks_body(), effect), "application/json");
    std::string cache_control = effect.cache_control.value_or(std::string(kJwksCacheControl));
    if (!cache_control.empty()) response.set_header("Cache-Control", cache_control);
    return true;
  }
  if (effect.status) {
    self.answer_fault_status(*route, *effect.status, effect, response);
    return true;
  }
  return false;
}

void ScenarioControl::record(const httplib::Request& request, const httplib::Response& response,
                             std::string_view rule) {
  if (request.path.starts_with(kAdminPrefix)) return;  // a test's own asking is not traffic
  impl_->stats.record(request.method, request.path, response.status, rule);
}

void ScenarioControl::stop() { impl_->delay->close(); }

void ScenarioControl::register_routes(httplib::Server& http) {
  Impl* self = impl_.get();
  // Every admin route goes through the access check; nothing below runs without it.
  auto guarded = [self](auto handler) {
    return [self, handler](const httplib::Request& request, httplib::Response& response) {
      response.set_header("Cache-Control", "no-store");
      response.set_header(kAdminHeader, "on");
      if (self->admitted(request, response)) handler(request, response);
    };
  };
  http.Get("/_swapi/faults", guarded([self](const httplib::Request&, httplib::Response& response) {
    send_object(response, 200, self->listing());
  }));
  http.Post("/_swapi/faults", guarded([self](const httplib::Request& request, httplib::Response& response) {
    self->add_fault(request, response);
  }));
  http.Delete("/_swapi/faults", guarded([self](const httplib::Request&, httplib::Response& response) {
    std::size_t cleared = self->book.clear();
    {
      std::lock_guard lock(self->claims_mutex);
      self->claims_left = 0;
    }
    self->delay->release_all();  // a cleared delay ends for the requests waiting on it too
    self->log("cleared " + std::to_string(cleared) + (cleared == 1 ? " fault" : " faults") +
              " and any pending extra claims");
    send_object(response, 200, {{"cleared", cleared}});
  }));
  http.Delete(R"(/_swapi/faults/(\d{1,18}))", guarded([self](const httplib::Request& request, httplib::Response& response) {
    std::uint64_t id = std::stoull(request.matches[1].str());
    if (!self->book.remove(id)) return set_json_error(response, 404, "no active fault #" + std::to_string(id));
    self->delay->release(id);  // a removed delay ends for the requests waiting on it too
    self->log("fault #" + std::to_string(id) + " removed");
    send_object(response, 200, {{"removed", id}});
  }));
  http.Post("/_swapi/actions/rotate", guarded([self](const httplib::Request& request, httplib::Response& response) {
    self->rotate(request, response);
  }));
  http.Post("/_swapi/actions/claims", guarded([self](const httplib::Request& request, httplib::Response& response) {
    self->set_claims(request, response);
  }));
  http.Get("/_swapi/stats", guarded([self](const httplib::Request&, httplib::Response& response) {
    send_object(response, 200, self->stats.snapshot().to_json());
  }));
  http.Delete("/_swapi/stats", guarded([self](const httplib::Request&, httplib::Response& response) {
    StatsSnapshot previous = self->stats.reset(self->real_clock());
    self->log("stats reset (" + std::to_string(previous.requests) + " requests counted before)");
    send_object(response, 200, previous.to_json());
  }));
}

void register_admin_off_routes(httplib::Server& http, bool loopback_shape) {
  auto off = [loopback_shape](const httplib::Request&, httplib::Response& response) {
    constexpr std::string_view kOff = "scenario control is off: start the server with `swapi serve --admin`";
    if (loopback_shape) return set_loopback_error(response, 404, kOff, "ADMIN_OFF");
    set_json_error(response, 404, kOff);
  };
  http.Get("/_swapi/.*", off);
  http.Post("/_swapi/.*", off);
  http.Delete("/_swapi/.*", off);
  http.Put("/_swapi/.*", off);
  http.Patch("/_swapi/.*", off);
  http.Options("/_swapi/.*", off);
}

}  // namespace swapi::server
