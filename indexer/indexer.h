// indexer/: the records store. Owns the SQLite database and every file under
// the store folder; no other stage opens SQLite.
//
// Store layout:
//   DIR/chartroom.db            SQLite (WAL), schema versioned with PRAGMA user_version
//   DIR/documents/XX/ID.pdf     filed and in-review documents (XX = first 2 chars of ID)
//   DIR/quarantine/SHA/NAME     a hard link (or copy) of every quarantined input file
//   DIR/work/                   per-page PDFs and temp files; safe to delete when idle
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::indexer {

// SHA-256 of a file's content, lower-case hex (libsodium). Streams the file.
// Links are not followed (see OpenedFile).
Result<std::string> content_hash(const std::filesystem::path& path);
// The same through a file already opened, from its first byte to its end.
Result<std::string> content_hash(const OpenedFile& file);
// SHA-256 of a string, lower-case hex (for ids derived from content).
std::string hash_text(std::string_view text);

// ---------------------------------------------------------------- patient import

struct ImportProblem {
  int line = 0;  // 1-based line in the CSV (0 for FHIR entries)
  std::string message;  // "line 14: birth_date '1985-13-02' is not a date (YYYY-MM-DD)"
};

struct ImportReport {
  int imported = 0;  // new patients
  int updated = 0;   // existing MRNs whose details changed or were re-sent
  std::vector<ImportProblem> problems;  // rows skipped
};

// Parses a patient CSV (header row; columns mrn,family_name,given_name,
// birth_date,sex in any order; middle_name optional; other columns ignored).
Result<std::vector<Patient>> parse_patients_csv(std::string_view text, std::vector<ImportProblem>& problems);
// Parses a FHIR R4 Bundle of Patient resources (MRN = identifier with type.coding code MR).
Result<std::vector<Patient>> parse_patients_fhir(std::string_view json, std::vector<ImportProblem>& problems);

// ---------------------------------------------------------------- filing

// One input page as the pipeline saw it.
struct PageRecord {
  PageRef ref;
  std::string file_hash;  // content hash of the source file
  PageState state = PageState::kReceived;
  int orientation = 0;
  double skew = 0;
  bool blank = false;
  std::string reason;  // empty = none
  // Capture found the page unfit (blurred, dark, cut off, too low a resolution):
  // its document goes to review and the operator is told to rescan.
  bool needs_rescan = false;
  std::string text;    // OCR text (for search); empty if not read
  float ocr_confidence = 0;
  std::filesystem::path page_pdf;  // one-page searchable PDF from ocr/, if any
  std::vector<Barcode> barcodes;   // kept with the page state so a resumed run classifies alike
};

// A document to file: the pages of a batch it holds, in PDF order.
struct DocumentRecord {
  std::string id;  // stable, chosen by the caller (e.g. from the batch's content hash)
  DocumentState state = DocumentState::kReview;
  std::optional<PatientRef> patient;  // for review: best candidate, not filed to it
  std::optional<DocTypeRef> doc_type;
  std::vector<std::string> review_reasons;
  std::vector<int> pages;  // indexes into BatchRecord::pages
  std::string evidence_json = "{}";  // why the decisions were made (identifiers found, scores)
};

// An input file the pipeline looked at.
struct FileRecord {
  std::string source;  // as given by the user
  std::string hash;
  std::uint64_t size = 0;
  int page_count = 0;
  bool quarantined = false;
  std::string reason;  // why quarantined
  std::filesystem::path path;  // where it is now (for linking into quarantine/)
};

struct BatchRecord {
  std::string name;
  std::vector<FileRecord> files;
  std::vector<PageRecord> pages;
  std::vector<DocumentRecord> documents;
};

// ---------------------------------------------------------------- reading back

struct PageRow {
  std::string source;
  int index = 0;
  PageState state = PageState::kReceived;
  std::optional<std::string> document;
  std::optional<int> pdf_page;
  int orientation = 0;
  double skew = 0;
  bool blank = false;
  std::optional<std::string> reason;
};

struct DocumentRow {
  std::string id;
  DocumentState state = DocumentState::kReview;
  std::optional<PatientRef> patient;
  std::optional<DocTypeRef> doc_type;
  std::string pdf;  // relative to the store
  int pages = 0;
  std::vector<std::string> review_reasons;
  std::string batch;
  std::string created_at;  // ISO 8601 UTC
  std::string evidence_json;
};

struct SearchHit {
  std::string document;
  int pdf_page = 0;
  std::string snippet;  // with [matched] words bracketed
  double rank = 0;
};

struct FileStatus {
  std::string source;
  std::string hash;
  bool complete = false;  // every page in a terminal state
  bool quarantined = false;
  int pages = 0;  // pages the file holds (as decoded when it was taken)
};

// The page queue as `chartroom status` shows it (from the page state machine).
struct WorkStatus {
  std::vector<std::pair<PageState, int>> waiting;  // pages not yet terminal, by state
  std::vector<std::pair<PageState, int>> finished;  // terminal pages, by state (all time)
  int finished_last_10_min = 0;
  int finished_last_hour = 0;
  int quarantined_last_day = 0;
  std::optional<std::string> oldest_waiting_source;  // the file of the oldest page not yet terminal
  std::optional<std::string> oldest_waiting_since;   // ISO 8601 UTC
  std::vector<std::string> recent_errors;            // newest first: quarantine reasons (at most 5)
};

// One entry of the append-only audit log. hash = SHA-256 over prev_hash and
// the fields (unit-separated); the first entry's prev_hash is 64 zeros.
struct AuditRow {
  std::int64_t seq = 0;
  std::string at;  // ISO 8601 UTC
  std::string actor;
  std::string action;
  std::string object;
  std::string detail;
  std::string prev_hash;
  std::string hash;
};

class Store {
 public:
  // Opens (creating if needed) the store at `root`: folders with mode 0700,
  // database 0600, schema migrated to the current version.
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& root);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& root() const;
  std::filesystem::path work_dir() const;  // DIR/work, for per-page PDFs

  // Patients.
  Result<ImportReport> upsert_patients(const std::vector<Patient>& patients);
  Result<std::optional<Patient>> patient_by_mrn(std::string_view mrn);
  // Index lookups for patient matching (at most `limit` rows, by MRN).
  Result<std::vector<Patient>> patients_by_birth_date(std::string_view date, int limit);
  // `family` compared upper-case (ASCII) with the stored family name.
  Result<std::vector<Patient>> patients_by_family_name(std::string_view family, int limit);
  Result<int> patient_count();

  // Has this content been ingested already (every page in a terminal state)?
  Result<std::optional<FileStatus>> file_by_hash(const std::string& hash);

  // Files a batch: assembles each document's PDF from its page PDFs (qpdf),
  // writes it to a temp name, fsyncs and renames it into documents/, then
  // records files, pages, documents and search text in one transaction.
  // A crash at any point leaves the old state or the new one. Quarantined
  // files are hard-linked (or copied) into quarantine/.
  Status file_batch(const BatchRecord& batch);

  // The durable page state machine (table page_work, keyed on file content
  // hash + page number). save_page commits one page's state before the next
  // step starts; save_pages commits several in one transaction; saved_page
  // reads one back so that a restarted run resumes where it stopped. Filing
  // (file_batch) sets the terminal state in its own transaction.
  Status save_page(const PageRecord& page, std::string_view batch);
  Status save_pages(const std::vector<PageRecord>& pages, std::string_view batch);
  Result<std::optional<PageRecord>> saved_page(const std::string& file_hash, int page);
  // Counts (and commits) one more start of OCR on a saved page and returns how
  // many runs have started it: more than one means earlier runs died while
  // reading it.
  Result<int> start_ocr_attempt(const std::string& file_hash, int page);
  Result<WorkStatus> work_status();
  // Where a page's one-page PDF waits for filing: DIR/work/pages/HA/HASH-N.pdf.
  std::filesystem::path page_pdf_path(const std::string& file_hash, int page) const;

  // Reading back (stable order: by source, then index / by creation, then id).
  Result<std::vector<PageRow>> pages();
  Result<std::vector<DocumentRow>> documents();
  Result<std::optional<DocumentRow>> document(std::string_view id);
  Result<std::vector<SearchHit>> search(std::string_view query, int limit = 20);
  // The OCR text of each page of a document, in PDF order.
  Result<std::vector<std::string>> document_text(std::string_view id);

  // Appends to the audit log (who, what, why); every read of patient data goes here.
  Status audit(std::string_view actor, std::string_view action, std::string_view object,
               std::string_view detail);
  // The audit log in order, and a check of its hash chain (kCorrupt names the first altered entry).
  Result<std::vector<AuditRow>> audit_log();
  Status verify_audit();

 private:
  Store();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chartroom::indexer
