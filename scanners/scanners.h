// scanners/: where pages come from. Turns the files and folders a user or a
// scanner hands over into ordered batches. No image decoding happens here.
#pragma once

#include <filesystem>
#include <functional>
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
  // Returns the number of pages of a TIFF, or <= 0 when it cannot tell. A TIFF
  // of more than one page is a batch of its own; one-page TIFFs join the
  // folder's image batch.
  std::function<int(const std::filesystem::path&)> tiff_page_count;
  bool recursive = true;
};

// Walks the given files and folders:
// - a file given by name is one batch;
// - in a folder, each multi-page TIFF is one batch, and the single-page images
//   directly inside it (PNG, JPEG, one-page TIFF) form one batch in natural name
//   order ("page2" before "page10"); files that are not images are batches of
//   their own, so that decoding quarantines them with the exact reason;
// - sub-folders are walked the same way; symbolic links are rejected, not followed.
Result<Collection> collect_batches(const std::vector<std::filesystem::path>& inputs,
                                   const CollectOptions& options);

// Natural order: digit runs compare by value ("scan2" < "scan10").
bool natural_less(std::string_view a, std::string_view b);

}  // namespace chartroom::scanners
