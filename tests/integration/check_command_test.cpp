// `swapi check` as a user runs it: all green against `swapi serve` in both flavors, the
// report shapes (table, JSON, JUnit, TAP) parse and agree, black-box mode, --only/--skip, and
// the exit codes with their exact stderr lines.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "state/keyset_store.h"
#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/flawed_resource_server.h"
#include "tests/support/local_server.h"
#include "tests/support/server_process.h"
#include "tests/support/xml_check.h"

using namespace swapi;
using namespace swapi::test;
using json = nlohmann::json;

namespace {

std::map<std::string, std::string> env_for(const ServerProcess& server) {
  return {{"SWAPI_URL", server.base_url()}, {"SWAPI_HOME", server.home()}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The JSON report of a run that must be all green, with its shape checked.
json green_report(const ServerProcess& server, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"check", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_swapi(args, env_for(server));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());  // no progress when stderr is not a terminal
  json report = json::parse(r.out);
  CHECK(report.size() == 4);
  CHECK(report["failed"] == 0);
  CHECK(report["passed"] == report["cases"].size());
  for (const auto& item : report["cases"]) {
    CHECK(item.size() == 6);
    for (const char* key : {"name", "defect", "expected", "status", "ok", "detail"}) CHECK(item.contains(key));
    CHECK(item["ok"] == true);
    CHECK(item["status"].is_number());
  }
  return report;
}

}  // namespace

TEST_CASE("check: all green against swapi serve (swapi flavor), under 5 s, default target /api/films/") {
  ServerProcess server;
  auto start = std::chrono::steady_clock::now();
  json report = green_report(server);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("full default check against swapi serve: " << seconds << " s for " << report["cases"].size() << " cases");
  CHECK(seconds < 5.0);
  CHECK(report["target"] == server.base_url() + "/api/films/");
  CHECK(report["cases"].size() > 50);
  std::set<std::string> defects;
  for (const auto& item : report["cases"]) defects.insert(item["defect"].get<std::string>());
  for (const char* defect : {"valid", "no-token", "expired", "missing-scope", "alg-none", "jku", "x5u", "oversize"})
    CHECK(defects.count(defect));
}

TEST_CASE("check: all green against swapi serve --flavor loopback, on another resource") {
  ServerProcess server({"--flavor", "loopback"});
  json report = green_report(server, {"/api/people"});
  CHECK(report["target"] == server.base_url() + "/api/people");
  auto r = run_swapi({"check", server.base_url() + "/api/films"}, {{"SWAPI_HOME", server.home()}});
  CHECK(r.exit_code == 0);
}

TEST_CASE("check: the table, then one summary line; no colour in a pipe") {
  ServerProcess server;
  auto r = run_swapi({"check", "--only", "valid,no-token"}, env_for(server));
  CHECK(r.exit_code == 0);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "CASE      EXPECTED  GOT  VERDICT  DETAIL");
  CHECK(lines[1] == "valid     200       200  ok");
  CHECK(lines[2] == "no-token  401       401  ok       Authentication credentials were not provided.");
  CHECK(lines[3].rfind("2 passed, 0 failed (2 cases) against " + server.base_url() + "/api/films/ in ", 0) == 0);
  CHECK(r.out.find('\033') == std::string::npos);
}

TEST_CASE("check: --junit writes well-formed JUnit with one testcase per case; --tap is TAP 13") {
  ServerProcess server;
  TempDir dir;
  auto r = run_swapi({"check", "--tap", "--junit", dir.file("check.xml")}, env_for(server));
  CHECK(r.exit_code == 0);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() > 3);
  CHECK(lines[0] == "TAP version 13");
  CHECK(lines[1].rfind("1..", 0) == 0);
  std::size_t planned = std::stoul(lines[1].substr(3));
  std::size_t oks = 0;
  for (std::size_t i = 2; i < lines.size(); ++i)
    if (lines[i].rfind("ok " + std::to_string(oks + 1) + " - ", 0) == 0) ++oks;
  CHECK(oks == planned);
  CHECK(lines.back() == "# " + std::to_string(planned) + " passed, 0 failed");

  auto root = parse_xml(read_file(dir.file("check.xml")));
  CHECK(root.name == "testsuites");
  CHECK(root.attributes.at("tests") == std::to_string(planned));
  CHECK(root.attributes.at("failures") == "0");
  CHECK(root.all("testcase").size() == planned);
  CHECK(root.all("failure").empty());
}

