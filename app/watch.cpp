// The `chartroom watch` loop: signals, inotify, rescans, systemd notify,
// one ingest at a time on a worker thread, archiving of finished originals.
#include "app/watch.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "app/command_support.h"
#include "app/pipeline.h"
#include "app/watch_internal.h"
#include "capture/capture.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace detail {

int Daemon::run() {
  if (!load()) return 2;
  // A store named in the config is the site's own and is made at the first
  // start; one from --store (a typo?) only with --create.
  const bool may_create = common_.create || (!store_given_ && !watch_.store.empty());
  if (!may_create && !is_store(store_path_)) {
    log_event(LogLevel::kError, "store_missing",
              {{"message", store_path_.string() +
                               " is not a chartroom store yet; nothing was written there. Name "
                               "the store in the config ([watch] store) or start once with --create"}});
    return 1;
  }
  auto store = indexer::Store::open(store_path_);
  if (!store) {
    log_event(LogLevel::kError, "store_open_failed", {{"message", store.error().message}});
    return 1;
  }
  store_ = std::move(*store);
  auto pool = ocr::EnginePool::create(config_.ingest.workers, config_.ingest.ocr);
  if (!pool) {
    log_event(LogLevel::kError, "ocr_failed", {{"message", pool.error().message}});
    return 1;
  }
  pool_ = std::move(*pool);

  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  // Before any thread starts, so that only the signalfd sees them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (signal_fd < 0 || inotify_fd_ < 0) {
    log_event(LogLevel::kError, "setup_failed",
              {{"message", "cannot create signalfd/inotify: " + std::string(std::strerror(errno))}});
    return 1;
  }
  add_watches();
  log_event(LogLevel::kInfo, "started",
            {{"scanners", config_.ingest.workers > 0 ? trackers_.size() : 0},
             {"workers", config_.ingest.workers},
             {"rescan_seconds", watch_.rescan_seconds}});
  notify_systemd("READY=1\nSTATUS=watching scanner folders");
  std::uint64_t watchdog_usec = 0;
  if (const char* w = std::getenv("WATCHDOG_USEC")) watchdog_usec = std::strtoull(w, nullptr, 10);
  auto last_ping = std::chrono::steady_clock::now();
  auto last_scan = std::chrono::steady_clock::now() - std::chrono::hours(1);
  bool dirty = true;
  bool stopping = false;
  bool reload_pending = false;

  while (!stopping || busy_) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    ::poll(fds, 2, 500);
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      while (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGHUP) {
          reload_pending = true;  // applied between batches: jobs hold their scanner's tracker
        } else if (!stopping) {
          stopping = true;
          stop_ = true;  // the pipeline parks what it has not started
          log_event(LogLevel::kInfo, "stopping",
                    {{"signal", info.ssi_signo}, {"in_flight_batches", in_flight_.load()}});
          notify_systemd("STOPPING=1");
        }
      }
    }
    if (fds[1].revents & POLLIN) {
      char buffer[8192];
      while (::read(inotify_fd_, buffer, sizeof buffer) > 0) dirty = true;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto quiet = now - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_progress_));
    const bool stalled = busy_ && quiet > std::chrono::seconds(watch_.stall_seconds);
    if (stalled != stalled_) {
      stalled_ = stalled;
      if (stalled) {
        ++errors_;
        const auto quiet_seconds = std::chrono::duration_cast<std::chrono::seconds>(quiet).count();
        log_event(
            LogLevel::kError, "stalled",
            {{"seconds_without_progress", quiet_seconds},
             {"in_flight_batches", in_flight_.load()},
             {"message", fmt::format("no page finished for {} s; the systemd watchdog is no longer answered, "
                                     "so systemd restarts the service",
                                     watch_.stall_seconds)}});
        notify_systemd(
            "STATUS=stalled: no page finished lately; waiting for the watchdog to restart the service");
      } else {
        log_event(LogLevel::kInfo, "progressing_again", {{"in_flight_batches", in_flight_.load()}});
        notify_systemd("STATUS=watching scanner folders");
      }
    }
    if (watchdog_usec > 0 && !stalled && now - last_ping >= std::chrono::microseconds(watchdog_usec / 2)) {
      notify_systemd("WATCHDOG=1");
      last_ping = now;
    }
    if (worker_.joinable() && !busy_) {
      worker_.join();
      finish_jobs();
      dirty = true;
    }
    if (reload_pending && !busy_ && !worker_.joinable()) {
      notify_systemd("RELOADING=1");
      reload();
      notify_systemd("READY=1");
      reload_pending = false;
      dirty = true;
    }
    retry_failed();
    // Stable-time rules need a fresh look while anything waits.
    const bool waiting = std::ranges::any_of(trackers_, [](const auto& t) { return t.second->waiting() > 0; });
    const bool rescan_due = now - last_scan >= std::chrono::seconds(watch_.rescan_seconds);
    if (!stopping && !busy_ && (dirty || waiting || rescan_due)) {
      if (rescan_due) add_watches();  // folders that appeared since
      start_jobs();
      dirty = false;
      last_scan = now;
    }
    write_status();
  }
  if (worker_.joinable()) worker_.join();
  write_status();
  log_event(LogLevel::kInfo, "stopped");
  ::close(signal_fd);
  ::close(inotify_fd_);
  return 0;
}

