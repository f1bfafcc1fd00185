// `chartroom reprocess FILE...|--quarantined`: reads again files the store has
// seen, after a limit was raised or a reader fixed. Only pages that are in no
// document are read (see IngestOptions::reprocess): what was filed or decided
// stays, and no page is filed twice.
#include <algorithm>
#include <iostream>
#include <system_error>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/identity.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

// Where to read a file the store knows by its content: the private copy kept
// in quarantine, or the file at its recorded name if it still holds the same bytes.
std::optional<fs::path> find_copy(const indexer::Store& store, const indexer::FileStatus& file) {
  std::error_code ec;
  const fs::path kept = store.root() / "quarantine" / file.hash / "original";
  if (fs::is_regular_file(kept, ec)) return kept;
  if (fs::is_regular_file(file.source, ec)) {
    auto hash = indexer::content_hash(fs::path(file.source));
    if (hash && *hash == file.hash) return fs::path(file.source);
  }
  return std::nullopt;
}

}  // namespace

int run_reprocess(const CommonOptions& common, const std::vector<fs::path>& files, bool quarantined, Config config) {
  if (files.empty() && !quarantined) {
    std::cerr << "chartroom: name the files to read again, or give --quarantined to read again every file with a "
                 "page in quarantine\n  chartroom reprocess --quarantined --store "
              << common.store.string() << "\n";
    return 2;
  }
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto claim = store->claim_writing("chartroom reprocess");
  if (!claim) {
    print_error(claim.error());
    return 1;
  }
  store->remove_stale_temps();
  const std::string actor = os_account();
  if (auto allowed = authorize(*store, actor, {indexer::Role::kOperator, indexer::Role::kReviewer,
                                               indexer::Role::kAdmin},
                               "read files again");
      !allowed) {
    print_error(allowed.error());
    return 1;
  }

  scanners::Collection collection;
  int expected = 0;
  int problems = 0;
  std::vector<std::string> sources;
  auto add = [&](const fs::path& path, const indexer::FileStatus& seen) {
    if (std::ranges::find(sources, seen.source) != sources.end()) return;  // named twice
    // Read as part of the batch it came in (the pages of a folder together,
    // so its documents' boundaries are found as before), under the name
    // recorded for it: its pages are the same pages, wherever the copy is read from.
    auto batch = std::ranges::find(collection.batches, seen.batch, &scanners::Batch::name);
    if (batch == collection.batches.end()) batch = collection.batches.insert(batch, {seen.batch, {}});
    batch->files.push_back({path, seen.source});
    std::ranges::sort(batch->files, {}, &scanners::InputFile::source);
    sources.push_back(seen.source);
    expected += std::max(1, seen.pages);
  };
  for (const fs::path& file : files) {
    auto hash = indexer::content_hash(file);
    if (!hash) {
      print_error(hash.error());
      ++problems;
      continue;
    }
    auto seen = store->file_by_hash(*hash);
    if (!seen) {
      print_error(seen.error());
      return 1;
    }
    if (!seen->has_value()) {
      std::cerr << "chartroom: " << file.string()
                << ": this store has not seen a file with this content, so there is nothing to read again; "
                   "to read it for the first time:\n  chartroom ingest "
                << file.string() << " --store " << common.store.string() << "\n";
      ++problems;
      continue;
    }
    add(file, **seen);
  }
  if (quarantined) {
    auto listed = store->quarantined_files();
    if (!listed) {
      print_error(listed.error());
      return 1;
    }
    for (const indexer::FileStatus& file : *listed) {
      if (auto path = find_copy(*store, file)) {
        add(*path, file);
        continue;
      }
      std::cerr << "chartroom: " << file.source
                << ": not read again: it is no longer there with the same content, and no copy was kept in "
                   "quarantine (only files none of whose pages could be read are copied); put the file back and "
                   "run chartroom reprocess FILE\n";
      ++problems;
    }
  }
  if (collection.batches.empty()) {
    if (problems == 0) std::cout << "Nothing is in quarantine; there is nothing to read again.\n";
    return problems > 0 ? 1 : 0;
  }
  if (auto s = store->audit({actor, "reprocess", join(sources, ","),
                             fmt::format("read again: {} file(s){}", sources.size(), quarantined ? " (quarantined)" : ""),
                             "", {}});
      !s) {
    print_error(s.error());
    return 1;
  }
  std::cerr << fmt::format("Reading again {} file(s) in {} with {} worker(s)...\n", sources.size(),
                           common.store.string(), config.ingest.workers);
  config.ingest.reprocess = true;
  const int rc = run_collection(common, *store, collection, std::move(config), expected);
  return rc == 0 && problems > 0 ? 1 : rc;
}

}  // namespace chartroom::app
