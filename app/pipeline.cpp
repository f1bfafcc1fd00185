#include "app/pipeline.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "app/decide.h"
#include "app/work_queue.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

// The store or the work folder cannot be written (disk full, read-only): not
// the page's fault, so the page is not quarantined; the run stops filing.
bool is_environment_failure(const Error& error) {
  return error.code == ErrorCode::kIo || error.code == ErrorCode::kDatabase ||
         (error.code == ErrorCode::kOcr && error.message.find("could not write") != std::string::npos);
}

// A page PDF is durable before its page is recorded as read.
Status sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return fail(ErrorCode::kIo, "cannot write " + path.string() + " (" + std::strerror(err) +
                                    "); free disk space or fix permissions, then run again");
  }
  ::close(fd);
  return {};
}

// The reconciliation of one page: its folder's counts, and the quarantine list.
void count_page(IngestReport& report, const indexer::PageRecord& page, bool whole_file) {
  std::string folder = fs::path(page.ref.source).parent_path().string();
  if (folder.empty()) folder = ".";
  FolderCounts& counts = report.folders[folder];
  ++counts.pages;
  counts.filed += page.state == PageState::kFiled;
  counts.review += page.state == PageState::kReview;
  counts.quarantined += page.state == PageState::kQuarantined;
  counts.blank += page.state == PageState::kDroppedBlank;
  counts.separator += page.state == PageState::kSeparator;
  if (page.state == PageState::kQuarantined) {
    report.quarantined.push_back({page.ref.source, whole_file ? -1 : page.ref.index, page.reason});
  }
  report.pages_separator += page.state == PageState::kSeparator;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

struct BatchState {
  std::string name;
  std::string key;  // from the content of its files: documents get the same id on a rerun
  std::string failed;  // the store could not be written (disk full, read-only): nothing is filed
  std::vector<indexer::FileRecord> files;
  std::deque<indexer::PageRecord> pages;  // deque: slots keep their address while the producer appends
  std::deque<PageText> texts;
  std::mutex mutex;
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

  Result<IngestReport> run(const scanners::Collection& collection) {
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
    for (const scanners::Batch& batch : collection.batches) {
      if (stopping()) break;  // not started: taken afresh next time
      produce(batch);
    }
    queue_.close();
    workers.clear();  // joins
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return report_;
  }

 private:
  static std::shared_ptr<BatchState> new_batch(std::string name) {
    auto batch = std::make_shared<BatchState>();
    batch->name = std::move(name);
    return batch;
  }

  void quarantine_file(BatchState& batch, const scanners::InputFile& file, std::string hash, std::uint64_t size,
                       std::string reason) {
    batch.files.push_back({file.source, hash, size, 0, true, reason, file.path});
    indexer::PageRecord page;
    page.ref = {file.source, 0};
    page.file_hash = std::move(hash);
    page.state = PageState::kQuarantined;
    page.reason = std::move(reason);
    std::lock_guard lock(batch.mutex);
    batch.pages.push_back(std::move(page));
    batch.texts.emplace_back();
  }

  // Decodes a batch page by page and hands the pages to the workers.
  void produce(const scanners::Batch& input) {
    struct Opened {
      const scanners::InputFile* file;
      std::string hash;
      std::uint64_t size;
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
      std::error_code ec;
      const std::uint64_t size = fs::file_size(file.path, ec);
      auto hash = indexer::content_hash(file.path);
      if (!hash) {
        quarantine_file(*batch, file, indexer::hash_text("unreadable:" + file.source), 0,
                        file.source + ": cannot be read (" + hash.error().message +
                            "); check that the file exists and chartroom may read it");
        continue;
      }
      // Empty files all share one hash; each is quarantined in its own right.
      bool already_filed = size > 0 && !ec && !taken_this_run_.insert(*hash).second;
      if (!already_filed) {
        std::lock_guard store_lock(store_mutex_);
        auto status = store_.file_by_hash(*hash);
        already_filed = status && status->has_value() && (*status)->complete && !(*status)->quarantined;
      }
      if (already_filed) {
        std::lock_guard lock(report_mutex_);
        ++report_.files_already_ingested;
        continue;  // same content already filed, or taken earlier in this run: never file it twice
      }
      key_material += *hash;
      files.push_back({&file, *hash, ec ? 0 : size});
    }
    if (files.empty() && batch->pages.empty()) {
      if (options_.on_batch_done) options_.on_batch_done(input.name + ": already ingested; skipped");
      return;
    }
    batch->key = indexer::hash_text(key_material + "|" + input.name).substr(0, 16);

    for (const Opened& opened : files) {
      auto reader = capture::open_image(opened.file->path, opened.file->source, options_.limits);
      if (!reader) {
        quarantine_file(*batch, *opened.file, opened.hash, opened.size, reader.error().message);
        continue;
      }
      const int count = (*reader)->page_count();
      batch->files.push_back({opened.file->source, opened.hash, opened.size, count, false, "", opened.file->path});
      int undecodable = 0;  // a file none of whose pages decode is quarantined as a file (and kept)
      for (int index = 0; index < count; ++index) {
        if (stopping()) {
          fail_batch(*batch, {ErrorCode::kConflict, "stopped before its last page (chartroom is shutting down)"});
          break;
        }
        if (auto done = resumable(opened.hash, index, opened.file->source)) {
          // Read (or found blank) by an earlier run: not decoded or read again.
          PageText text;
          text.text = done->text;
          text.barcodes = done->barcodes;
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
        auto image = (*reader)->read_page(index);
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
          queue_.push(Task{batch, slot, std::move(*image)});
        } else {
          page_done();
        }
      }
    }
    seal(batch);
  }

  // A page an earlier run took to `read` (its page PDF still in store/work) or
  // found blank, ready to classify; nullopt if it must be processed.
  std::optional<indexer::PageRecord> resumable(const std::string& hash, int index, const std::string& source) {
    std::lock_guard store_lock(store_mutex_);
    auto saved = store_.saved_page(hash, index);
    if (!saved || !saved->has_value()) return std::nullopt;
    indexer::PageRecord page = std::move(**saved);
    page.ref = {source, index};
    std::error_code ec;
    if ((page.state == PageState::kRead || page.state == PageState::kClassified) && !page.page_pdf.empty() &&
        fs::is_regular_file(page.page_pdf, ec)) {
      page.state = PageState::kRead;
      return page;
    }
    if (page.state == PageState::kCleaned && page.blank) {
      page.state = PageState::kDroppedBlank;
      return page;
    }
    return std::nullopt;
  }

  // Commits one step of a page before the next starts.
  Status save(const indexer::PageRecord& page, const BatchState& batch) {
    std::lock_guard store_lock(store_mutex_);
    return store_.save_page(page, batch.name);
  }

  // The store cannot be written: the batch is not filed, and what was done
  // stays in the store for the next run.
  static void fail_batch(BatchState& batch, const Error& error) {
    std::lock_guard lock(batch.mutex);
    if (batch.failed.empty()) batch.failed = error.message;
  }

  bool stopping() const { return options_.stop != nullptr && options_.stop->load(); }

  void page_done() {
    const int done = ++pages_done_;
    if (options_.on_progress) options_.on_progress(done);
  }

  void seal(const std::shared_ptr<BatchState>& batch) {
    bool ready = false;
    {
      std::lock_guard lock(batch->mutex);
      batch->sealed = true;
      ready = batch->pending == 0 && !batch->finalized;
      if (ready) batch->finalized = true;
    }
    if (ready) finalize_guarded(*batch);
  }

  void work() {
    auto engine = pool_.lease();
    while (auto task = queue_.pop()) {
      BatchState& batch = *task->batch;
      indexer::PageRecord result;
      {
        std::lock_guard lock(batch.mutex);
        result = batch.pages[task->slot];
      }
      PageText text;
      try {
        if (auto s = process_page(*engine, batch, task->image, result, text); !s) fail_batch(batch, s.error());
      } catch (const std::exception& e) {  // e.g. out of memory on a huge page: lose the page, not the run
        result.state = PageState::kQuarantined;
        result.reason = page_label(result.ref) + ": could not be processed (" + e.what() + ")";
      }
      text.words.clear();  // classification reads the text only; keep memory per page small
      text.words.shrink_to_fit();
      bool ready = false;
      {
        std::lock_guard lock(batch.mutex);
        batch.pages[task->slot] = std::move(result);
        batch.texts[task->slot] = std::move(text);
        --batch.pending;
        ready = batch.sealed && batch.pending == 0 && !batch.finalized;
        if (ready) batch.finalized = true;
      }
      page_done();
      if (ready) finalize_guarded(batch);
    }
  }

  void finalize_guarded(BatchState& batch) {
    try {
      finalize(batch);
    } catch (const std::exception& e) {
      std::lock_guard lock(report_mutex_);
      report_.failures.push_back(batch.name + ": could not be recorded (" + e.what() +
                                 "); nothing was filed for it; run ingest again");
    }
  }

  // The cleaning options for one page: with --debug-dir, its stage images are
  // named after the input file and page ("scan_0007.tif-p3-2-deskewed.png").
  capture::CleanOptions debug_options(const PageRef& ref) const {
    capture::CleanOptions options = options_.clean;
    if (options.debug_dir.empty()) return options;
    std::string name = fs::path(ref.source).filename().string() + "-p" + std::to_string(ref.index + 1);
    for (char& c : name) {
      if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 32) c = '_';
    }
    options.debug_name = name;
    return options;
  }

  // Cleans and reads one page, committing `cleaned` and `read` as they are
  // reached. Returns an error only when the store cannot be written.
  Status process_page(ocr::Engine& engine, BatchState& batch, const Image& scan, indexer::PageRecord& page,
                      PageText& text) {
    auto clean = capture::clean_page(scan, debug_options(page.ref));
    if (!clean) {
      page.state = PageState::kQuarantined;
      page.reason = page_label(page.ref) + ": " + clean.error().message;
      return {};
    }
    page.orientation = clean->orientation.degrees;
    page.skew = clean->skew.degrees;
    page.blank = clean->blank.blank;
    for (const std::string& warning : clean->warnings) {
      page.reason += (page.reason.empty() ? "" : "; ") + warning;
    }
    if (clean->quality.rescan && !clean->blank.blank) {
      page.needs_rescan = true;
      std::string problems;
      for (const std::string& problem : clean->quality.problems) problems += (problems.empty() ? "" : ", ") + problem;
      page.reason = "rescan: " + problems + (page.reason.empty() ? "" : "; " + page.reason);
    }
    page.state = PageState::kCleaned;
    if (auto s = save(page, batch); !s) return s;
    if (clean->blank.blank) {
      page.state = PageState::kDroppedBlank;
      return {};
    }
    const fs::path pdf = store_.page_pdf_path(page.file_hash, page.ref.index);
    std::error_code ec;
    fs::create_directories(pdf.parent_path(), ec);
    for (const fs::path& dir : {pdf.parent_path().parent_path(), pdf.parent_path()}) {
      if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // patient data: 0700
    }
    if (ec) {
      return fail(ErrorCode::kIo, "cannot create the work folder " + pdf.parent_path().string() + " (" +
                                      ec.message() + "); free disk space or fix permissions, then run again");
    }
    const auto ocr_start = std::chrono::steady_clock::now();
    auto read = engine.read(clean->image, {pdf, batch.name}, page_label(page.ref));
    {
      std::lock_guard lock(report_mutex_);
      report_.ocr_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - ocr_start).count();
    }
    if (!read) {
      if (is_environment_failure(read.error())) return std::unexpected(read.error());
      page.state = PageState::kQuarantined;
      page.reason = read.error().message;
      return {};
    }
    if (auto s = sync_file(pdf); !s) return s;
    text = std::move(*read);
    if (text.ocr_stopped) {  // the page is kept, image whole, and its document goes to review
      page.needs_rescan = true;
      page.reason += (page.reason.empty() ? "" : "; ") +
                     std::string("OCR was stopped at the limit of ") + seconds_text(options_.ocr.max_seconds_per_page) +
                     " per page, so its text is incomplete; check the page by eye (a cleaner scan reads faster), "
                     "or raise [limits] ocr_seconds_per_page";
    }
    text.barcodes = std::move(clean->barcodes);  // classify reads them beside the words
    page.text = text.text;
    page.barcodes = text.barcodes;
    page.ocr_confidence = text.mean_confidence;
    page.page_pdf = pdf;
    page.state = PageState::kRead;
    return save(page, batch);
  }

  // Splits the batch into documents, decides whose they are and files them.
  void finalize(BatchState& batch) {
    if (!batch.failed.empty()) {
      std::lock_guard lock(report_mutex_);
      report_.failures.push_back(batch.name + ": not filed: " + batch.failed +
                                 " (the pages done so far are kept; run again once this is fixed)");
      if (options_.on_batch_done) options_.on_batch_done(batch.name + ": NOT FILED: " + batch.failed);
      return;
    }
    std::lock_guard store_lock(store_mutex_);
    indexer::BatchRecord record;
    record.name = batch.name;
    record.files = std::move(batch.files);
    record.pages.assign(std::make_move_iterator(batch.pages.begin()), std::make_move_iterator(batch.pages.end()));

    std::vector<PageText> texts(std::make_move_iterator(batch.texts.begin()),
                                std::make_move_iterator(batch.texts.end()));
    StoreIndex index(store_);
    record.documents = decide_documents(record.pages, texts, index, batch.key,
                                        {options_.match, engine_description_});
    std::vector<std::string> missing;
    for (const indexer::PageRecord& page : record.pages) {
      if (page.state == PageState::kQuarantined) missing.push_back(page.reason);
    }
    int content = 0;
    std::string line = batch.name + ": ";
    for (const indexer::DocumentRecord& document : record.documents) {
      content += static_cast<int>(document.pages.size());
      if (line.size() > batch.name.size() + 2) line += "; ";
      line += std::to_string(document.pages.size()) + " page(s) -> document " + document.id + " " +
              std::string(document_state_name(document.state));
      if (document.state != DocumentState::kFiled && !document.review_reasons.empty()) {
        line += " (" + document.review_reasons.front() + ")";
      }
    }
    if (record.documents.empty() && !missing.empty()) {
      line = missing.size() == 1 ? "quarantined: " + missing.front()
                                 : batch.name + ": " + std::to_string(missing.size()) + " files quarantined";
    } else if (record.documents.empty()) {
      line += "no readable page; nothing to file";
    }

    // classified: committed before filing starts.
    std::vector<indexer::PageRecord> classified;
    for (const indexer::PageRecord& page : record.pages) {
      if (page.state == PageState::kFiled || page.state == PageState::kReview || page.state == PageState::kSeparator) {
        classified.push_back(page);
        classified.back().state = PageState::kClassified;
      }
    }
    auto filed = classified.empty() ? Status{} : store_.save_pages(classified, batch.name);
    if (filed) filed = store_.file_batch(record);
    if (filed) {  // the documents hold them now
      std::error_code ec;
      for (const indexer::PageRecord& page : record.pages) {
        if (!page.page_pdf.empty()) fs::remove(page.page_pdf, ec);
      }
    }

    std::lock_guard lock(report_mutex_);
    if (!filed) {
      report_.failures.push_back(batch.name + ": " + filed.error().message);
      line = batch.name + ": NOT RECORDED: " + filed.error().message + " (nothing was lost; run ingest again)";
    } else {
      for (const indexer::FileRecord& f : record.files) report_.files_quarantined += f.quarantined ? 1 : 0;
      std::set<std::string> whole_files;
      for (const indexer::FileRecord& f : record.files) {
        if (f.quarantined) whole_files.insert(f.source);
      }
      for (const indexer::PageRecord& p : record.pages) {
        count_page(report_, p, whole_files.contains(p.ref.source));
        ++report_.pages;
        report_.pages_filed += p.state == PageState::kFiled;
        report_.pages_review += p.state == PageState::kReview;
        report_.pages_quarantined += p.state == PageState::kQuarantined;
        report_.pages_blank += p.state == PageState::kDroppedBlank;
      }
      for (const indexer::DocumentRecord& d : record.documents) {
        (d.state == DocumentState::kFiled ? report_.documents_filed : report_.documents_review) += 1;
      }
      const int blank = static_cast<int>(std::ranges::count_if(
          record.pages, [](const indexer::PageRecord& p) { return p.state == PageState::kDroppedBlank; }));
      if (blank > 0) line += ", " + std::to_string(blank) + " blank page(s) dropped";
      if (!missing.empty() && content > 0) {
        line += ", " + std::to_string(missing.size()) + " quarantined: " + missing.front();
      }
    }
    if (options_.on_batch_done) options_.on_batch_done(line);
  }

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
  std::set<std::string> taken_this_run_;  // content hashes; producer thread only
};

}  // namespace

Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options) {
  auto pool = ocr::EnginePool::create(options.workers, options.ocr);
  if (!pool) return std::unexpected(pool.error());
  return ingest(store, collection, options, **pool);
}

Result<IngestReport> ingest(indexer::Store& store, const scanners::Collection& collection,
                            const IngestOptions& options, ocr::EnginePool& pool) {
  Ingest run(store, options, pool);
  return run.run(collection);
}

}  // namespace chartroom::app
