#include "app/pipeline.h"

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "app/ingest_internal.h"
#include "app/ocr_crashes.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace detail {
namespace {

// Decoding runs third-party code (libtiff, libpng, libjpeg, OpenCV, Poppler)
// on untrusted files; anything it throws (std::bad_alloc for a huge image
// above all) is this page's error, never the run's: the page is quarantined
// with the reason and the file kept, and the next page goes on.
template <typename Fn>
auto decode_guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return std::unexpected(Error{ErrorCode::kTooLarge,
                                 what + ": not enough memory to decode it; the file is kept in quarantine. Lower "
                                        "[ingest] workers, or give the machine more memory, then run "
                                        "`chartroom reprocess --quarantined`"});
  } catch (const std::exception& e) {
    return std::unexpected(Error{ErrorCode::kCorrupt, what + " cannot be decoded (" + e.what() +
                                                          "); the file is kept in quarantine: rescan it"});
  }
}

}  // namespace

Result<IngestReport> Ingest::run(const scanners::Collection& collection) {
  // Crashes inside OCR that ended earlier runs are counted against their
  // pages first (app/ocr_crashes.h); then this run's are recorded.
  const fs::path work_dir = store_.work_dir();
  auto crashed = CrashLedger::take(work_dir);
  if (!crashed) return std::unexpected(crashed.error());
  if (auto recorded = store_.record_ocr_crashes(*crashed); !recorded) return std::unexpected(recorded.error());
  CrashLedger::clear(work_dir);
  auto ledger = CrashLedger::open(work_dir);
  if (!ledger) return std::unexpected(ledger.error());
  std::vector<std::jthread> workers;
  for (int i = 0; i < options_.workers; ++i) {
    workers.emplace_back([this] { work(); });
  }
  // Declared after the workers, so it runs first: however run() ends, the
  // queue closes and the workers drain it and stop before they are joined.
  struct CloseOnExit {
    WorkQueue<Task>& queue;
    ~CloseOnExit() { queue.close(); }
  } close_on_exit{queue_};
  start_ = std::chrono::steady_clock::now();
  StageClock::mark_worker_thread(false);  // this thread decodes: the reader
  if (!collection.rejected.empty()) {
    auto batch = new_batch("rejected files");
    for (const scanners::Rejected& rejected : collection.rejected) {
      {
        std::lock_guard lock(report_mutex_);
        ++report_.files;
      }
      quarantine_file(*batch, rejected.file, indexer::hash_text("rejected:" + rejected.file.source), 0,
                      rejected.file.source + ": " + rejected.reason);
    }
    seal(batch);
  }
  std::size_t started = 0;
  for (const scanners::Batch& batch : collection.batches) {
    if (stopping()) break;  // not started: taken afresh next time
    produce(batch);
    ++started;
  }
  queue_.close();
  {
    // Joins the workers, once the last pages are read and filed.
    StageClock::Span waiting(clock_, Stage::kWaitWorkers);
    workers.clear();
  }
  if (started < collection.batches.size()) {  // the run is not complete, and says so
    report_.failures.push_back(std::to_string(collection.batches.size() - started) +
                               " batch(es) not started because chartroom was stopped; run again to continue");
  }
  report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  report_.timings = clock_.totals(options_.workers, report_.seconds);
  report_.ocr_seconds = report_.timings[Stage::kOcr].worker_seconds;
  return report_;
}

std::shared_ptr<BatchState> Ingest::new_batch(std::string name) {
  auto batch = std::make_shared<BatchState>();
  batch->name = std::move(name);
  return batch;
}

void Ingest::quarantine_file(BatchState& batch, const scanners::InputFile& file, std::string hash,
                             std::uint64_t size, std::string reason) {
  batch.files.push_back({file.source, hash, size, 0, true, reason, file.path});
  indexer::PageRecord page;
  page.ref = {file.source, 0};
  page.file_hash = std::move(hash);
  page.state = PageState::kQuarantined;
  page.reason = std::move(reason);
  {
    std::lock_guard lock(batch.mutex);
    batch.pages.push_back(std::move(page));
    batch.texts.emplace_back();
  }
  page_done();  // the file's one page record, as the report counts it
}

