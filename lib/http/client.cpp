#include "http/client.h"

#include <cctype>

#include "base/ascii.h"
#include "http/curl_handles.h"

namespace swapi::http {

namespace {

// Loopback hosts as libcurl's no-proxy list spells them (CIDR needs libcurl 7.86; Debian 12
// has 7.88), the same set http::is_loopback_host accepts.
constexpr const char* kNeverProxied = "localhost,.localhost,127.0.0.0/8,::1";

struct Transfer {
  Response response;
  std::size_t max_bytes = 0;
  bool over_limit = false;
  const std::function<bool()>* cancel = nullptr;
};

// Non-zero makes libcurl abort with CURLE_ABORTED_BY_CALLBACK. No exception may cross
// libcurl's C frames: a throwing cancel() counts as "stop".
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& transfer = *static_cast<Transfer*>(user);
  try {
    return (*transfer.cancel)() ? 1 : 0;
  } catch (...) {
    return 1;
  }
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (transfer.response.body.size() + bytes > transfer.max_bytes) {
    transfer.over_limit = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  transfer.response.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& headers = static_cast<Transfer*>(user)->response.headers;
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line starts a new response (a redirect hop or a 100 Continue): keep only the
  // final response's headers.
  if (line.starts_with("HTTP/")) {
    headers.clear();
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;  // the blank line ending the block
  headers.push_back(Header{std::string(base::trim(line.substr(0, colon))), std::string(base::trim(line.substr(colon + 1), " \t\r\n"))});
  return bytes;
}

Errc classify(CURLcode code) {
  switch (code) {
    case CURLE_URL_MALFORMAT: return Errc::invalid_url;
    case CURLE_UNSUPPORTED_PROTOCOL: return Errc::unsupported_scheme;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return Errc::resolve_failed;
    case CURLE_COULDNT_CONNECT: return Errc::connect_failed;
    case CURLE_OPERATION_TIMEDOUT: return Errc::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR: return Errc::tls_failed;
    case CURLE_FILESIZE_EXCEEDED: return Errc::too_large;
    case CURLE_TOO_MANY_REDIRECTS: return Errc::too_many_redirects;
    case CURLE_ABORTED_BY_CALLBACK: return Errc::cancelled;
    default: return Errc::transfer_failed;
  }
}

// Sets an option, turning a refusal (an option this libcurl build lacks) into an Error.
template <typename Value>
void set(CURL* handle, CURLoption option, Value value, const char* what) {
  if (detail::curl().easy_setopt(handle, option, value) != CURLE_OK)
    throw Error(Errc::transfer_failed, std::string("libcurl refused option ") + what);
}

}  // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& entry : headers) {
    if (base::iequals(entry.name, name)) return std::string_view(entry.value);
  }
  return std::nullopt;
}

struct Client::Handle {
  detail::EasyPtr easy;
};