TEST_CASE("check: a failing run's JUnit and TAP name the wrong cases, expected and got") {
  TempDir home;
  auto keyset = server::open_keyset(home.path().string(), unix_now());
  FlawedResourceServer target({keyset.public_keys(), "https://issuer.flawed.test/", std::string(kTestAudience),
                               "read:films", Flaw::trusts_embedded_jwk});
  auto r = run_swapi({"check", target.url(), "--iss", "https://issuer.flawed.test/", "--tap", "--junit",
                      home.file("check.xml")},
                     {{"SWAPI_HOME", home.path().string()}});
  CHECK(r.exit_code == 1);
  std::vector<std::string> not_ok;
  for (const auto& line : lines_of(r.out))
    if (line.rfind("not ok ", 0) == 0) not_ok.push_back(line.substr(line.find(" - ") + 3));
  CHECK(not_ok == std::vector<std::string>{"embedded-jwk-kid", "embedded-jwk-nokid"});
  CHECK(r.out.find("  ---\n  defect: \"embedded-jwk\"\n  expected: [401]\n  got: 200\n") != std::string::npos);

  auto root = parse_xml(read_file(home.file("check.xml")));
  CHECK(root.attributes.at("failures") == "2");
  auto failures = root.all("failure");
  REQUIRE(failures.size() == 2);
  for (const auto* failure : failures) CHECK(failure->attributes.at("message") == "expected 401, got 200");
  std::size_t failed_cases = 0;
  for (const auto* testcase : root.all("testcase")) {
    if (testcase->children.empty()) continue;
    ++failed_cases;
    CHECK(testcase->attributes.at("classname") == "swapi.check.embedded-jwk");
  }
  CHECK(failed_cases == 2);
}

TEST_CASE("check: --only and --skip take case and defect names") {
  ServerProcess server;
  json only = green_report(server, {"--only", "alg-none,valid"});
  CHECK(only["cases"].size() == 9);
  CHECK(only["cases"][0]["name"] == "valid");
  json skipped = green_report(server, {"--skip", "alg-none", "--skip", "oversize,jku-kid"});
  std::set<std::string> names;
  for (const auto& item : skipped["cases"]) names.insert(item["name"].get<std::string>());
  CHECK(names.count("oversize") == 0);
  CHECK(names.count("jku-kid") == 0);
  CHECK(names.count("jku-nokid") == 1);
  CHECK(names.count("alg-none-upper-kid") == 0);
}

TEST_CASE("check: black-box mode mutates a foreign token with its issuer's JWKS (URL or file)") {
  ServerProcess server;
  auto load = jose::parse_jwks(read_file(server.home() + "/keys.json"));
  std::string token = mint(load.keys.front(), good_claims(server.base_url() + "/", unix_now()));
  // No SWAPI_HOME of the server: black-box mode needs no local key.
  TempDir elsewhere;
  auto r = run_swapi({"check", server.base_url() + "/api/films/", "--token", token, "--jwks",
                      server.base_url() + "/.well-known/jwks.json", "--json"},
                     {{"SWAPI_HOME", elsewhere.file("home")}});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  json report = json::parse(r.out);
  std::set<std::string> defects;
  for (const auto& item : report["cases"]) defects.insert(item["defect"].get<std::string>());
  CHECK(defects.count("alg-none"));
  CHECK(defects.count("hs256-with-public-key"));
  CHECK(defects.count("valid"));
  CHECK(defects.count("expired") == 0);  // needs the private key
  CHECK(report["failed"] == 0);

  write_file(elsewhere.file("jwks.json"), read_file(server.home() + "/keys.json"));
  auto from_file = run_swapi({"check", server.base_url() + "/api/films/", "--token", token, "--jwks",
                              elsewhere.file("jwks.json"), "--only", "hs256-with-public-key"},
                             {{"SWAPI_HOME", elsewhere.file("home")}});
  CHECK(from_file.exit_code == 0);
}

