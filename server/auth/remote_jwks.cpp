#include "server/auth/remote_jwks.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>

#include "http/cache_control.h"
#include "http/url.h"
#include "base/diagnostic.h"

namespace swapi::server {

namespace {

using Clock = std::chrono::steady_clock;

// What libcurl can tunnel through; with any of them TLS to the issuer runs end to end, so the
// proxy sees and can change nothing of an https JWKS.
constexpr std::array<std::string_view, 6> kProxySchemes = {"http", "https", "socks4", "socks4a", "socks5", "socks5h"};

std::string seconds_text(std::chrono::seconds value) { return std::to_string(value.count()) + " s"; }

bool has_kid(const KeySet& set, std::string_view kid) {
  return std::any_of(set.keys.begin(), set.keys.end(), [&](const jose::Jwk& key) { return key.kid == kid; });
}

// "http://proxy:3128" for the banner: scheme, host and port only, so credentials in the URL
// (http://user:secret@proxy) never reach a terminal or a log.
std::string proxy_label(const std::string& proxy) {
  if (proxy.empty()) return {};
  http::UrlParts parts = http::parse_url(proxy);
  std::string host = parts.host.find(':') != std::string::npos ? "[" + parts.host + "]" : parts.host;
  return parts.scheme + "://" + host + (parts.port ? ":" + std::to_string(parts.port) : "");
}

// Starts a thread with every signal blocked. The mask is inherited from the creating thread,
// so it is set around the creation, not inside the new thread (a signal could land before).
// The refresher (and libcurl's resolver threads it starts) must never take SIGTERM or SIGINT:
// with the default action that kills the process instead of letting serve stop cleanly, and
// it must not depend on every caller having blocked them first.
std::thread start_thread_without_signals(std::function<void()> body) {
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  struct Restore {
    const sigset_t& mask;
    ~Restore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};
  return std::thread(std::move(body));
}

}  // namespace

struct RemoteJwks::Outcome {
  std::optional<KeySet> set;           // a set with at least one usable key, or nothing
  std::vector<std::string> skipped;    // one sentence per key left out
  std::string error;                   // why there is no set
  std::optional<std::chrono::seconds> max_age;  // the response's Cache-Control, unclamped
};

void check_jwks_url(const std::string& url, const std::string& proxy) {
  http::UrlParts parts;
  try {
    parts = http::parse_url(url);
  } catch (const http::Error& error) {
    throw base::Diagnostic("serve: --jwks-uri", error.detail(), "give an absolute URL such as https://tenant.example/.well-known/jwks.json");
  }
  bool loopback = http::is_loopback_host(parts.host);
  if (parts.scheme == "http" && !loopback)
    throw base::Diagnostic("serve: --jwks-uri", "refusing plain http to " + parts.host + ": keys fetched in clear text could be replaced on the way",
                       "use https (http is accepted only for 127.0.0.1, ::1 and localhost)");
  if (parts.scheme != "http" && parts.scheme != "https")
    throw base::Diagnostic("serve: --jwks-uri", "unsupported scheme '" + parts.scheme + "' in " + url, "use an https:// URL");
  if (proxy.empty()) return;

  if (loopback)
    throw base::Diagnostic("serve: --jwks-proxy", "a loopback --jwks-uri is always fetched directly, never through a proxy",
                       "drop --jwks-proxy; it is for an https JWKS that is reachable only through a proxy");
  http::UrlParts proxy_parts;
  try {
    proxy_parts = http::parse_url(proxy);
  } catch (const http::Error& error) {
    throw base::Diagnostic("serve: --jwks-proxy", error.detail(), "give a proxy URL such as http://proxy.example:3128");
  }
  if (std::find(kProxySchemes.begin(), kProxySchemes.end(), proxy_parts.scheme) == kProxySchemes.end())
    throw base::Diagnostic("serve: --jwks-proxy", "unsupported proxy scheme '" + proxy_parts.scheme + "' in " + proxy,
                       "use http://, https://, socks5:// or socks5h://HOST:PORT");
}

RemoteJwks::RemoteJwks(RemoteJwksConfig config, AlgPolicy policy, LogSink log, JwksFetcher fetcher, SteadyClock clock)
    : config_(std::move(config)), policy_(std::move(policy)), log_(std::move(log)), fetcher_(std::move(fetcher)),
      clock_(std::move(clock)), set_(std::make_shared<const KeySet>(KeySet{{}, policy_.explicit_algs, 0})) {
  check_jwks_url(config_.url, config_.proxy);
  proxy_label_ = proxy_label(config_.proxy);
  if (!fetcher_) fetcher_ = [](const http::Request& request, const http::Options& options) { return http::fetch(request, options); };
  if (!clock_) clock_ = [] { return Clock::now(); };
  if (!log_) log_ = [](const std::string&) {};
  current_max_age_ = config_.max_age;
}

RemoteJwks::~RemoteJwks() {
  {
    std::lock_guard lock(mutex_);  // under the lock, so no waiter misses the wake-up
    stopping_ = true;
  }
  wake_.notify_all();
  done_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

void RemoteJwks::start(bool on_schedule) {
  std::unique_lock lock(mutex_);
  on_schedule_ = on_schedule;
  asked_ = "start";
  running_ = true;
  refresher_ = start_thread_without_signals([this] { run_refresher(); });
  // Before the server serves, so no request waits here. The fetch ends within its timeout;
  // the margin covers parsing and thread start-up.
  bool ended = done_.wait_for(lock, config_.timeout + std::chrono::seconds(1), [this] { return completed_ >= 1; });
  if (current()->keys.empty()) {
    log_("swapi serve: --jwks-uri " + config_.url + ": no keys yet (" + (ended ? last_error_ : "no answer yet") +
         "); every token is refused until a fetch succeeds; retrying in the background");
  }
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

void RemoteJwks::run_fetch(std::unique_lock<std::mutex>& lock, std::string_view reason) {
  in_flight_ = true;
  ++fetches_;
  std::string why(reason);
  lock.unlock();
  Outcome outcome = fetch_once();
  lock.lock();
  apply(std::move(outcome), why, clock_());
  in_flight_ = false;
  ++completed_;
  done_.notify_all();
  wake_.notify_all();
}

RemoteJwks::Outcome RemoteJwks::fetch_once() const {
  Outcome outcome;
  http::Request request;
  request.url = config_.url;
  request.headers.push_back({"Accept", "application/jwk-set+json, application/json"});
  http::Options options;
  options.connect_timeout = config_.timeout;
  options.total_timeout = config_.timeout;
  options.max_response_bytes = config_.max_body_bytes;
  options.follow_redirects = false;
  options.proxy = config_.proxy;
  options.cancel = [this] { return stopping_.load(); };  // shutdown does not wait out a slow issuer

  // This runs on the refresher thread: an exception escaping it would end the process, so
  // every failure, ours or a library's, becomes a failed fetch (the last good set stays).
  http::Response response;
  try {
    response = fetcher_(request, options);
  } catch (const http::Error& error) {
    outcome.error = std::string(http::code_name(error.code())) + ": " + error.detail();
    return outcome;
  } catch (const std::exception& error) {
    outcome.error = std::string("transfer_failed: ") + error.what();
    return outcome;
  }
  if (response.status != 200) {
    outcome.error = "HTTP " + std::to_string(response.status) + " (expected 200)";
    return outcome;
  }

  KeySetBuild build;
  try {
    jose::JwksLoad load = jose::parse_jwks(std::string_view(response.body));
    outcome.skipped = std::move(load.rejected);
    build = build_key_set(std::move(load.keys), policy_, false, 0);
  } catch (const jose::Error& error) {
    outcome.error = "not a JWKS: " + error.detail();
    return outcome;
  } catch (const std::exception& error) {
    outcome.error = std::string("not a JWKS: ") + error.what();
    return outcome;
  }
  outcome.skipped.insert(outcome.skipped.end(), build.skipped.begin(), build.skipped.end());
  if (build.set.keys.empty()) {
    outcome.error = "the key set has no usable key";
    return outcome;
  }
  if (auto header = response.header("Cache-Control")) outcome.max_age = http::cache_max_age(*header);
  outcome.set = std::move(build.set);
  return outcome;
}

void RemoteJwks::apply(Outcome outcome, std::string_view reason, Clock::time_point now) {
  for (const auto& why : outcome.skipped) log_("swapi serve: --jwks-uri " + config_.url + ": skipped " + why);
  if (!outcome.set) {
    last_error_ = std::move(outcome.error);
    next_due_ = now + retry_delay_;
    log_("swapi serve: --jwks-uri " + config_.url + " (" + std::string(reason) + "): " + last_error_ +
         "; keeping the last good key set; next try in " + seconds_text(retry_delay_));
    retry_delay_ = std::min(retry_delay_ * 2, config_.max_retry);
    return;
  }
  current_max_age_ = outcome.max_age ? std::clamp(*outcome.max_age, config_.min_max_age, config_.max_max_age) : config_.max_age;
  next_due_ = now + current_max_age_;
  retry_delay_ = std::chrono::seconds(1);
  last_error_.clear();
  limit_logged_ = false;

  auto previous = current();
  if (previous->generation != 0 && same_keys(*previous, *outcome.set)) return;  // nothing changed
  outcome.set->generation = generation() + 1;
  publish(std::move(*outcome.set));
}

bool RemoteJwks::refresh_if_due() {
  std::unique_lock lock(mutex_);
  if (in_flight_ || clock_() < next_due_) return false;
  run_fetch(lock, "refresh");
  return true;
}

bool RemoteJwks::refresh_for_unknown_kid(std::string_view kid) {
  std::unique_lock lock(mutex_);
  // A fetch that ended since this request looked may have brought the kid already.
  if (!kid.empty() && has_kid(*current(), kid)) return true;
  if (!running_ || stopping_) return false;
  // Refused at once: a request never waits for a fetch it did not ask for. The running fetch
  // may well bring the kid; the client's next request will find it.
  if (in_flight_ || asked_) return false;

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
  asked_ = "unknown kid";
  std::uint64_t before = generation();
  std::uint64_t ours = completed_ + 1;  // nothing is in flight: the next fetch to end is the one asked for
  wake_.notify_all();
  done_.wait_for(lock, config_.kid_wait, [&] { return completed_ >= ours || stopping_; });
  return generation() != before;
}

std::size_t RemoteJwks::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

std::string RemoteJwks::describe() const {
  auto set = current();
  std::lock_guard lock(mutex_);
  std::string text = "JWKS " + config_.url;
  if (!proxy_label_.empty()) text += " through proxy " + proxy_label_;
  if (set->keys.empty()) return text + ", no keys yet (" + (last_error_.empty() ? "no answer yet" : last_error_) + ")";
  std::size_t count = set->keys.size();
  return text + ", " + std::to_string(count) + (count == 1 ? " key (" : " keys (") + alg_names(set->algs) +
         "), refreshed every " + seconds_text(current_max_age_);
}

void RemoteJwks::run_refresher() {
  std::unique_lock lock(mutex_);
  auto woken = [this] { return stopping_ || (asked_ && !in_flight_); };
  while (!stopping_) {
    if (asked_ && !in_flight_) {
      std::string reason = std::move(*asked_);
      asked_.reset();
      run_fetch(lock, reason);
    } else if (on_schedule_ && !in_flight_ && clock_() >= next_due_) {
      run_fetch(lock, "refresh");
    } else if (on_schedule_ && !in_flight_) {
      wake_.wait_for(lock, next_due_ - clock_(), woken);
    } else {
      // Only asked-for fetches, or another thread's fetch (refresh_if_due) is running.
      wake_.wait(lock, [&] { return woken() || (on_schedule_ && !in_flight_); });
    }
  }
}

}  // namespace swapi::server
