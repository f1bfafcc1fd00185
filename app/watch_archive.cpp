// Archiving in `chartroom watch`: the originals of a batch whose every page is
// terminal move to ARCHIVE/DAY/SCANNER/HASH/NAME, never lost on the way.
#include <fmt/format.h>

#include <ctime>

#include "app/watch_internal.h"

namespace chartroom::app::detail {

namespace {

std::string today_utc() {
  const std::time_t t = Clock::to_time_t(Clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Moves a file into place without ever losing it: rename, or across file
// systems copy + fsync + rename, and only then remove the original.
Status move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (ec) return fail(ErrorCode::kIo, "cannot create the archive folder " + to.parent_path().string() + ": " + ec.message());
  if (fs::exists(to, ec)) {  // the same content archived before: keep both
    fs::path other = to;
    other += "." + std::to_string(Clock::now().time_since_epoch().count());
    return move_file(from, other);
  }
  fs::rename(from, to, ec);
  if (!ec) return {};
  if (ec != std::errc::cross_device_link) {
    return fail(ErrorCode::kIo, "cannot move " + from.string() + " to the archive: " + ec.message());
  }
  const fs::path temp = unique_temp_path(to);
  fs::copy_file(from, temp, fs::copy_options::none, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot copy " + from.string() + " to the archive: " + ec.message());
  if (auto s = commit_file_atomic(temp, to); !s) return s;
  fs::remove(from, ec);
  return {};
}

}  // namespace

// The file about to be archived is not the content that was filed: the
// scanner wrote more into it after it was taken (a pause for a jam, then the
// rest of the pages). It stays in its folder; the next ingest of it files the
// grown content to review ("superseded"), so its first pages are never filed
// twice and its last ones are never left only in the archive.
void Daemon::note_if_grown(const Job& job, const scanners::InputFile& file, const std::string& hash_now) {
  auto earlier = store_->latest_hash_of_source(file.source);
  if (!earlier || !earlier->has_value() || **earlier == hash_now) return;
  auto status = store_->file_by_hash(**earlier);
  if (!status || !status->has_value() || !(*status)->complete) return;
  if (auto noted = store_->note_grown_file(file.source, **earlier); !noted) {
    log_event(LogLevel::kError, "store_write_failed", {{"message", noted.error().message}});
    return;
  }
  log_event(LogLevel::kWarning, "grew_after_taken",
            {{"scanner", job.scanner},
             {"file_hash", earlier->value().substr(0, 16)},
             {"message", "a scan grew after it was taken (the scanner paused, then wrote more pages); it stays in "
                         "its folder and its grown content goes to review, so no page is filed twice. Set the "
                         "scanner's completeness rule to a done-marker or a rename to avoid this"}});
}

void Daemon::finish_jobs() {
  in_flight_ = 0;
  const std::string day = today_utc();
  for (Job& job : jobs_) {
    bool all_done = true;
    std::string first_hash;
    for (const scanners::InputFile& file : job.ready.batch.files) {
      auto hash = indexer::content_hash(file.path);
      if (!hash) {
        all_done = false;
        continue;
      }
      if (first_hash.empty()) first_hash = *hash;
      auto status = store_->file_by_hash(*hash);
      if (!status || !status->has_value() || !(*status)->complete) {
        all_done = false;
        note_if_grown(job, file, *hash);
        continue;
      }
      const fs::path to = watch_.archive / day / job.scanner / *hash / file.path.filename();
      if (auto moved = move_file(file.path, to); !moved) {
        all_done = false;
        log_event(LogLevel::kError, "archive_failed",
                  {{"scanner", job.scanner},
                   {"file_hash", hash->substr(0, 16)},
                   {"message", without_names(moved.error().message, {file.path, to},
                                             {job.tracker->profile().folder, watch_.archive})}});
      }
    }
    const std::string key = first_hash.substr(0, 16);
    if (!all_done) {
      log_event(LogLevel::kWarning, "batch_not_finished",
                {{"scanner", job.scanner}, {"file_hash", key}, {"retry_in_seconds", watch_.rescan_seconds}});
      failed_.push_back({job.tracker,
                         job.ready.batch.files.empty() ? fs::path() : job.ready.batch.files.front().path,
                         std::chrono::steady_clock::now()});
      continue;
    }
    for (const fs::path& marker : job.ready.markers) {
      (void)move_file(marker, watch_.archive / day / job.scanner / first_hash / marker.filename());
    }
    // A folder batch leaves empty folders behind: remove those (never a file).
    for (const scanners::InputFile& file : job.ready.batch.files) {
      std::error_code ec;
      for (fs::path dir = file.path.parent_path(); dir != job.tracker->profile().folder && !dir.empty() &&
                                                   dir.string().size() > job.tracker->profile().folder.string().size();
           dir = dir.parent_path()) {
        if (!fs::remove(dir, ec)) break;  // remove() on a folder removes it only when empty
      }
    }
    log_event(LogLevel::kInfo, "archived",
              {{"scanner", job.scanner},
               {"file_hash", key},
               {"files", job.ready.batch.files.size()},
               {"archive_day", day}});
  }
  jobs_.clear();
}

}  // namespace chartroom::app::detail