TEST_CASE("check: an unreachable target is exit 3, one sentence and a hint (golden)") {
  std::string url;
  {
    LocalServer gone;
    gone.start();
    url = gone.base_url();
  }
  TempDir home;
  auto r = run_swapi({"check"}, {{"SWAPI_URL", url}, {"SWAPI_HOME", home.file("home")}});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err == "swapi: check " + url + "/api/films/: connection refused\n"
                 "  hint: nothing listens there: start 'swapi serve', or point the URL argument or SWAPI_URL at your server\n");
}

TEST_CASE("check: usage errors are exit 2 before anything is sent (golden)") {
  ServerProcess server;
  auto typo = run_swapi({"check", "--only", "valdi"}, env_for(server));
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "swapi: --only valdi: no case or defect of this run has that name\n  hint: did you mean 'valid'?\n");
  auto skip = run_swapi({"check", "--skip", "alg-nnoe"}, env_for(server));
  CHECK(skip.exit_code == 2);
  CHECK(skip.err == "swapi: --skip alg-nnoe: no case or defect of this run has that name\n  hint: did you mean 'alg-none'?\n");
  CHECK(run_swapi({"check", "--json", "--tap"}, env_for(server)).exit_code == 2);
  CHECK(run_swapi({"check", "--token", "a.b.c"}, env_for(server)).exit_code == 2);
  CHECK(run_swapi({"check", "--jwks", "x.json"}, env_for(server)).exit_code == 2);
  CHECK(server.log().find("/api/films/") == std::string::npos);
}

TEST_CASE("check: a black-box JWKS that cannot be read is exit 3 naming it") {
  TempDir home;
  auto r = run_swapi({"check", "http://127.0.0.1:1/api/films/", "--token", "a.b.c", "--jwks", "/nonexistent/jwks.json"},
                     {{"SWAPI_HOME", home.file("home")}});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "swapi: check --jwks /nonexistent/jwks.json: cannot read the file\n");
  auto plain = run_swapi({"check", "http://127.0.0.1:1/api/films/", "--token", "a.b.c", "--jwks",
                          "http://issuer.example/jwks.json"},
                         {{"SWAPI_HOME", home.file("home")}});
  CHECK(plain.exit_code == 3);
  CHECK(plain.err == "swapi: check --jwks http://issuer.example/jwks.json: a JWKS is fetched over https only (or http to a loopback host)\n");
}

TEST_CASE("check: a --token that is not a JWS is a usage error (golden), never echoed") {
  TempDir home;
  write_file(home.file("jwks.json"), jwks_text({rsa_key()}));
  auto r = run_swapi({"check", "http://127.0.0.1:1/api/films/", "--token", "secretpart.notjws", "--jwks", home.file("jwks.json")},
                     {{"SWAPI_HOME", home.file("home")}});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "swapi: check --token: the token to mutate is not a JWS: a compact JWS has 3 segments separated by '.', "
                 "this token has 2\n  hint: give a compact JWS: header.payload.signature\n");
  CHECK(r.err.find("secretpart") == std::string::npos);
}

TEST_CASE("check: an https target needs its certificate trusted (--cacert), else exit 3") {
  TempDir dir;
  write_self_signed_certificate(dir.file("cert.pem"), dir.file("key.pem"));
  ServerProcess server({"--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  auto untrusted = run_swapi({"check", "--only", "valid,no-token"}, env_for(server));
  CHECK(untrusted.exit_code == 3);
  CHECK(untrusted.err.rfind("swapi: check " + server.base_url() + "/api/films/: TLS handshake failed: ", 0) == 0);
  auto trusted = run_swapi({"check", "--only", "valid,no-token", "--cacert", dir.file("cert.pem")}, env_for(server));
  CHECK(trusted.exit_code == 0);
}
