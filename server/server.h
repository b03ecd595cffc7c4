#pragma once
// `swapi serve`: one cpp-httplib server with its tuning, the chosen flavor's routes, the auth
// guard in front of /api, the public endpoints, JSON errors and the access log.
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/issuer/issuer.h"  // BannerLine
#include "server/options.h"

namespace swapi::server {

class Server {
 public:
  // Loads the dataset and keys; throws base::Diagnostic when the server cannot be built.
  Server(ServeOptions options, std::ostream& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 picks a free one), finishes the set-up that needs the real URL
  // (default issuer) and returns the port. Throws base::Diagnostic.
  int bind();
  // Writes the base URL to --ready-file (atomically), if one was given. Called after the
  // banner, so a watcher that sees the file also sees the whole banner.
  void write_ready_file();
  // Serves until stop(); in-flight requests finish first. Returns at once when stop() came
  // first. Logs "swapi serve: stopped" when it returns.
  void run();
  // Safe from any thread (signal watcher, tests), also before run(). `why` ("SIGTERM
  // received"), when given, is logged.
  void stop(std::string_view why = {});

  // "http://127.0.0.1:8080" once bound.
  const std::string& base_url() const;
  // What the banner should say about auth ("JWT required (issuer ..., audience ...)").
  std::string auth_summary() const;
  // How to get a token, for the banner, never showing a secret: the default client, where its
  // secret is and a copy-paste command that reads it and asks POST /oauth/token; with
  // --jwks-uri/--jwks-file, the issuer whose tokens are trusted. Empty when there is no
  // default client or auth is off without a local issuer.
  std::vector<BannerLine> token_help() const;
  // "--cacert '/abs/cert.pem' " with --tls-cert (so the banner's curl commands trust a
  // self-signed certificate), else empty.
  std::string curl_options() const;
  // The --public and --policy rules, one banner line each (describe_rules); empty without.
  std::vector<std::string> auth_rules() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace swapi::server
