// scanners/: where pages come from. Turns the files and folders a user or a
// scanner hands over into ordered batches. No image decoding happens here.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::scanners {

struct InputFile {
  std::filesystem::path path;  // where to read it
  std::string source;          // the path as the user gave it, joined with its path inside a given folder
};

// Files whose pages make one stack, in page order.
struct Batch {
  std::string name;  // "discharge_0001.tif" or "clinic_scan_0003" (folder)
  std::vector<InputFile> files;
};

// Something found in a given folder that is not taken as input.
struct Rejected {
  InputFile file;
  std::string reason;
};

struct Collection {
  std::vector<Batch> batches;
  std::vector<Rejected> rejected;  // to be quarantined with the reason
  std::vector<InputFile> ignored;  // hidden files (".DS_Store", scanner temp files)
};

struct CollectOptions {
  // Returns the number of pages of a TIFF or PDF, or <= 0 when it cannot tell.
  // A TIFF or PDF of more than one page is a batch of its own; one-page ones
  // join the folder's image batch.
  std::function<int(const std::filesystem::path&)> page_count;
  bool recursive = true;
};

// Walks the given files and folders:
// - a file given by name is one batch;
// - in a folder, each multi-page TIFF or PDF is one batch, and the single-page
//   images directly inside it (PNG, JPEG, one-page TIFF or PDF) form one batch in natural name
//   order ("page2" before "page10"); files that are not images are batches of
//   their own, so that decoding quarantines them with the exact reason;
// - sub-folders are walked the same way; symbolic links are rejected, not followed.
Result<Collection> collect_batches(const std::vector<std::filesystem::path>& inputs,
                                   const CollectOptions& options);

// ---------------------------------------------------------------- watching (chartroom watch)

// How a scanner says a file (or folder) is finished.
enum class CompleteRule {
  kStable,  // size and mtime unchanged for `stable_seconds` (any scanner; the safe default)
  kMarker,  // a marker beside it: "scan.tif" is done when "scan.tif.done" exists (folders: "F.done" or "F/.done")
  kRename,  // written under a temporary name (".tmp", ".part", "~", leading ".") and renamed when done
};
// What one batch is.
enum class BatchRule {
  kFile,    // each file dropped in the folder is a batch (a multi-page TIFF or PDF, a single image)
  kFolder,  // each sub-folder of images is a batch, closed by the completeness rule (kStable: a quiet period)
};
// Page order of a simplex scanner used for two-sided paper.
enum class DuplexOrder {
  kNone,
  // Fronts scanned first, then the stack turned over: backs come last, in
  // reverse. Images f1 f2 f3 b3 b2 b1 are put back as f1 b1 f2 b2 f3 b3.
  kFrontsThenReversedBacks,
};

struct ScannerProfile {
  std::string name;  // in logs and in the archive path
  std::filesystem::path folder;
  CompleteRule complete = CompleteRule::kStable;
  int stable_seconds = 10;
  std::string marker_suffix = ".done";
  BatchRule batch = BatchRule::kFile;
  DuplexOrder duplex = DuplexOrder::kNone;
};

// Follows one scanner folder between looks (an inotify event or a periodic
// rescan) and hands out each batch once it is complete, never before.
class FolderTracker {
 public:
  explicit FolderTracker(ScannerProfile profile, CollectOptions collect = {});
  const ScannerProfile& profile() const { return profile_; }
  void set_profile(ScannerProfile profile) { profile_ = std::move(profile); }

  // Looks at the folder now. Returns the batches that became complete and
  // were not handed out before (a batch that changes afterwards is handed
  // out again). Files of a batch include its marker, if any, in `markers`.
  struct Ready {
    Batch batch;
    std::vector<std::filesystem::path> markers;  // marker files to archive with it
    std::vector<Rejected> rejected;
  };
  std::vector<Ready> poll(std::chrono::system_clock::time_point now);
  // Candidates seen but not complete yet, and since when the oldest has waited.
  int waiting() const { return static_cast<int>(waiting_.size()); }
  std::optional<std::chrono::system_clock::time_point> oldest_waiting() const;
  // Forgets a batch handed out (after it was archived or failed), so that it
  // is looked at afresh.
  void forget(const std::filesystem::path& candidate);

 private:
  struct Seen {
    std::string signature;  // sizes and mtimes of everything in the candidate
    std::chrono::system_clock::time_point since;  // when that signature was first seen
    std::chrono::system_clock::time_point first_seen;
  };
  ScannerProfile profile_;
  CollectOptions collect_;
  std::map<std::filesystem::path, Seen> waiting_;
  std::map<std::filesystem::path, std::string> handed_out_;  // candidate -> signature when handed out
};

// Applies a duplex order to the files of a folder batch (already in name order).
void apply_duplex(Batch& batch, DuplexOrder order);

// Natural order: digit runs compare by value ("scan2" < "scan10").
bool natural_less(std::string_view a, std::string_view b);

}  // namespace chartroom::scanners
