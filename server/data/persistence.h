#pragma once
// `swapi serve --flavor loopback --persist FILE`: the store's state in one JSON file (the shape
// of Store::to_json()), loaded at start and rewritten before each write is answered, so that a
// kill -9 loses no write a client saw acknowledged.
//
// Durability follows the usual POSIX recipe: write FILE.tmp in the same directory, fsync it,
// rename it over FILE (atomic: a reader or a crash sees the old or the new file, never half
// of one), then fsync the directory so the rename itself survives a power cut.
//
// The rename is the commit point. A failure before it leaves FILE as it was: the write is
// refused (PersistError, 503) and nothing changes. A failure after it (the directory cannot be
// flushed) cannot undo anything: FILE already holds the new state, every later read and the
// next start see it. So the write is published and answered as done, and the doubt about
// surviving a power cut is logged on the server's stderr. Why success and not an error: the
// state is exactly what a success says, and any 5xx invites a generic client to retry, which
// for a POST creates the record twice. The next write flushes the directory again.
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace swapi::server {

class Store;

// A write could not be saved; FILE is unchanged, the store publishes nothing and the client
// gets a 503.
struct PersistError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes `state` to `path` atomically and durably (see above; base::replace_file_atomically,
// whose fsync seam the tests use). Throws PersistError naming
// the file and the system's reason when FILE is unchanged (FILE.tmp is then removed). Once
// FILE holds the new state it returns: an empty string when the directory was flushed too,
// else the sentence saying why the write may not survive a power cut.
[[nodiscard]] std::string write_state_file(const std::string& path, const nlohmann::json& state);

// The JSON in `path`, or nullopt when the file does not exist. Throws base::Diagnostic
// ("serve: --persist", "<path>: ...") when it cannot be read or is not JSON (with the parse
// position): a corrupt file is never silently replaced.
std::optional<nlohmann::json> read_state_file(const std::string& path);

// Holds an exclusive lock on "<path>.lock" for as long as it lives, so that two servers never
// write the same file and lose each other's writes.
class PersistLock {
 public:
  explicit PersistLock(const std::string& path);  // base::Diagnostic when held elsewhere
  ~PersistLock();
  PersistLock(const PersistLock&) = delete;
  PersistLock& operator=(const PersistLock&) = delete;

 private:
  int fd_ = -1;
};

// At start-up: takes the lock, loads `path` into the store when it exists (a file of the wrong
// shape is a base::Diagnostic naming the file and the reason), checks that its directory is
// writable, and installs the write hook that makes every write durable before it is
// published. A write whose durability is in doubt is reported on `log` (one line naming the
// file and the reason). The returned lock must outlive the server.
std::shared_ptr<PersistLock> attach_persistence(Store& store, const std::string& path,
                                                std::function<void(const std::string&)> log);

}  // namespace swapi::server