bool Daemon::load() {
  auto config = load_config(config_path_);
  if (!config) {
    log_event(LogLevel::kError, "config_invalid", {{"message", config.error().message}});
    return false;
  }
  auto watch = load_watch_config(config_path_);
  if (!watch) {
    log_event(LogLevel::kError, "config_invalid", {{"message", watch.error().message}});
    return false;
  }
  config_ = std::move(*config);
  watch_ = std::move(*watch);
  if (!store_given_ && !watch_.store.empty()) store_path_ = watch_.store;
  else store_path_ = common_.store;
  std::map<std::string, std::unique_ptr<scanners::FolderTracker>> trackers;
  scanners::CollectOptions collect;
  collect.page_count = [limits = config_.ingest.limits](const fs::path& p) {
    auto reader = capture::open_image(p, p.string(), limits);
    return reader ? (*reader)->page_count() : 0;
  };
  for (const scanners::ScannerProfile& profile : watch_.scanners) {
    auto it = trackers_.find(profile.name);
    if (it != trackers_.end() && it->second->profile().folder == profile.folder) {
      it->second->set_profile(profile);  // keeps what it has seen and handed out
      trackers[profile.name] = std::move(it->second);
    } else {
      trackers[profile.name] = std::make_unique<scanners::FolderTracker>(profile, collect);
    }
  }
  trackers_ = std::move(trackers);
  return true;
}

void Daemon::reload() {
  failed_.clear();  // their trackers may go; what failed is looked at afresh
  if (load()) {
    log_event(LogLevel::kInfo, "reloaded", {{"scanners", trackers_.size()}});
    add_watches();
  } else {
    log_event(LogLevel::kWarning, "reload_failed", {{"message", "kept the previous configuration"}});
  }
}

void Daemon::add_watches() {
  for (const auto& [name, tracker] : trackers_) {
    const fs::path& folder = tracker->profile().folder;
    const int wd = ::inotify_add_watch(inotify_fd_, folder.c_str(),
                                       IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB);
    if (wd < 0 && !warned_[name]) {
      log_event(
          LogLevel::kWarning, "folder_not_watched",
          {{"scanner", name}, {"message", std::string(std::strerror(errno)) + "; periodic rescans only"}});
      warned_[name] = true;
    }
  }
}

namespace {

// What a tracker hands out and forgets: the entry right under the scanner
// folder that holds `file` (the file itself, or its batch's sub-folder).
fs::path top_entry(const scanners::FolderTracker& tracker, fs::path file) {
  while (!file.empty() && file.parent_path() != tracker.profile().folder && file.has_parent_path() &&
         file.parent_path() != file) {
    file = file.parent_path();
  }
  return file;
}

}  // namespace

