// What `chartroom watch` tells the world: key=value log lines, systemd's
// notify protocol, and STORE/work/watch-status.json.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <iostream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "app/watch_internal.h"

namespace chartroom::app::detail {

void log_event(std::string_view level, std::string_view event, const std::string& fields) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << "level=" << level << " event=" << event << (fields.empty() ? "" : " ") << fields << "\n" << std::flush;
}

void sd_notify(const char* message) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::size_t len = std::strlen(path);
  if (len >= sizeof addr.sun_path) return;
  std::memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract socket
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::sendto(fd, message, std::strlen(message), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len));
  ::close(fd);
}

void Daemon::write_status() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_status_ < std::chrono::seconds(2)) return;
  last_status_ = now;
  nlohmann::json scanners = nlohmann::json::array();
  for (const auto& [name, tracker] : trackers_) {
    nlohmann::json oldest = nullptr;
    if (auto t = tracker->oldest_waiting()) {
      oldest = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - *t).count();
    }
    scanners.push_back({{"name", name},
                        {"folder", tracker->profile().folder.string()},
                        {"waiting_to_complete", tracker->waiting()},
                        {"oldest_waiting_seconds", oldest}});
  }
  const nlohmann::json status = {{"pid", ::getpid()},
                                 {"heartbeat", static_cast<std::int64_t>(Clock::to_time_t(Clock::now()))},
                                 {"batches_in_flight", in_flight_.load()},
                                 {"batches_waiting_retry", failed_.size()},
                                 {"errors", errors_.load()},
                                 {"stopping", stop_.load()},
                                 {"stalled", stalled_},
                                 {"scanners", scanners}};
  const std::string text = status.dump(2);
  (void)write_file_atomic(store_path_ / "work" / "watch-status.json",
                          {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace chartroom::app::detail
