// FolderTracker: when is what a scanner writes complete? Pure file-system
// looks (names, sizes, mtimes); the inotify loop lives in app/watch.cpp.
#include <algorithm>
#include <system_error>

#include "scanners/scanners.h"

namespace chartroom::scanners {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

namespace {

bool looks_temporary(const std::string& name) {
  return name.empty() || name.front() == '.' || name.back() == '~' || name.ends_with(".tmp") ||
         name.ends_with(".part") || name.ends_with(".partial") || name.ends_with(".crdownload");
}

Clock::time_point to_system(fs::file_time_type t) {
  return std::chrono::time_point_cast<Clock::duration>(std::chrono::file_clock::to_sys(t));
}

struct Look {
  std::string signature;
  Clock::time_point newest{};
  bool has_temporary = false;
  bool empty = true;
};

// Sizes and mtimes of a file, or of everything under a folder.
Look look_at(const fs::path& candidate) {
  Look look;
  std::error_code ec;
  auto add = [&](const fs::path& p, const std::string& rel) {
    std::error_code e;
    const auto status = fs::symlink_status(p, e);
    if (e) return;
    const auto mtime = fs::last_write_time(p, e);
    if (e) return;
    const std::uintmax_t size = fs::is_regular_file(status) ? fs::file_size(p, e) : 0;
    look.signature += rel + ":" + std::to_string(size) + ":" + std::to_string(mtime.time_since_epoch().count()) + "\n";
    look.newest = std::max(look.newest, to_system(mtime));
    if (looks_temporary(p.filename().string()) && fs::is_regular_file(status)) look.has_temporary = true;
    if (fs::is_regular_file(status)) look.empty = false;
  };
  add(candidate, ".");
  if (fs::is_directory(fs::symlink_status(candidate, ec))) {
    for (auto it = fs::recursive_directory_iterator(candidate, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      add(it->path(), it->path().lexically_relative(candidate).string());
    }
  }
  return look;
}

}  // namespace

FolderTracker::FolderTracker(ScannerProfile profile, CollectOptions collect)
    : profile_(std::move(profile)), collect_(std::move(collect)) {}

std::optional<Clock::time_point> FolderTracker::oldest_waiting() const {
  std::optional<Clock::time_point> oldest;
  for (const auto& [path, seen] : waiting_) {
    if (!oldest || seen.first_seen < *oldest) oldest = seen.first_seen;
  }
  return oldest;
}

void FolderTracker::forget(const fs::path& candidate) { handed_out_.erase(candidate); }

std::vector<FolderTracker::Ready> FolderTracker::poll(Clock::time_point now) {
  std::vector<Ready> ready;
  std::vector<fs::path> present;
  std::error_code ec;
  for (fs::directory_iterator it(profile_.folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path path = it->path();
    const std::string name = path.filename().string();
    if (!profile_.marker_suffix.empty() && name.ends_with(profile_.marker_suffix)) continue;
    std::error_code e;
    const bool folder = it->is_directory(e);
    if (name.starts_with(".")) continue;  // hidden: scanner temp files, .DS_Store
    if (folder && profile_.batch != BatchRule::kFolder) continue;
    present.push_back(path);
  }
  std::ranges::sort(present, [](const fs::path& a, const fs::path& b) {
    return natural_less(a.filename().string(), b.filename().string());
  });
  const auto stable = std::chrono::seconds(profile_.stable_seconds);
  std::map<fs::path, Seen> still_waiting;
  for (const fs::path& path : present) {
    const Look look = look_at(path);
    auto handed = handed_out_.find(path);
    if (handed != handed_out_.end() && handed->second == look.signature) continue;  // taken already, unchanged

    Seen seen{look.signature, now, now};
    if (auto it = waiting_.find(path); it != waiting_.end()) {
      seen.first_seen = it->second.first_seen;
      if (it->second.signature == look.signature) seen.since = it->second.since;
    }
    const bool is_folder = fs::is_directory(fs::symlink_status(path, ec));
    const bool quiet = now - seen.since >= stable && now - look.newest >= stable;
    bool complete = false;
    std::vector<fs::path> markers;
    switch (profile_.complete) {
      case CompleteRule::kStable:
        complete = quiet && !look.empty;
        break;
      case CompleteRule::kMarker: {
        fs::path beside = path;
        beside += profile_.marker_suffix;
        const fs::path inside = path / profile_.marker_suffix;
        std::error_code e;
        if (fs::exists(beside, e)) markers.push_back(beside);
        if (is_folder && fs::exists(inside, e)) markers.push_back(inside);
        complete = !markers.empty() && !look.empty;
        break;
      }
      case CompleteRule::kRename:
        complete = is_folder ? (quiet && !look.has_temporary && !look.empty)
                             : !looks_temporary(path.filename().string());
        break;
    }
    if (!complete) {
      still_waiting[path] = seen;
      continue;
    }
    auto collection = collect_batches({path}, collect_);
    if (!collection) {
      still_waiting[path] = seen;
      continue;
    }
    Ready r;
    r.markers = markers;
    r.rejected = collection->rejected;
    for (Batch& b : collection->batches) {
      if (r.batch.files.empty()) r.batch.name = b.name;
      r.batch.files.insert(r.batch.files.end(), b.files.begin(), b.files.end());
    }
    apply_duplex(r.batch, profile_.duplex);
    handed_out_[path] = look.signature;
    ready.push_back(std::move(r));
  }
  // Whatever vanished (archived, removed by hand) is forgotten.
  for (auto it = handed_out_.begin(); it != handed_out_.end();) {
    it = std::ranges::find(present, it->first) == present.end() ? handed_out_.erase(it) : std::next(it);
  }
  waiting_ = std::move(still_waiting);
  return ready;
}

void apply_duplex(Batch& batch, DuplexOrder order) {
  if (order != DuplexOrder::kFrontsThenReversedBacks || batch.files.size() < 2 || batch.files.size() % 2 != 0) {
    return;
  }
  const std::size_t half = batch.files.size() / 2;
  std::vector<InputFile> ordered;
  ordered.reserve(batch.files.size());
  for (std::size_t i = 0; i < half; ++i) {
    ordered.push_back(batch.files[i]);
    ordered.push_back(batch.files[batch.files.size() - 1 - i]);
  }
  batch.files = std::move(ordered);
}

}  // namespace chartroom::scanners
