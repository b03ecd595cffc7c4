#include "server/data/persistence.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "base/diagnostic.h"
#include "server/data/store.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// A hand-edited file could nest deeper than any record does; serialising it again would recurse
// that deep, so refuse it at load time.
constexpr int kMaxStateDepth = 64;

constexpr std::string_view kWhat = "serve: --persist";

std::atomic<FsyncFunction> fsync_function{&::fsync};

int flush(int fd) { return fsync_function.load()(fd); }

// strerror is not thread-safe; the category's message is.
std::string system_reason(int error) { return std::system_category().message(error); }

std::string directory_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Closes a descriptor on every path out of a scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  // close(2) reports delayed write errors (NFS, quota): the caller must see them.
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

void write_all(int fd, std::string_view text, const std::string& name) {
  while (!text.empty()) {
    ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw PersistError("cannot write " + name + ": " + system_reason(errno));
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

void write_temp_file(const std::string& temp, std::string_view text) {
  Descriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (file.get() < 0) throw PersistError("cannot create " + temp + ": " + system_reason(errno));
  write_all(file.get(), text, temp);
  if (flush(file.get()) != 0) throw PersistError("cannot flush " + temp + " to disk: " + system_reason(errno));
  if (file.close() != 0) throw PersistError("cannot write " + temp + ": " + system_reason(errno));
}

// Empty when the directory entry is on disk, else why not.
std::string sync_directory(const std::string& directory) {
  Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return "cannot open directory " + directory + ": " + system_reason(errno);
  if (flush(dir.get()) != 0) return "cannot flush directory " + directory + " to disk: " + system_reason(errno);
  return {};
}

std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw base::Diagnostic(std::string(kWhat), "cannot read " + path + ": " + system_reason(errno));
    }
    if (got == 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "parse error".
std::string parse_reason(const std::string& message) {
  auto end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

constexpr const char* kCorruptHint =
    "swapi never overwrites this file: repair it, or move it away to start again from the dataset";

}  // namespace

FsyncFunction replace_fsync_for_testing(FsyncFunction replacement) { return fsync_function.exchange(replacement); }

std::string write_state_file(const std::string& path, const json& state) {
  std::string text = state.dump(-1, ' ', false, json::error_handler_t::replace);
  text += '\n';
  std::string temp = path + ".tmp";
  try {
    write_temp_file(temp, text);
    if (::rename(temp.c_str(), path.c_str()) != 0)
      throw PersistError("cannot rename " + temp + " to " + path + ": " + system_reason(errno));
  } catch (const PersistError&) {
    ::unlink(temp.c_str());
    throw;
  }
  // The rename is only durable once the directory entry is on disk (rename(2) + fsync(dir)).
  // Past the rename nothing can be undone: a failure here is a doubt, not a refusal.
  std::string why = sync_directory(directory_of(path));
  if (why.empty()) return {};
  return path + " holds the write, but it may not survive a power cut: " + why;
}

std::optional<json> read_state_file(const std::string& path) {
  Descriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw base::Diagnostic(std::string(kWhat), "cannot open " + path + ": " + system_reason(errno),
                       "check the path and its permissions");
  }
  struct stat info {};
  if (::fstat(file.get(), &info) == 0 && S_ISDIR(info.st_mode))
    throw base::Diagnostic(std::string(kWhat), path + " is a directory", "name a file, e.g. --persist swapi-data.json");
  std::string text = read_all(file.get(), path);
  json::parser_callback_t limit_depth = [&path](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxStateDepth)
      throw base::Diagnostic(std::string(kWhat), path + ": nested deeper than " + std::to_string(kMaxStateDepth) + " levels",
                         kCorruptHint);
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const json::exception& error) {  // parse_error, or out_of_range for 1e400
    throw base::Diagnostic(std::string(kWhat), path + ": not valid JSON: " + parse_reason(error.what()), kCorruptHint);
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