void Ingest::produce(const scanners::Batch& input) {
  struct Opened {
    const scanners::InputFile* file;
    std::string hash;
    FileIdentity identity;  // of the bytes hashed: what is decoded must be the same file
    std::set<int> kept;  // reprocess: pages that stay where they are
  };
  std::vector<Opened> files;
  std::string key_material;
  {
    std::lock_guard lock(report_mutex_);
    ++report_.batches;
  }
  auto batch = new_batch(input.name);
  {
    std::lock_guard lock(report_mutex_);
    report_.files += static_cast<int>(input.files.size());
  }
  for (const scanners::InputFile& file : input.files) {
    // Opened once to hash; closed again so that a folder of thousands of
    // images does not hold thousands of descriptors.
    StageClock::Span hashing(clock_, Stage::kDecode);
    auto opened = OpenedFile::open(file.path, file.source);
    auto hash = opened ? indexer::content_hash(*opened) : std::unexpected(opened.error());
    hashing.stop();
    if (!hash) {
      const bool unreadable = hash.error().code == ErrorCode::kIo || hash.error().code == ErrorCode::kNotFound;
      quarantine_file(*batch, file, indexer::hash_text("unreadable:" + file.source), 0,
                      hash.error().message +
                          (unreadable ? "; check that the file exists and chartroom may read it" : ""));
      continue;
    }
    const std::uint64_t size = opened->size();
    // Empty files all share one hash; each is quarantined in its own right.
    bool already_filed = size > 0 && !taken_this_run_.insert(*hash).second;
    int filed_pages = 1;
    if (!already_filed && !options_.reprocess) {
      auto status = with_store([&] { return store_.file_by_hash(*hash); });
      already_filed = status && status->has_value() && (*status)->complete && !(*status)->quarantined;
      if (already_filed) filed_pages = std::max(1, (*status)->pages);
    }
    std::set<int> kept;
    if (!already_filed && options_.reprocess) {
      auto placed = kept_pages(*hash);
      if (!placed) {  // not knowing which pages are filed, reading any again could file one twice
        fail_batch(*batch, placed.error());
        continue;
      }
      kept = std::move(*placed);
      auto status = with_store([&] { return store_.file_by_hash(*hash); });
      if (!kept.empty() && status && status->has_value() && std::cmp_less_equal((*status)->pages, kept.size())) {
        already_filed = true;  // every page is in a document: nothing to read again
        filed_pages = static_cast<int>(kept.size());
      }
    }
    if (already_filed) {
      // Where this content arrived again, as history (`pages --json`
      // also_seen_as). A failure loses a name, never a page; the next run
      // records it.
      (void)with_store([&] { return store_.note_sighting(*hash, file.source); });
      {
        std::lock_guard lock(report_mutex_);
        ++report_.files_already_ingested;
      }
      page_done(filed_pages);  // a resumed migration's progress and time left count what is already done
      continue;  // same content already filed, or taken earlier in this run: never file it twice
    }
    if (!options_.reprocess) {
      auto grown = with_store([&] { return store_.grown_file(file.source); });
      if (!grown) {  // not knowing whether its first pages are filed, filing it could file them twice
        fail_batch(*batch, grown.error());
        continue;
      }
      if (grown->has_value() && (*grown)->earlier_hash != *hash) batch->grown.push_back(std::move(**grown));
    }
    key_material += *hash;
    if (options_.reprocess) {
      // Pages read again, in the key: a rerun after a crash gets the same
      // documents, a later reprocess of what is still left gets new ones.
      std::vector<std::string> parts;
      for (int k : kept) parts.push_back(std::to_string(k));
      key_material += ":reprocess:" + join(parts, ",");
    }
    files.push_back({&file, *hash, opened->identity(), std::move(kept)});
  }
  if (files.empty() && batch->pages.empty()) {
    if (options_.on_batch_done) {
      options_.on_batch_done(input.name + (options_.reprocess ? ": every page is already filed, in review or rejected; "
                                                                "nothing to read again"
                                                              : ": already ingested; skipped"));
    }
    return;
  }
  batch->key = indexer::hash_text(key_material + "|" + input.name).substr(0, 16);

  for (const Opened& opened : files) {
    auto file = OpenedFile::open(opened.file->path, opened.file->source);
    if (file && file->identity() != opened.identity) {
      // Rewritten or replaced since it was hashed: its pages would not be the
      // content recorded for it. Not the file's fault and nothing is lost:
      // the batch is left for the next run, which hashes it afresh.
      fail_batch(*batch, {ErrorCode::kConflict,
                          opened.file->source + " changed while chartroom was reading it (the scanner or a copy "
                                                "may still be writing it); run ingest again once it is complete"});
      break;
    }
    const std::uint64_t size = opened.identity.size;
    StageClock::Span opening(clock_, Stage::kDecode);
    auto reader = file ? decode_guarded(opened.file->source,
                                        [&] { return capture::open_image(std::move(*file), options_.limits); })
                       : std::unexpected(file.error());
    opening.stop();
    if (!reader) {
      // Empty files all share one content hash; pages are keyed by content,
      // so each empty file is keyed by its name to keep its own entry.
      quarantine_file(*batch, *opened.file,
                      size == 0 ? indexer::hash_text("empty:" + opened.file->source) : opened.hash, size,
                      reader.error().message);
      continue;
    }
    const int count = (*reader)->page_count();
    batch->files.push_back({opened.file->source, opened.hash, size, count, false, "", opened.file->path});
    int undecodable = 0;  // a file none of whose pages decode is quarantined as a file (and kept)
    if (!opened.kept.empty()) batch->reread_partly = true;
    for (int index = 0; index < count; ++index) {
      if (opened.kept.contains(index)) {  // reprocess: filed or decided before; stays where it is
        page_done();
        continue;
      }
      if (stopping()) {
        fail_batch(*batch, {ErrorCode::kConflict, "stopped before its last page (chartroom is shutting down)"});
        break;
      }
      if (auto done = resumable(opened.hash, index, opened.file->source)) {
        // Read (or found blank) by an earlier run: not decoded or read again.
        PageText text;
        text.text = done->text;
        text.barcodes = done->barcodes;
        text.words = done->words;  // the identifier lines' words, so boxes are found again
        text.image_width = done->image_width;
        text.image_height = done->image_height;
        text.mean_confidence = done->ocr_confidence;
        std::lock_guard lock(batch->mutex);
        batch->pages.push_back(std::move(*done));
        batch->texts.push_back(std::move(text));
        {
          std::lock_guard report_lock(report_mutex_);
          ++report_.pages_resumed;
        }
        page_done();
        continue;
      }
      indexer::PageRecord page;
      page.ref = {opened.file->source, index};
      page.file_hash = opened.hash;
      StageClock::Span decoding(clock_, Stage::kDecode);
      auto image = decode_guarded("page " + std::to_string(index + 1) + " of " + opened.file->source,
                                  [&] { return (*reader)->read_page(index); });
      if (image) page.embedded_text = (*reader)->embedded_text(index);  // a PDF's text layer, for comparison
      clock_.add_page(Stage::kDecode, decoding.stop());
      if (image) {
        page.state = PageState::kReceived;
        if (auto saved = save(page, *batch); !saved) fail_batch(*batch, saved.error());
      }
      std::size_t slot = 0;
      {
        std::lock_guard lock(batch->mutex);
        if (!image) {
          page.state = PageState::kQuarantined;
          page.reason = image.error().message;
          if (++undecodable == count) {
            batch->files.back().quarantined = true;
            batch->files.back().reason = page.reason;
          }
        } else {
          ++batch->pending;
        }
        batch->pages.push_back(std::move(page));
        batch->texts.emplace_back();
        slot = batch->pages.size() - 1;
      }
      if (image) {
        StageClock::Span waiting(clock_, Stage::kWaitWorkers);
        queue_.push(Task{batch, slot, std::move(*image)});
      } else {
        page_done();
      }
    }
  }
  seal(batch);
}

