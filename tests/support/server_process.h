#pragma once
// Test support: run the real `swapi` binary. ServerProcess starts `swapi serve --port 0
// --ready-file F <args>` and waits until F names the URL (no fixed ports, no fixed sleeps);
// run_swapi runs a CLI command to completion. Each gets its own temporary SWAPI_HOME.
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace swapi::test {

// A fresh directory under /tmp, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out, err;
};

// Runs SWAPI_BIN with args; env entries are added to (or override) the inherited environment.
// A command still running after 30 s is killed (exit_code 137).
CommandResult run_swapi(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {},
                        const std::string& stdin_text = {});

class ServerProcess {
 public:
  // Starts `swapi serve --port 0 --ready-file <tmp> <args...>` with SWAPI_HOME = home() (a
  // fresh temp dir unless env sets it). Throws std::runtime_error (with the server's stderr)
  // when the server exits or is not ready within 10 s.
  explicit ServerProcess(std::vector<std::string> args = {},
                         std::map<std::string, std::string> env = {});
  // Starts the same way but returns at once, before the server is ready (a test that signals
  // serve while it is still starting); base_url() and port() stay empty.
  static std::unique_ptr<ServerProcess> starting(std::vector<std::string> args,
                                                 std::map<std::string, std::string> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& base_url() const { return base_url_; }  // "http://127.0.0.1:PORT"
  int port() const { return port_; }
  pid_t pid() const { return pid_; }        // the server process, for /proc/PID
  std::string home() const;                  // the SWAPI_HOME this server runs with
  httplib::Client client() const;            // keep-alive off, 10 s timeouts

  // Sends `signal` and waits; returns the exit code (128 + signal if killed by it).
  int stop(int signal = SIGTERM);
  // Sends `signal` and returns; wait_exit() collects the outcome.
  void send(int signal);
  // The exit code once the process has exited, waiting at most `timeout`; nullopt if it still runs.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::string log() const;     // what the server wrote to stderr so far (access log)
  std::string output() const;  // stdout so far (banner)
  // The server's resident set (VmRSS of /proc/PID/status) in KiB, 0 once it has exited: what
  // the hostile-client tests bound before and after a flood.
  std::size_t rss_kib() const;

 private:
  struct NoWait {};
  ServerProcess(NoWait, std::vector<std::string> args, std::map<std::string, std::string> env);
  void launch(std::vector<std::string> args, std::map<std::string, std::string> env);

  TempDir dir_;
  std::string home_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string base_url_;
  int port_ = 0;
};

// Writes a fresh self-signed P-256 certificate for 127.0.0.1 and its key, both PEM.
void write_self_signed_certificate(const std::string& cert_path, const std::string& key_path);

// "Bearer <token>" header set for httplib calls.
httplib::Headers bearer(const std::string& token);

}  // namespace swapi::test
