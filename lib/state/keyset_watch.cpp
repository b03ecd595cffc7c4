#include "state/keyset_watch.h"

#include <sys/stat.h>

#include "base/diagnostic.h"
#include "state/state_dir.h"

namespace swapi::server {

FileIdentity file_identity(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  FileIdentity identity;
  identity.exists = true;
  identity.device = static_cast<std::uint64_t>(info.st_dev);
  identity.inode = static_cast<std::uint64_t>(info.st_ino);
  identity.size = static_cast<std::uint64_t>(info.st_size);
  identity.mtime_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  return identity;
}

KeysetWatch::KeysetWatch(std::string dir)
    : dir_(std::move(dir)), seen_(file_identity(state_file(dir_, kKeysetFile))) {}

std::optional<Keyset> KeysetWatch::poll() {
  std::string path = state_file(dir_, kKeysetFile);
  FileIdentity now = file_identity(path);
  if (now == seen_) return std::nullopt;
  StateDirLock lock(dir_);
  // Identity taken again under the lock: the file we read is the one we record.
  seen_ = file_identity(path);
  auto keyset = load_keyset(dir_);
  if (!keyset)
    throw base::Diagnostic("keyset " + path, "the file is gone", "the last loaded keys stay in use until it is back");
  return keyset;
}

}  // namespace swapi::server
