#include "server/data/persistence.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "base/diagnostic.h"
#include "base/json_text.h"
#include "base/posix_file.h"
#include "server/data/store.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// A hand-edited file could nest deeper than any record does; serialising it again would recurse
// that deep, so refuse it at load time.
constexpr int kMaxStateDepth = 64;

constexpr std::string_view kWhat = "serve: --persist";

std::string directory_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

using base::system_reason;

constexpr const char* kCorruptHint =
    "swapi never overwrites this file: repair it, or move it away to start again from the dataset";

}  // namespace

std::string write_state_file(const std::string& path, const json& state) {
  std::string text = state.dump(-1, ' ', false, json::error_handler_t::replace);
  text += '\n';
  std::string doubt;
  try {
    doubt = base::replace_file_atomically(path, text, 0666);  // a data file: the umask decides
  } catch (const base::FileWriteError& error) {
    throw PersistError(error.what());
  }
  if (doubt.empty()) return {};
  return path + " holds the write, but it may not survive a power cut: " + doubt;
}

std::optional<json> read_state_file(const std::string& path) {
  base::FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw base::Diagnostic(std::string(kWhat), "cannot open " + path + ": " + system_reason(errno),
                       "check the path and its permissions");
  }
  struct stat info {};
  if (::fstat(file.get(), &info) == 0 && S_ISDIR(info.st_mode))
    throw base::Diagnostic(std::string(kWhat), path + " is a directory", "name a file, e.g. --persist swapi-data.json");
  std::string text;
  if (!base::read_all(file.get(), text))
    throw base::Diagnostic(std::string(kWhat), "cannot read " + path + ": " + system_reason(errno));
  try {
    return base::parse_json_within_depth(text, kMaxStateDepth);
  } catch (const json::exception& error) {
    throw base::Diagnostic(std::string(kWhat), path + ": not valid JSON: " + base::json_error_reason(error), kCorruptHint);
  } catch (const base::JsonTooDeep& error) {
    throw base::Diagnostic(std::string(kWhat), path + ": " + error.what(), kCorruptHint);
  }
}

PersistLock::PersistLock(const std::string& path) {
  std::string lock_path = path + ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0)
    throw base::Diagnostic(std::string(kWhat), "cannot create " + lock_path + ": " + system_reason(errno),
                       "the directory of the --persist file must be writable");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw base::Diagnostic(std::string(kWhat), path + " is in use by another swapi serve (" + lock_path + " is locked)",
                         "stop the other server, or give this one another --persist file");
    throw base::Diagnostic(std::string(kWhat), "cannot lock " + lock_path + ": " + system_reason(error));
  }
}

PersistLock::~PersistLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

std::shared_ptr<PersistLock> attach_persistence(Store& store, const std::string& path,
                                                std::function<void(const std::string&)> log) {
  std::string directory = directory_of(path);
  if (::access(directory.c_str(), W_OK) != 0)
    throw base::Diagnostic(std::string(kWhat), "cannot write to the directory " + directory + ": " + system_reason(errno),
                       "the file is replaced by a rename, so its directory must exist and be writable");
  auto lock = std::make_shared<PersistLock>(path);
  if (auto state = read_state_file(path)) {
    try {
      store.load_json(*state);
    } catch (const std::invalid_argument& error) {
      throw base::Diagnostic(std::string(kWhat), path + ": " + error.what(), kCorruptHint);
    }
  }
  store.set_write_hook([path, log = std::move(log)](const json& next_state) {
    std::string doubt = write_state_file(path, next_state);
    if (!doubt.empty() && log) log("swapi serve: --persist: " + doubt);
  });
  return lock;
}

}  // namespace swapi::server
