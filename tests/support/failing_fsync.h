#pragma once
// Test support: a disk that fails to flush, through the fsync seam of the one write path
// (base/posix_file.h replace_fsync_for_testing, used by the state dir and --persist), so a
// test reaches the error paths a healthy disk never takes. No LD_PRELOAD: the code under test
// calls the seam.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/posix_file.h"

namespace swapi::test {

using base::FsyncFunction;

// fsync(2) that fails with EIO for descriptors of one file type (S_IFDIR, S_IFREG).
template <mode_t kType>
int fsync_failing_for(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == kType) {
    errno = EIO;
    return -1;
  }
  return ::fsync(fd);
}
inline constexpr FsyncFunction fsync_failing_on_directories = &fsync_failing_for<S_IFDIR>;
inline constexpr FsyncFunction fsync_failing_on_files = &fsync_failing_for<S_IFREG>;

// Installs `failing` as the fsync for one scope, then puts back what was.
class FailingFsync {
 public:
  explicit FailingFsync(FsyncFunction failing) : previous_(base::replace_fsync_for_testing(failing)) {}
  ~FailingFsync() { base::replace_fsync_for_testing(previous_); }
  FailingFsync(const FailingFsync&) = delete;
  FailingFsync& operator=(const FailingFsync&) = delete;

 private:
  FsyncFunction previous_;
};

}  // namespace swapi::test
