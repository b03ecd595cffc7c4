#pragma once
// Noticing that `swapi keys` changed the keyset a running `swapi serve` uses (DESIGN.md
// "Keys"): the server polls the file's identity and re-reads it only when that changed.
#include <cstdint>
#include <optional>
#include <string>

#include "state/keyset_store.h"

namespace swapi::server {

// What says "this is another file now": writers replace keys.json by rename
// (write_private_file), which gives a new inode; size and mtime also catch an editor that
// rewrites the file in place.
struct FileIdentity {
  bool exists = false;
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
FileIdentity file_identity(const std::string& path);

class KeysetWatch {
 public:
  // Records the file's identity now: construct it before the first read, so an edit made
  // between that read and the first poll is not missed.
  explicit KeysetWatch(std::string dir);

  // The keyset, re-read under the state-dir lock (so never in the middle of a `keys` edit),
  // when the file changed since the last poll; nullopt when it did not (one stat). Throws
  // base::Diagnostic when the changed file cannot be loaded or is gone; that identity is
  // recorded all the same, so one bad edit is reported once, not at every poll.
  std::optional<Keyset> poll();

 private:
  std::string dir_;
  FileIdentity seen_;
};

}  // namespace swapi::server
