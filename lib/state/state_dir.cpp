#include "state/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/diagnostic.h"
#include "base/posix_file.h"

namespace swapi::server {

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::string resolve_state_dir(std::string_view explicit_dir, std::string_view swapi_home,
                              std::string_view xdg_state_home, std::string_view home) {
  if (!explicit_dir.empty()) return std::string(explicit_dir);
  if (!swapi_home.empty()) return std::string(swapi_home);
  if (!xdg_state_home.empty()) return (std::filesystem::path(xdg_state_home) / "swapi").string();
  if (!home.empty()) return (std::filesystem::path(home) / ".local" / "state" / "swapi").string();
  throw base::Diagnostic("state dir", "none of --keys, $SWAPI_HOME, $XDG_STATE_HOME or $HOME is set",
                     "pass --keys DIR or set SWAPI_HOME");
}

std::string state_file(const std::string& dir, std::string_view name) {
  return (std::filesystem::path(dir) / name).string();
}

void ensure_state_dir(const std::string& dir) {
  // Each missing component is created 0700 (the XDG base-dir spec asks that of
  // $XDG_STATE_HOME too); existing ones are not touched.
  std::filesystem::path partial;
  for (const auto& component : std::filesystem::path(dir)) {
    partial /= component;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
      throw base::Diagnostic("state dir " + dir, "cannot create " + partial.string() + ": " + base::system_reason(errno),
                         "pass --keys DIR or set SWAPI_HOME to a writable directory");
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    throw base::Diagnostic("state dir " + dir, "not a directory", "pass --keys DIR or set SWAPI_HOME to a directory");
}

StateDirLock::StateDirLock(const std::string& dir) {
  std::string path = state_file(dir, ".lock");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw base::Diagnostic("state dir " + dir, "cannot open " + path + ": " + base::system_reason(errno));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int error = errno;
    ::close(fd_);
    throw base::Diagnostic("state dir " + dir, "cannot lock " + path + ": " + base::system_reason(error));
  }
}

StateDirLock::~StateDirLock() {
  // Closing the descriptor releases the lock.
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> read_private_file(const std::string& path, std::string_view what) {
  std::string label = std::string(what) + " " + path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw base::Diagnostic(label, "cannot open: " + base::system_reason(errno));
  }
  base::FileDescriptor guard(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw base::Diagnostic(label, "cannot stat: " + base::system_reason(errno));
  if (!S_ISREG(info.st_mode)) throw base::Diagnostic(label, "not a regular file");
  // Private keys and client secrets readable by others are as good as leaked; refuse them
  // the way ssh refuses an unprotected private key file.
  if ((info.st_mode & 077) != 0)
    throw base::Diagnostic(label, "permissions " + octal_mode(info.st_mode) + " are too open: it holds secrets",
                       "chmod 600 " + path);
  std::string content;
  if (!base::read_all(fd, content)) throw base::Diagnostic(label, "cannot read: " + base::system_reason(errno));
  return content;
}

void write_private_file(const std::string& path, std::string_view content, std::string_view what,
                        const WarningSink& warn) {
  std::string label = std::string(what) + " " + path;
  std::string doubt;
  try {
    doubt = base::replace_file_atomically(path, content, 0600);
  } catch (const base::FileWriteError& error) {
    throw base::Diagnostic(label, error.what());
  }
  if (!doubt.empty() && warn) warn(label + " was written, but it may not survive a power cut: " + doubt);
}

void record_defaults(const std::string& dir, const RecordedDefaults& defaults, const WarningSink& warn) {
  StateDirLock lock(dir);  // two servers starting on one dir write serve.json through one temp name
  nlohmann::json document = {{"issuer", defaults.issuer}, {"audiences", defaults.audiences},
                             {"local_issuer", defaults.local_issuer()}};
  if (!defaults.jwks_uri.empty()) document["jwks_uri"] = defaults.jwks_uri;
  if (!defaults.jwks_file.empty()) document["jwks_file"] = defaults.jwks_file;
  write_private_file(state_file(dir, kDefaultsFile), document.dump(2) + "\n", "recorded defaults", warn);
}

std::optional<RecordedDefaults> read_recorded_defaults(const std::string& dir) {
  try {
    auto text = read_private_file(state_file(dir, kDefaultsFile), "recorded defaults");
    if (!text) return std::nullopt;
    auto document = nlohmann::json::parse(*text);
    RecordedDefaults defaults;
    defaults.issuer = document.at("issuer").get<std::string>();
    defaults.audiences = document.at("audiences").get<std::vector<std::string>>();
    defaults.jwks_uri = document.value("jwks_uri", "");
    defaults.jwks_file = document.value("jwks_file", "");
    // A record that says the local issuer is off must also say what replaced it.
    if (!document.value("local_issuer", true) && defaults.local_issuer()) return std::nullopt;
    return defaults;
  } catch (const base::Diagnostic&) {
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace swapi::server