Result<std::set<int>> Ingest::kept_pages(const std::string& hash) {
  std::set<int> kept;
  auto pages = with_store([&] { return store_.file_pages(hash); });
  if (!pages) return std::unexpected(pages.error());
  for (const indexer::PageRow& page : *pages) {
    if (page.document || page.state == PageState::kSeparator || page.state == PageState::kFiled ||
        page.state == PageState::kReview || page.state == PageState::kRejected) {
      kept.insert(page.index);
    }
  }
  return kept;
}

std::optional<indexer::PageRecord> Ingest::resumable(const std::string& hash, int index,
                                                     const std::string& source) {
  StageClock::Span wait(clock_, Stage::kWaitStore);
  std::lock_guard store_lock(store_mutex_);  // held through the checks of the page PDF too
  wait.stop();
  StageClock::Span commit(clock_, Stage::kCommit);
  auto saved = store_.saved_page(hash, index);
  if (!saved || !saved->has_value()) return std::nullopt;
  indexer::PageRecord page = std::move(**saved);
  page.ref = {source, index};
  std::error_code ec;
  if ((page.state == PageState::kRead || page.state == PageState::kClassified) && !page.page_pdf.empty() &&
      fs::is_regular_file(page.page_pdf, ec) && indexer::check_page_pdf(page.page_pdf)) {
    page.state = PageState::kRead;
    return page;
  }
  if (page.state == PageState::kCleaned && page.blank) {
    page.state = PageState::kDroppedBlank;
    return page;
  }
  return std::nullopt;
}

Status Ingest::save(const indexer::PageRecord& page, const BatchState& batch) {
  return with_store([&] { return store_.save_page(page, batch.name); });
}

void Ingest::fail_batch(BatchState& batch, const Error& error) {
  std::lock_guard lock(batch.mutex);
  if (batch.failed.empty()) batch.failed = error.message;
}

void Ingest::page_done(int pages) {
  const int done = pages_done_ += pages;
  if (options_.on_progress) options_.on_progress(done);
}

void Ingest::seal(const std::shared_ptr<BatchState>& batch) {
  bool ready = false;
  {
    std::lock_guard lock(batch->mutex);
    batch->sealed = true;
    ready = batch->pending == 0 && !batch->finalized;
    if (ready) batch->finalized = true;
  }
  if (ready) finalize_guarded(*batch);
}

}  // namespace detail

Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options) {
  auto pool = ocr::EnginePool::create(options.workers, options.ocr);
  if (!pool) return std::unexpected(pool.error());
  return ingest(store, collection, options, **pool);
}

Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options, ocr::EnginePool& pool) {
  detail::Ingest run(store, options, pool);
  return run.run(collection);
}

}  // namespace chartroom::app
