#include "server/auth/remote_jwks.h"

#include <algorithm>

#include "http/cache_control.h"
#include "http/url.h"
#include "base/diagnostic.h"

namespace swapi::server {

namespace {

using Clock = std::chrono::steady_clock;

std::string seconds_text(std::chrono::seconds value) { return std::to_string(value.count()) + " s"; }

}  // namespace

void check_jwks_url(const std::string& url) {
  http::UrlParts parts;
  try {
    parts = http::parse_url(url);
  } catch (const http::Error& error) {
    throw base::Diagnostic("serve: --jwks-uri", error.detail(), "give an absolute URL such as https://tenant.example/.well-known/jwks.json");
  }
  if (parts.scheme == "https") return;
  if (parts.scheme == "http" && http::is_loopback_host(parts.host)) return;
  if (parts.scheme == "http")
    throw base::Diagnostic("serve: --jwks-uri", "refusing plain http to " + parts.host + ": keys fetched in clear text could be replaced on the way",
                       "use https (http is accepted only for 127.0.0.1, ::1 and localhost)");
  throw base::Diagnostic("serve: --jwks-uri", "unsupported scheme '" + parts.scheme + "' in " + url, "use an https:// URL");
}

RemoteJwks::RemoteJwks(RemoteJwksConfig config, AlgPolicy policy, LogSink log, JwksFetcher fetcher, SteadyClock clock)
    : config_(std::move(config)), policy_(std::move(policy)), log_(std::move(log)), fetcher_(std::move(fetcher)),
      clock_(std::move(clock)), set_(std::make_shared<const KeySet>(KeySet{{}, policy_.explicit_algs, 0})) {
  check_jwks_url(config_.url);
  if (!fetcher_) fetcher_ = [](const http::Request& request, const http::Options& options) { return http::fetch(request, options); };
  if (!clock_) clock_ = [] { return Clock::now(); };
  if (!log_) log_ = [](const std::string&) {};
  current_max_age_ = config_.max_age;
}

RemoteJwks::~RemoteJwks() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

void RemoteJwks::start(bool background) {
  {
    std::lock_guard lock(fetch_mutex_);
    if (!fetch_locked("start")) {
      log_("swapi serve: --jwks-uri " + config_.url + ": no keys yet (" + last_error_ +
           "); every token is refused until a fetch succeeds; retrying in the background");
    }
  }
  if (background) refresher_ = std::thread([this] { run_refresher(); });
}

std::shared_ptr<const KeySet> RemoteJwks::current() const {
  std::lock_guard lock(set_mutex_);
  return set_;
}

void RemoteJwks::publish(KeySet set) {
  std::lock_guard lock(set_mutex_);
  generation_.store(set.generation, std::memory_order_release);
  set_ = std::make_shared<const KeySet>(std::move(set));
}

bool RemoteJwks::fetch_locked(std::string_view reason) {
  ++fetches_;
  auto now = clock_();
  auto fail = [&](std::string why) {
    last_error_ = std::move(why);
    next_due_ = now + retry_delay_;
    log_("swapi serve: --jwks-uri " + config_.url + " (" + std::string(reason) + "): " + last_error_ +
         "; keeping the last good key set; next try in " + seconds_text(retry_delay_));
    retry_delay_ = std::min(retry_delay_ * 2, config_.max_retry);
    return false;
  };

  http::Request request;
  request.url = config_.url;
  request.headers.push_back({"Accept", "application/jwk-set+json, application/json"});
  http::Options options;
  options.connect_timeout = config_.timeout;
  options.total_timeout = config_.timeout;
  options.max_response_bytes = config_.max_body_bytes;
  options.follow_redirects = false;

  http::Response response;
  try {
    response = fetcher_(request, options);
  } catch (const http::Error& error) {
    return fail(std::string(http::code_name(error.code())) + ": " + error.detail());
  }
  if (response.status != 200) return fail("HTTP " + std::to_string(response.status) + " (expected 200)");

  jose::JwksLoad load;
  try {
    load = jose::parse_jwks(std::string_view(response.body));
  } catch (const jose::Error& error) {
    return fail("not a JWKS: " + error.detail());
  }
  std::uint64_t next_generation = generation_.load() + 1;
  KeySetBuild build = build_key_set(std::move(load.keys), policy_, false, next_generation);
  for (const auto& why : load.rejected) log_("swapi serve: --jwks-uri " + config_.url + ": skipped " + why);
  for (const auto& why : build.skipped) log_("swapi serve: --jwks-uri " + config_.url + ": skipped " + why);
  if (build.set.keys.empty()) return fail("the key set has no usable key");

  current_max_age_ = config_.max_age;
  if (auto header = response.header("Cache-Control")) {
    if (auto max_age = http::cache_max_age(*header))
      current_max_age_ = std::clamp(*max_age, config_.min_max_age, config_.max_max_age);
  }
  next_due_ = now + current_max_age_;
  retry_delay_ = std::chrono::seconds(1);
  last_error_.clear();
  limit_logged_ = false;

  auto previous = current();
  if (previous->generation != 0 && same_keys(*previous, build.set)) return true;  // nothing changed
  publish(std::move(build.set));
  return true;
}

bool RemoteJwks::refresh_if_due() {
  std::lock_guard lock(fetch_mutex_);
  if (clock_() < next_due_) return false;
  fetch_locked("refresh");
  return true;
}

bool RemoteJwks::refresh_for_unknown_kid(std::string_view kid) {
  auto has_kid = [&](const KeySet& set) {
    return std::any_of(set.keys.begin(), set.keys.end(), [&](const jose::Jwk& key) { return key.kid == kid; });
  };
  std::uint64_t before = generation();
  std::lock_guard lock(fetch_mutex_);
  // Another request may have fetched while we waited for the lock.
  if (generation() != before || has_kid(*current())) return true;

  auto now = clock_();
  while (!kid_refetches_.empty() && now - kid_refetches_.front() >= std::chrono::minutes(1)) kid_refetches_.pop_front();
  if (config_.refetches_per_minute <= 0 || kid_refetches_.size() >= static_cast<std::size_t>(config_.refetches_per_minute)) {
    if (!limit_logged_) {
      log_("swapi serve: --jwks-uri " + config_.url + ": unknown kid \"" + std::string(kid) + "\": not refetching, " +
           std::to_string(config_.refetches_per_minute) + " refetches a minute at most (--jwks-rpm)");
      limit_logged_ = true;
    }
    return false;
  }
  kid_refetches_.push_back(now);
  fetch_locked("unknown kid");
  return generation() != before;
}

std::size_t RemoteJwks::fetch_count() const {
  std::lock_guard lock(fetch_mutex_);
  return fetches_;
}

std::string RemoteJwks::describe() const {
  auto set = current();
  std::lock_guard lock(fetch_mutex_);
  std::string text = "JWKS " + config_.url;
  if (set->keys.empty()) return text + ", no keys yet (" + last_error_ + ")";
  std::size_t count = set->keys.size();
  return text + ", " + std::to_string(count) + (count == 1 ? " key (" : " keys (") + alg_names(set->algs) +
         "), refreshed every " + seconds_text(current_max_age_);
}

void RemoteJwks::run_refresher() {
  while (true) {
    Clock::time_point due;
    {
      std::lock_guard lock(fetch_mutex_);
      due = next_due_;
    }
    {
      std::unique_lock lock(stop_mutex_);
      if (stop_signal_.wait_until(lock, due, [this] { return stopping_; })) return;
    }
    refresh_if_due();
  }
}

}  // namespace swapi::server
