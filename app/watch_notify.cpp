// What `chartroom watch` tells systemd and `chartroom status`
// (STORE/work/watch-status.json); its log lines are app/event_log.h's.
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/watch_internal.h"

namespace chartroom::app::detail {

void notify_systemd(const char* message) {
  (void)::sd_notify(0, message);
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
