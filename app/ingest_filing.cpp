// The end of a batch in an ingest run: documents decided and filed, every page
// counted in the report.
#include <algorithm>
#include <set>

#include "app/decide.h"
#include "app/ingest_internal.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

namespace detail {

void Ingest::finalize_guarded(BatchState& batch) {
  try {
    finalize(batch);
  } catch (const std::exception& e) {
    std::lock_guard lock(report_mutex_);
    report_.failures.push_back(batch.name + ": could not be recorded (" + e.what() +
                               "); nothing was filed for it; run ingest again");
  }
}

void Ingest::finalize(BatchState& batch) {
  if (!batch.failed.empty()) {
    std::lock_guard lock(report_mutex_);
    report_.failures.push_back(batch.name + ": not filed: " + batch.failed +
                               " (the pages done so far are kept; run again once this is fixed)");
    if (options_.on_batch_done) options_.on_batch_done(batch.name + ": NOT FILED: " + batch.failed);
    return;
  }
  StageClock::Span waiting(clock_, Stage::kWaitStore);
  std::lock_guard store_lock(store_mutex_);
  waiting.stop();
  StageClock::Span classifying(clock_, Stage::kClassify);
  indexer::BatchRecord record;
  record.name = batch.name;
  record.files = std::move(batch.files);
  record.pages.assign(std::make_move_iterator(batch.pages.begin()), std::make_move_iterator(batch.pages.end()));

  std::vector<PageText> texts(std::make_move_iterator(batch.texts.begin()),
                              std::make_move_iterator(batch.texts.end()));
  StoreIndex index(store_);
  DecideOptions decide;
  decide.match = options_.match;
  decide.engine_description = engine_description_;
  decide.type = options_.type;
  decide.type.model = options_.type_model.get();
  record.documents = decide_documents(record.pages, texts, index, batch.key, decide);
  if (batch.reread_partly) {
    // The rest of the file was filed without these pages: a person decides
    // whether they belong to a document already filed (merge) or stand alone.
    for (indexer::DocumentRecord& document : record.documents) {
      document.review_reasons.push_back(
          "read again by chartroom reprocess after the rest of its file was filed; check whether these pages "
          "belong to a document already filed (merge them into it) or stand on their own");
      document.review_kinds.emplace_back(indexer::review_kind::kReprocessed);
      document.state = DocumentState::kReview;
      for (int p : document.pages) record.pages[static_cast<std::size_t>(p)].state = PageState::kReview;
    }
  }
  for (const indexer::GrownFile& grown : batch.grown) {
    // Never filed twice: a person keeps one copy of the pages filed before.
    const std::string where = grown.earlier_documents.empty()
                                  ? std::string("earlier")
                                  : "in document " + join(grown.earlier_documents, ", ");
    for (indexer::DocumentRecord& document : record.documents) {
      document.review_reasons.push_back(
          "this scan grew after chartroom had taken it (the scanner paused, perhaps for a jam, then wrote more "
          "pages into the same file): its first " + std::to_string(grown.earlier_pages) +
          " page(s) were filed " + where + "; reject the pages that are here twice, then resolve the rest");
      document.review_kinds.emplace_back(indexer::review_kind::kSuperseded);
      document.state = DocumentState::kReview;
      for (int p : document.pages) record.pages[static_cast<std::size_t>(p)].state = PageState::kReview;
    }
  }
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

  classifying.stop();
  // classified: committed before filing starts.
  StageClock::Span committing(clock_, Stage::kCommit);
  std::vector<indexer::PageRecord> classified;
  for (const indexer::PageRecord& page : record.pages) {
    if (page.state == PageState::kFiled || page.state == PageState::kReview || page.state == PageState::kSeparator) {
      classified.push_back(page);
      classified.back().state = PageState::kClassified;
    }
  }
  auto filed = classified.empty() ? Status{} : store_.save_pages(classified, batch.name);
  committing.stop();
  indexer::Store::FilingTimes filing;
  if (filed) filed = store_.file_batch(record, &filing);
  clock_.add_seconds(Stage::kAssemble, filing.assemble_seconds);
  clock_.add_seconds(Stage::kCommit, filing.commit_seconds);
  {
    StageClock::Span tidying(clock_, Stage::kCommit);
    for (const indexer::GrownFile& grown : batch.grown) {
      if (filed) filed = store_.forget_grown_file(grown.source);  // its grown content is in review now
    }
    if (filed) {  // the documents hold them now
      std::error_code ec;
      for (const indexer::PageRecord& page : record.pages) {
        if (!page.page_pdf.empty()) fs::remove(page.page_pdf, ec);
      }
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

}  // namespace detail

}  // namespace chartroom::app
