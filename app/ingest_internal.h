// The ingest run behind ingest() (private to app/): pipeline.cpp runs it and
// decodes on the calling thread, ingest_page.cpp cleans and reads pages on the
// workers, ingest_filing.cpp files each batch once its last page is read.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "app/stage_clock.h"
#include "app/work_queue.h"

namespace chartroom::app::detail {

struct BatchState {
  std::string name;
  std::string key;  // from the content of its files: documents get the same id on a rerun
  std::string failed;  // the store could not be written (disk full, read-only): nothing is filed
  std::vector<indexer::FileRecord> files;
  std::deque<indexer::PageRecord> pages;  // deque: slots keep their address while the producer appends
  std::deque<PageText> texts;
  std::mutex mutex;
  bool reread_partly = false;  // reprocess: some pages of a file were read again, the rest kept where they are
  // watch: files of this batch that grew after chartroom had filed their first
  // pages (Store::grown_file); its documents go to review with `superseded`.
  std::vector<indexer::GrownFile> grown;
  int pending = 0;
  bool sealed = false;
  bool finalized = false;
};

struct Task {
  std::shared_ptr<BatchState> batch;
  std::size_t slot = 0;
  Image image;
};

class Ingest {
 public:
  Ingest(indexer::Store& store, const IngestOptions& options, ocr::EnginePool& pool)
      : store_(store),
        options_(options),
        pool_(pool),
        queue_(static_cast<std::size_t>(options.workers) * 2),
        engine_description_("tesseract " + ocr::tesseract_version() + ", " + options.ocr.language) {}

  Result<IngestReport> run(const scanners::Collection& collection);

 private:
  static std::shared_ptr<BatchState> new_batch(std::string name);
  void quarantine_file(BatchState& batch, const scanners::InputFile& file, std::string hash, std::uint64_t size,
                       std::string reason);
  // reprocess: the pages of a file seen before that are already in a document
  // (filed, in review, rejected) or were a separator sheet: they are not read again.
  Result<std::set<int>> kept_pages(const std::string& hash);
  // Decodes a batch page by page and hands the pages to the workers.
  void produce(const scanners::Batch& input);
  // A page an earlier run took to `read` (its page PDF still in store/work) or
  // found blank, ready to classify; nullopt if it must be processed.
  std::optional<indexer::PageRecord> resumable(const std::string& hash, int index, const std::string& source);
  // Commits one step of a page before the next starts.
  Status save(const indexer::PageRecord& page, const BatchState& batch);
  // The store cannot be written: the batch is not filed, and what was done
  // stays in the store for the next run.
  static void fail_batch(BatchState& batch, const Error& error);
  // Runs fn on the store under its mutex: the wait for the mutex counts as
  // waiting for the store, fn itself as commit.
  template <typename Fn>
  auto with_store(Fn&& fn) -> decltype(fn()) {
    StageClock::Span wait(clock_, Stage::kWaitStore);
    std::lock_guard store_lock(store_mutex_);
    wait.stop();
    StageClock::Span commit(clock_, Stage::kCommit);
    return fn();
  }
  bool stopping() const { return options_.stop != nullptr && options_.stop->load(); }

  // Progress: `pages` more pages are done (read, resumed, quarantined, or
  // skipped as already ingested) in this run.
  void page_done(int pages = 1);
  void seal(const std::shared_ptr<BatchState>& batch);

  void work();
  // The cleaning options for one page: with --debug-dir, its stage images are
  // named after the input file and page ("scan_0007.tif-p3-2-deskewed.png").
  capture::CleanOptions debug_options(const PageRef& ref) const;
  // Cleans and reads one page, committing `cleaned` and `read` as they are
  // reached. Returns an error only when the store cannot be written.
  Status process_page(ocr::Engine& engine, BatchState& batch, const Image& scan, indexer::PageRecord& page,
                      PageText& text);

  void finalize_guarded(BatchState& batch);
  // Splits the batch into documents, decides whose they are and files them.
  void finalize(BatchState& batch);

  indexer::Store& store_;
  const IngestOptions& options_;
  ocr::EnginePool& pool_;
  WorkQueue<Task> queue_;
  std::mutex store_mutex_;
  std::mutex report_mutex_;
  IngestReport report_;
  const std::string engine_description_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<int> pages_done_{0};
  StageClock clock_;
  std::set<std::string> taken_this_run_;  // content hashes; producer thread only
};

}  // namespace chartroom::app::detail
