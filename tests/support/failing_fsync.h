#pragma once
// Test support: a disk that fails to flush, through the fsync seams of the write paths
// (server/data/persistence.h replace_fsync_for_testing, state/state_dir.h
// replace_state_fsync_for_testing), so a test reaches the error paths a healthy disk never
// takes. No LD_PRELOAD: the code under test calls the seam.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace swapi::test {

using FsyncFunction = int (*)(int fd);

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

// Installs `failing` through a seam's replace function for one scope, then puts back what was.
class FailingFsync {
 public:
  FailingFsync(FsyncFunction (*replace)(FsyncFunction), FsyncFunction failing)
      : replace_(replace), previous_(replace(failing)) {}
  ~FailingFsync() { replace_(previous_); }
  FailingFsync(const FailingFsync&) = delete;
  FailingFsync& operator=(const FailingFsync&) = delete;

 private:
  FsyncFunction (*replace_)(FsyncFunction);
  FsyncFunction previous_;
};

}  // namespace swapi::test
