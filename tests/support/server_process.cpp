#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace swapi::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "swapi-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

namespace {

std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> result;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string item(*entry);
    auto name = item.substr(0, item.find('='));
    if (!overrides.count(name)) result.push_back(item);
  }
  for (const auto& [name, value] : overrides) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Spawns SWAPI_BIN with stdin/stdout/stderr redirected to files.
pid_t spawn_swapi(std::vector<std::string> args, const std::map<std::string, std::string>& env,
                  const std::string& in_path, const std::string& out_path, const std::string& err_path) {
  args.insert(args.begin(), SWAPI_BIN);
  auto env_strings = environment_with(env);
  auto argv = c_strings(args);
  auto envp = c_strings(env_strings);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, SWAPI_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot start ") + SWAPI_BIN);
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult run_swapi(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                        const std::string& stdin_text) {
  TempDir dir;
  std::map<std::string, std::string> full_env = env;
  if (!full_env.count("SWAPI_HOME")) full_env["SWAPI_HOME"] = dir.file("home");
  std::string in_path;
  if (!stdin_text.empty()) {
    in_path = dir.file("stdin");
    write_file(in_path, stdin_text);
  }
  pid_t pid = spawn_swapi(args, full_env, in_path, dir.file("stdout"), dir.file("stderr"));
  // Bounded: a command that should fail at once but runs on (a `serve` that starts after
  // all) is killed, and the test sees exit 137 instead of hanging until ctest's timeout.
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return CommandResult{decode_status(status), read_file(dir.file("stdout")), read_file(dir.file("stderr"))};
}

void ServerProcess::launch(std::vector<std::string> args, std::map<std::string, std::string> env) {
  home_ = env.count("SWAPI_HOME") ? env["SWAPI_HOME"] : dir_.file("home");
  env["SWAPI_HOME"] = home_;
  std::vector<std::string> full = {"serve", "--port", "0", "--ready-file", dir_.file("ready")};
  full.insert(full.end(), args.begin(), args.end());
  pid_ = spawn_swapi(full, env, {}, dir_.file("stdout"), dir_.file("stderr"));
}

ServerProcess::ServerProcess(NoWait, std::vector<std::string> args, std::map<std::string, std::string> env) {
  launch(std::move(args), std::move(env));
}

std::unique_ptr<ServerProcess> ServerProcess::starting(std::vector<std::string> args, std::map<std::string, std::string> env) {
  return std::unique_ptr<ServerProcess>(new ServerProcess(NoWait{}, std::move(args), std::move(env)));
}

ServerProcess::ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env) {
  launch(std::move(args), std::move(env));
  std::string ready = dir_.file("ready");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    std::string url = read_file(ready);
    if (!url.empty() && url.back() == '\n') {
      base_url_ = url.substr(0, url.size() - 1);
      port_ = std::stoi(base_url_.substr(base_url_.rfind(':') + 1));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = decode_status(status);
      pid_ = -1;
      throw std::runtime_error("swapi serve exited with " + std::to_string(exit_code_) + ": " + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop(SIGKILL);
      throw std::runtime_error("swapi serve was not ready within 10 s: " + log());
    }
    // Polling a file the server writes once; 2 ms keeps start-up tests fast.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

std::string ServerProcess::home() const { return home_; }

httplib::Client ServerProcess::client() const {
  httplib::Client client(base_url_);
  client.set_keep_alive(false);
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(10, 0);
  return client;
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_code_ = decode_status(status);
  return exit_code_;
}

void ServerProcess::send(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = decode_status(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling a child's exit, bounded
  }
}

std::string ServerProcess::log() const { return read_file(dir_.file("stderr")); }
std::string ServerProcess::output() const { return read_file(dir_.file("stdout")); }

std::size_t ServerProcess::rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace swapi::test