void Daemon::start_jobs() {
  jobs_.clear();
  scanners::Collection collection;
  for (const auto& [name, tracker] : trackers_) {
    for (auto& ready : tracker->poll(Clock::now())) {
      Job job{tracker.get(), name, {}, std::move(ready)};
      job.candidate = job.ready.batch.files.empty() ? fs::path() : job.ready.batch.files.front().path;
      if (!job.ready.batch.files.empty()) collection.batches.push_back(job.ready.batch);
      for (const auto& r : job.ready.rejected) collection.rejected.push_back(r);
      jobs_.push_back(std::move(job));
    }
  }
  if (jobs_.empty()) return;
  // One process files into a store at a time: while a manual `chartroom
  // ingest` holds the claim, the ready batches go back to their folders'
  // trackers untouched and are offered again at the next rescan.
  auto claim = store_->claim_writing("chartroom watch");
  if (!claim) {
    if (!store_busy_logged_) {
      log_event(LogLevel::kWarning, "store_busy", {{"message", claim.error().message}});
      notify_systemd("STATUS=waiting: another chartroom is filing into the store");
      store_busy_logged_ = true;
    }
    for (const Job& job : jobs_) {
      const fs::path file = job.candidate.empty() && !job.ready.rejected.empty()
                                ? job.ready.rejected.front().file.path
                                : job.candidate;
      job.tracker->forget(top_entry(*job.tracker, file));
    }
    jobs_.clear();
    return;
  }
  if (store_busy_logged_) {
    log_event(LogLevel::kInfo, "store_free");
    notify_systemd("STATUS=watching scanner folders");
    store_busy_logged_ = false;
  }
  if (!swept_temps_) {
    store_->remove_stale_temps();  // once, with the claim held
    swept_temps_ = true;
  }
  in_flight_ = static_cast<int>(collection.batches.size());
  busy_ = true;
  IngestOptions options = config_.ingest;
  options.stop = &stop_;
  const auto mark_progress = [this] { last_progress_ = std::chrono::steady_clock::now().time_since_epoch().count(); };
  mark_progress();
  options.on_progress = [mark_progress](int) { mark_progress(); };
  options.on_batch_done = [mark_progress](const std::string&) { mark_progress(); };
  // Error messages name the files they failed on; the log must not.
  std::vector<fs::path> files;
  std::vector<fs::path> folders;
  for (const auto& batch : collection.batches) {
    for (const auto& file : batch.files) files.push_back(file.path);
  }
  for (const auto& [name, tracker] : trackers_) folders.push_back(tracker->profile().folder);
  worker_ = std::thread([this, collection = std::move(collection), options = std::move(options),
                         files = std::move(files), folders = std::move(folders),
                         claim = std::move(*claim)]() mutable {
    const auto start = std::chrono::steady_clock::now();
    auto report = ingest(*store_, collection, options, *pool_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (report) {
      log_event(LogLevel::kInfo, "ingested",
                {{"batches", report->batches},
                 {"pages", report->pages},
                 {"filed", report->pages_filed},
                 {"review", report->pages_review},
                 {"quarantined", report->pages_quarantined},
                 {"blank", report->pages_blank},
                 {"resumed", report->pages_resumed},
                 {"documents_filed", report->documents_filed},
                 {"documents_review", report->documents_review},
                 {"failures", report->failures.size()},
                 {"seconds", fmt::format("{:.1f}", seconds)}});
      if (!report->failures.empty()) ++errors_;
    } else {
      ++errors_;
      log_event(LogLevel::kError, "ingest_failed",
                {{"message", without_names(report.error().message, files, folders)}});
    }
    claim = indexer::WriterClaim();  // released before the next start_jobs may claim again
    busy_ = false;
  });
}

void Daemon::retry_failed() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(failed_, [&](const Failed& f) {
    if (now - f.when < std::chrono::seconds(watch_.rescan_seconds)) return false;
    for (const auto& [name, tracker] : trackers_) {
      if (tracker.get() == f.tracker) tracker->forget(top_entry(*tracker, f.file));
    }
    return true;
  });
}

}  // namespace detail

int run_watch(const CommonOptions& common, bool store_given, const fs::path& config_path) {
  detail::Daemon daemon(common, store_given, config_path);
  return daemon.run();
}

}  // namespace chartroom::app
