#include "base/posix_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace swapi::base {

namespace {

std::atomic<FsyncFunction> fsync_function{&::fsync};

int flush(int fd) { return fsync_function.load()(fd); }

std::string directory_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void write_temp_file(const std::string& temp, std::string_view content, mode_t mode) {
  ::unlink(temp.c_str());  // a temp file (or a planted symlink) left behind; O_EXCL needs the name free
  FileDescriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (file.get() < 0) throw FileWriteError("cannot create " + temp + ": " + system_reason(errno));
  if (!write_all(file.get(), content)) throw FileWriteError("cannot write " + temp + ": " + system_reason(errno));
  if (flush(file.get()) != 0) throw FileWriteError("cannot flush " + temp + " to disk: " + system_reason(errno));
  if (file.close() != 0) throw FileWriteError("cannot write " + temp + ": " + system_reason(errno));
}

// Empty when the directory entry is on disk, else why not.
std::string sync_directory(const std::string& directory) {
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return "cannot open directory " + directory + ": " + system_reason(errno);
  if (flush(dir.get()) != 0) return "cannot flush directory " + directory + " to disk: " + system_reason(errno);
  return {};
}

}  // namespace

std::string system_reason(int error) { return std::system_category().message(error); }

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

int FileDescriptor::close() {
  int result = ::close(fd_);
  fd_ = -1;
  return result;
}

bool read_all(int fd, std::string& text) {
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) return true;
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::string replace_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string temp = path + ".tmp";
  try {
    write_temp_file(temp, content, mode);
    if (::rename(temp.c_str(), path.c_str()) != 0)
      throw FileWriteError("cannot rename " + temp + " to " + path + ": " + system_reason(errno));
  } catch (const FileWriteError&) {
    ::unlink(temp.c_str());
    throw;
  }
  return sync_directory(directory_of(path));
}

FsyncFunction replace_fsync_for_testing(FsyncFunction replacement) { return fsync_function.exchange(replacement); }

}  // namespace swapi::base
