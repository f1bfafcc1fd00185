// Store::claim_writing: one process files into a store at a time.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "indexer/store_impl.h"

namespace chartroom::indexer {

WriterClaim& WriterClaim::operator=(WriterClaim&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

// Closing the descriptor drops the flock.
WriterClaim::~WriterClaim() {
  if (fd_ >= 0) ::close(fd_);
}

Result<WriterClaim> Store::claim_writing(std::string_view who) const {
  const std::filesystem::path path = impl_->root / "writer.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open " + path.string() + " to claim the store for filing: " +
                                    std::strerror(errno) + "; check the store's owner and permissions");
  }
  WriterClaim claim(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err != EWOULDBLOCK) {
      return fail(ErrorCode::kIo, "cannot lock " + path.string() + ": " + std::strerror(err));
    }
    // Who holds it wrote one line when it took the claim.
    std::string holder(256, '\0');
    const ssize_t n = ::pread(fd, holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    if (holder.empty()) holder = "another process";
    return fail(ErrorCode::kConflict,
                "another chartroom is filing into " + impl_->root.string() + " (" + holder +
                    "): two at once could file the same pages twice, so nothing was read. Run this again "
                    "when it has finished, or stop it first (the scanning-room service: systemctl stop "
                    "chartroom-watch)");
  }
  const std::string line =
      std::string(who) + ", pid " + std::to_string(::getpid()) + ", since " + now_utc_iso() + "\n";
  // Only a message for the next writer: failing to write it costs nothing.
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, line.data(), line.size(), 0);
  }
  return claim;
}

}  // namespace chartroom::indexer
