#pragma once
// GET /explorer/ (DESIGN.md "Explorer"): one page, its stylesheet and its script modules,
// written in server/web/explorer/ and compiled into the binary (explorer_assets.h), so it works
// offline and fetches nothing from another host. Public, like /openapi.json: it holds no data
// of its own; everything it shows it asks the API for, with the user's token.
//
// Security, in the headers of every explorer answer: a Content-Security-Policy that allows
// only this server's own script and style (no inline script or style, no other host, no form
// submission, no framing, no HTML from strings), nosniff, no referrer, no opener. The page is
// templated in exactly two places, the token form's client id and secret, and only for a
// request from this machine by this server's own user (below).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace httplib { class Server; struct Request; }

namespace swapi::server {

struct ClientCredentials {
  std::string id, secret;
};

struct ExplorerSettings {
  // The default client, to prefill the token form; nullopt when this server issues no tokens.
  std::function<std::optional<ClientCredentials>()> default_client;
  // True when the peer's socket belongs to the user running this server; unset: asked of the
  // kernel's socket tables (web/peer_user.h). Another account on this machine is loopback too.
  std::function<bool(const httplib::Request&)> same_user;
};

// The Content-Security-Policy every explorer answer carries.
extern const char* const kExplorerContentSecurityPolicy;

// True when the request came from this machine and names it: the peer address is loopback
// (127.0.0.0/8, ::1, or IPv4-mapped 127.x) and so is the host in its Host header. The second
// half stops DNS rebinding: a web page at evil.example whose name is made to resolve to
// 127.0.0.1 reaches this server from the user's own browser, a loopback peer, but its requests
// say "Host: evil.example".
bool is_local_request(const httplib::Request& request);

// True for /explorer and everything under /explorer/: the explorer's answers, which are for
// this server's own origin only (web/cors.h never shares them with another).
bool is_explorer_path(std::string_view path);

// True when the request's Accept header lists text/html with a non-zero q (a browser's
// navigation); curl's */* and API clients' application/json are not.
bool accepts_html(const httplib::Request& request);

// The page for `request`: the template with the default client's id and secret prefilled,
// HTML-escaped, when is_local_request() holds, the peer is this server's own user and
// settings name a default client; empty values otherwise.
std::string explorer_page(const httplib::Request& request, const ExplorerSettings& settings);

// GET /explorer (redirects to /explorer/), /explorer/, its assets, and GET / redirecting a
// browser (accepts_html) to /explorer/; anyone else asking for / gets the usual 404.
void register_explorer_routes(httplib::Server& http, ExplorerSettings settings);

}  // namespace swapi::server