Client::Client() : handle_(std::make_unique<Handle>()) {
  handle_->easy.reset(detail::curl().easy_init());
  if (!handle_->easy) throw Error(Errc::transfer_failed, "libcurl could not create a handle");
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Response Client::send(const Request& request, const Options& options) {
  const auto& api = detail::curl();
  CURL* handle = handle_->easy.get();
  api.easy_reset(handle);  // nothing from the previous request leaks into this one

  Transfer transfer;
  transfer.max_bytes = options.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};

  set(handle, CURLOPT_URL, request.url.c_str(), "URL");
  set(handle, CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR");
  set(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "REDIR_PROTOCOLS_STR");
  set(handle, CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");  // timeouts without SIGALRM: safe in threads
  set(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()), "CONNECTTIMEOUT_MS");
  set(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()), "TIMEOUT_MS");
  set(handle, CURLOPT_FOLLOWLOCATION, options.follow_redirects ? 1L : 0L, "FOLLOWLOCATION");
  set(handle, CURLOPT_MAXREDIRS, options.max_redirects, "MAXREDIRS");
  // "" is libcurl's "no proxy, whatever the environment says"; with a proxy, an explicit
  // no-proxy list likewise replaces $no_proxy.
  set(handle, CURLOPT_PROXY, options.proxy.c_str(), "PROXY");
  set(handle, CURLOPT_NOPROXY, options.proxy.empty() ? "" : kNeverProxied, "NOPROXY");
  set(handle, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L, "SSL_VERIFYPEER");
  set(handle, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L, "SSL_VERIFYHOST");
  if (!options.ca_file.empty()) set(handle, CURLOPT_CAINFO, options.ca_file.c_str(), "CAINFO");
  set(handle, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes), "MAXFILESIZE");
  set(handle, CURLOPT_ACCEPT_ENCODING, "", "ACCEPT_ENCODING");  // whatever this build decodes
  set(handle, CURLOPT_USERAGENT, "swapi", "USERAGENT");
  set(handle, CURLOPT_ERRORBUFFER, error_buffer, "ERRORBUFFER");
  set(handle, CURLOPT_WRITEFUNCTION, &on_body, "WRITEFUNCTION");
  set(handle, CURLOPT_WRITEDATA, static_cast<void*>(&transfer), "WRITEDATA");
  set(handle, CURLOPT_HEADERFUNCTION, &on_header, "HEADERFUNCTION");
  set(handle, CURLOPT_HEADERDATA, static_cast<void*>(&transfer), "HEADERDATA");
  if (options.cancel) {
    transfer.cancel = &options.cancel;
    set(handle, CURLOPT_XFERINFOFUNCTION, &on_progress, "XFERINFOFUNCTION");
    set(handle, CURLOPT_XFERINFODATA, static_cast<void*>(&transfer), "XFERINFODATA");
    set(handle, CURLOPT_NOPROGRESS, 0L, "NOPROGRESS");
  }

  if (request.method == "HEAD") {
    set(handle, CURLOPT_NOBODY, 1L, "NOBODY");
  } else if (request.method != "GET" || !request.body.empty()) {
    set(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()), "POSTFIELDSIZE");
    set(handle, CURLOPT_POSTFIELDS, request.body.c_str(), "POSTFIELDS");
    if (request.method != "POST") set(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str(), "CUSTOMREQUEST");
  }

  detail::SlistPtr header_list;
  for (const auto& header : request.headers) {
    // "Name;" is curl's spelling of "send this header with an empty value".
    std::string line = header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
    curl_slist* extended = api.slist_append(header_list.get(), line.c_str());
    if (!extended) throw Error(Errc::transfer_failed, "out of memory building request headers");
    header_list.release();
    header_list.reset(extended);
  }
  // Without this libcurl adds "Expect: 100-continue" to larger bodies and waits a second.
  if (!request.body.empty()) {
    curl_slist* extended = api.slist_append(header_list.get(), "Expect:");
    if (!extended) throw Error(Errc::transfer_failed, "out of memory building request headers");
    header_list.release();
    header_list.reset(extended);
  }
  if (header_list) set(handle, CURLOPT_HTTPHEADER, header_list.get(), "HTTPHEADER");

  CURLcode result = api.easy_perform(handle);
  if (transfer.over_limit) result = CURLE_FILESIZE_EXCEEDED;
  if (result != CURLE_OK) {
    std::string reason = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(result);
    if (result == CURLE_FILESIZE_EXCEEDED)
      reason = "response larger than " + std::to_string(options.max_response_bytes) + " bytes";
    if (result == CURLE_ABORTED_BY_CALLBACK) reason = "cancelled";
    throw Error(classify(result), request.method + " " + request.url + ": " + reason);
  }
  api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  char* effective = nullptr;
  if (api.easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
    transfer.response.effective_url = effective;
  return std::move(transfer.response);
}

Response fetch(const Request& request, const Options& options) {
  Client client;
  return client.send(request, options);
}

}  // namespace swapi::http
