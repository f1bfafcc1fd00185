// The ingest pipeline: batches in, documents filed or sent to review, every
// page accounted for. Decoding runs on the calling thread; cleaning and OCR run
// on a pool of workers (one Tesseract engine each) fed through a bounded queue;
// a batch is classified and filed as soon as its last page is read.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/stage_timings.h"
#include "capture/capture.h"
#include "classify/classify.h"
#include "indexer/indexer.h"
#include "ocr/ocr.h"
#include "scanners/scanners.h"

namespace chartroom::app {

struct IngestOptions {
  int workers = 2;
  capture::DecodeLimits limits;
  capture::CleanOptions clean;
  classify::MatchOptions match;
  // Document type: the abstain threshold, and the model (`type_model`, from
  // `chartroom train-types`; null: the model built into chartroom).
  classify::TypeOptions type;
  std::shared_ptr<const classify::TypeModel> type_model;
  ocr::EngineOptions ocr;
  // Runs that may die reading one page: a page on which this many runs died
  // of a crash or a hang inside OCR (a fatal signal; not kill -9) is
  // quarantined instead of read again (app/ocr_crashes.h).
  int ocr_attempts_per_page = 3;
  // A page scanned 1-bit that OCR reads with a mean confidence under this (0-100) is read
  // once more with its strokes closed, and kept if much better: faint
  // toner that a fax or G4 scanner thresholded into broken letters
  // (app/second_reading.h). 0: never.
  int reread_strokes_below_confidence = 70;
  // Called from the filing thread after each batch, e.g. to print a line.
  std::function<void(const std::string&)> on_batch_done;
  // Called from any thread each time a page is done (read, resumed or
  // quarantined) with the number done so far in this run, e.g. for a progress bar.
  std::function<void(int)> on_progress;
  // When set and true (SIGTERM in `chartroom watch`, Ctrl-C or SIGTERM in
  // `chartroom ingest`), no further page is
  // started: pages in flight finish, their batches are parked (not filed) and
  // the next run resumes them from the store.
  const std::atomic<bool>* stop = nullptr;
  // `chartroom reprocess`: files seen before are read again instead of being
  // skipped, but only their pages that are in no document (quarantined,
  // dropped as blank, never finished); pages already filed, in review or
  // rejected keep what was decided. Pages read again from a file whose other
  // pages were filed go to review, since their document was filed without them.
  bool reprocess = false;
};

// Pages of one folder (the folder part of each page's source) by outcome.
struct FolderCounts {
  int pages = 0;
  int filed = 0;
  int review = 0;
  int quarantined = 0;
  int blank = 0;
  int separator = 0;
};

struct QuarantinedPage {
  std::string source;
  int page = -1;  // 0-based; -1 = the whole file
  std::string reason;
};

struct IngestReport {
  int batches = 0;
  int files = 0;
  int files_already_ingested = 0;
  int files_quarantined = 0;
  int pages = 0;  // pages seen, incl. one per unreadable file
  int pages_filed = 0;
  int pages_review = 0;
  int pages_quarantined = 0;
  int pages_blank = 0;
  int pages_separator = 0;  // separator sheets: never filed
  int pages_resumed = 0;    // read by an earlier, interrupted run and not read again
  int documents_filed = 0;
  int documents_review = 0;
  std::map<std::string, FolderCounts> folders;
  std::vector<QuarantinedPage> quarantined;  // every quarantined file (page -1) and page, with its reason
  double seconds = 0;
  double ocr_seconds = 0;  // summed over workers: time inside ocr::Engine::read
  StageTimings timings;    // where the time went, stage by stage (`ingest --timings`)
  std::vector<std::string> failures;  // batches that could not be recorded (nothing of them is lost: rerun)

  bool all_accounted() const { return failures.empty(); }
};

Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options);
// The same with engines made once (the daemon keeps them between batches);
// the pool must hold options.workers engines.
Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options, ocr::EnginePool& pool);

}  // namespace chartroom::app
