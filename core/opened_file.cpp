// OpenedFile: an input file opened once, read only through its descriptor.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/core.h"

namespace chartroom {
namespace {

FileIdentity identity_of(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

}  // namespace

Result<OpenedFile> OpenedFile::open(const std::filesystem::path& path, std::string display_name) {
  // O_NOFOLLOW: a link swapped in after the folder was listed is refused.
  // O_NONBLOCK: a pipe or device swapped in cannot block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ELOOP) {
      return fail(ErrorCode::kUnsupported, display_name +
                                               ": is a symbolic link; chartroom reads only regular files. "
                                               "Copy the file itself into the folder");
    }
    const auto code = err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo;
    return fail(code, display_name + ": cannot read the file: " + std::strerror(err) +
                          (err == ENOENT ? " (it was moved or deleted before chartroom could read it)" : ""));
  }
  OpenedFile file(fd, {}, std::move(display_name));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(ErrorCode::kIo, file.display_name_ + ": cannot read the file: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(ErrorCode::kUnsupported,
                file.display_name_ + ": is not a regular file (a folder, device, socket or pipe); chartroom "
                                     "reads only image files");
  }
  file.identity_ = identity_of(st);
  return file;
}

OpenedFile::OpenedFile(OpenedFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      identity_(other.identity_),
      display_name_(std::move(other.display_name_)) {}

OpenedFile& OpenedFile::operator=(OpenedFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    identity_ = other.identity_;
    display_name_ = std::move(other.display_name_);
  }
  return *this;
}

OpenedFile::~OpenedFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<std::uint8_t>> OpenedFile::read_at(std::uint64_t at, std::size_t size) const {
  std::vector<std::uint8_t> bytes(size);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd_, bytes.data() + got, size - got, static_cast<off_t>(at + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::kIo, display_name_ + ": cannot read the file: " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

int OpenedFile::release() { return std::exchange(fd_, -1); }

}  // namespace chartroom
