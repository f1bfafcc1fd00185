// The `chartroom watch` daemon, shared by its source files (private to app/):
// watch.cpp runs the loop, watch_archive.cpp moves finished originals to the
// archive, watch_notify.cpp logs and tells systemd and `chartroom status`.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/event_log.h"
#include "app/watch.h"

namespace chartroom::app::detail {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

// systemd's notify protocol (libsystemd's sd_notify; nothing without $NOTIFY_SOCKET).
void notify_systemd(const char* message);

struct Job {
  scanners::FolderTracker* tracker = nullptr;
  std::string scanner;
  fs::path candidate;
  scanners::FolderTracker::Ready ready;
};

class Daemon {
 public:
  Daemon(const CommonOptions& common, bool store_given, fs::path config_path)
      : common_(common), store_given_(store_given), config_path_(std::move(config_path)) {}

  int run();

 private:
  bool load();
  void reload();
  void add_watches();
  void start_jobs();
  // Originals of batches whose every page is terminal go to the archive.
  void finish_jobs();
  void note_if_grown(const Job& job, const scanners::InputFile& file, const std::string& hash_now);
  // A batch that did not finish (disk full, store read-only, stopped) is looked at again after a rescan
  // period.
  void retry_failed();
  // STORE/work/watch-status.json for `chartroom status`: no file or patient names.
  void write_status();

  struct Failed {
    scanners::FolderTracker* tracker;
    fs::path file;
    std::chrono::steady_clock::time_point when;
  };

  const CommonOptions& common_;
  const bool store_given_;
  const fs::path config_path_;
  fs::path store_path_;
  Config config_;
  WatchConfig watch_;
  std::unique_ptr<indexer::Store> store_;
  std::unique_ptr<ocr::EnginePool> pool_;
  std::map<std::string, std::unique_ptr<scanners::FolderTracker>> trackers_;
  std::map<std::string, bool> warned_;
  std::vector<Job> jobs_;
  std::vector<Failed> failed_;
  std::thread worker_;
  std::atomic<bool> busy_{false};
  std::atomic<bool> stop_{false};
  std::atomic<int> in_flight_{0};
  std::atomic<int> errors_{0};
  // steady_clock ticks of the last page done or batch filed (the worker sets it).
  std::atomic<std::chrono::steady_clock::rep> last_progress_{0};
  bool stalled_ = false;
  bool store_busy_logged_ = false;  // "store_busy" is logged once until the claim is had again
  bool swept_temps_ = false;        // stale temp files are removed at the first claim
  int inotify_fd_ = -1;
  std::chrono::steady_clock::time_point last_status_{};
};

}  // namespace chartroom::app::detail
