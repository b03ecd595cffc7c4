#pragma once
// POSIX file handling the state dir (keys, clients) and `serve --persist` share: a descriptor
// that closes itself, whole reads and writes that survive EINTR, and the one way swapi
// replaces a file it owns (temp file, fsync, rename, fsync of the directory).
#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace swapi::base {

// strerror(3) is not thread-safe; the system category's message is.
std::string system_reason(int error);

// Closes a descriptor on every path out of a scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // close(2) reports delayed write errors (NFS, quota): a writer must look at them.
  int close();

 private:
  int fd_;
};

// The rest of the file; false (errno set) on a read error.
bool read_all(int fd, std::string& text);
// All of text; false (errno set) on a write error.
bool write_all(int fd, std::string_view text);

// replace_file_atomically could not change the file: it is as it was. The message names the
// temp file or the rename and the system's reason ("cannot flush F.tmp to disk: I/O error").
struct FileWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Replaces path with content so that a reader or a crash sees the old or the new file, never
// half of one: path.tmp (same dir) is created O_EXCL with `mode` (so it is never briefly
// readable by others and a symlink planted there is not followed), written, fsync'd, renamed
// over path, then the directory is fsync'd so the rename itself survives a power cut.
// The caller holds a lock that keeps other writers of path away (a stale path.tmp left by a
// kill -9 is removed first).
//
// The rename is the commit point. Before it, a failure throws FileWriteError and removes the
// temp file. After it nothing can be undone, so a directory that cannot be flushed is not an
// error but a doubt: the return value is empty when the write is durable, else why it may
// not survive a power cut ("cannot flush directory D to disk: why").
[[nodiscard]] std::string replace_file_atomically(const std::string& path, std::string_view content, mode_t mode);

// Test seam: the fsync(2) replace_file_atomically calls, for the temp file and for the
// directory; returns the previous one. Not for use while writes run.
using FsyncFunction = int (*)(int fd);
FsyncFunction replace_fsync_for_testing(FsyncFunction replacement);

}  // namespace swapi::base
