// indexer/: the records store. Owns the SQLite database and every file under
// the store folder; no other stage opens SQLite.
//
// Store layout:
//   DIR/chartroom.db            SQLite (WAL), schema versioned with PRAGMA user_version
//   DIR/documents/XX/ID.pdf     filed and in-review documents (XX = first 2 chars of ID)
//   DIR/documents/XX/ID.rN.pdf  the same after the N-th decision that changed its pages
//   DIR/quarantine/SHA/original a private copy of every quarantined input file
//   DIR/work/                   per-page PDFs and temp files; safe to delete when idle
//   DIR/audit.key               the audit log's HMAC key (0600; or $CHARTROOM_AUDIT_KEY)
//   DIR/audit.head              the newest audit entry after each commit (append-only)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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
  // The text layer the input PDF already had for this page ("" for images and
  // PDFs without one): OCR replaces it, it is kept for comparison (as
  // OCRmyPDF's --redo-ocr does) and never searched.
  std::string embedded_text;
  float ocr_confidence = 0;
  std::filesystem::path page_pdf;  // one-page searchable PDF from ocr/, if any
  std::vector<Barcode> barcodes;   // kept with the page state so a resumed run classifies alike
  // The words of the lines that hold an identifier (the rest are dropped to
  // keep pages small), so the evidence can say where each identifier is.
  std::vector<Word> words;
  int image_width = 0;  // the cleaned page image the words' boxes are in, in pixels
  int image_height = 0;
};

// A document to file: the pages of a batch it holds, in PDF order.
struct DocumentRecord {
  std::string id;  // stable, chosen by the caller (e.g. from the batch's content hash)
  DocumentState state = DocumentState::kReview;
  std::optional<PatientRef> patient;  // for review: best candidate, not filed to it
  std::optional<DocTypeRef> doc_type;
  std::vector<std::string> review_reasons;
  // What each review reason is about, parallel to review_reasons (see
  // review_kind below): the queue filters on it and rematching replaces only
  // the patient's reasons.
  std::vector<std::string> review_kinds;
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
  std::string source;     // the name the page was read under
  std::string file_hash;  // the content it came from: pages are keyed by (file_hash, index)
  std::vector<std::string> also_seen_as;  // other names the same content arrived under (pages() only)
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
  std::vector<std::string> review_kinds;  // parallel to review_reasons
  std::string batch;
  std::string created_at;  // ISO 8601 UTC
  std::string evidence_json;
  int revision = 0;  // how many decisions rewrote its PDF
  std::optional<std::string> decided_by;  // the person who decided last (none: chartroom alone)
  std::optional<std::string> decided_at;
  std::optional<std::string> merged_into;  // state merged: the document its pages went to
};

// The kinds of review reason (DocumentRecord::review_kinds).
namespace review_kind {
inline constexpr std::string_view kPatient = "patient";      // whose it is: unknown, unsure, contradicted
inline constexpr std::string_view kType = "type";            // its document type is not sure
inline constexpr std::string_view kBoundary = "boundary";    // where it begins or ends is not sure
inline constexpr std::string_view kQuality = "quality";      // a page should be rescanned or needs a look
inline constexpr std::string_view kIncomplete = "incomplete";  // a page next to it could not be read
inline constexpr std::string_view kSplit = "split";  // a person split or merged its pages: confirm its patient
inline constexpr std::string_view kReprocessed = "reprocessed";  // pages read again after the rest of their file was filed
inline constexpr std::string_view kSuperseded = "superseded";  // a scan that grew after its first pages were filed
}  // namespace review_kind

// Every kind of review reason, in the order the review station shows them.
inline constexpr std::string_view kReviewKinds[] = {review_kind::kPatient,    review_kind::kType,
                                                   review_kind::kBoundary,   review_kind::kQuality,
                                                   review_kind::kIncomplete, review_kind::kSplit,
                                                   review_kind::kReprocessed, review_kind::kSuperseded};

struct QueueQuery {
  std::string kind;  // one of kReviewKinds, or empty for every document in review
  int limit = 50;
  int offset = 0;
};

// `chartroom documents` with its filters, answered by the database.
struct DocumentQuery {
  std::optional<DocumentState> state;  // none: every state but merged
  std::string patient;                 // an MRN, or empty
  std::string type;                    // a document type label, or empty
  std::string since;                   // YYYY-MM-DD (UTC): received that day or later; or empty
  int limit = 0;                       // 0: no limit
  int offset = 0;
};

struct QueueCounts {
  int total = 0;  // documents in review
  std::vector<std::pair<std::string, int>> kinds;  // documents with a reason of each kind (kReviewKinds order)
};

// The kinds of a document's reasons: review_kinds, or for documents filed
// before kinds were recorded, worked out from each reason's wording.
std::vector<std::string> review_kinds_of(const DocumentRow& row);

// One decision a person (or rematching) made on a document, as `show` lists it.
struct HistoryRow {
  std::int64_t seq = 0;
  std::string document;
  std::string at;  // ISO 8601 UTC
  std::string actor;
  std::string action;  // "resolve", "move", "split", "merge", "set-type", "rotate", "reject", "rematch"
  std::optional<std::string> from_state, to_state, from_mrn, to_mrn;
  std::string detail;  // what changed, in words
  std::string reason;  // why, as the person gave it
  std::optional<std::string> pdf_before;  // the PDF before the decision (kept in the store)
};

// ---------------------------------------------------------------- decisions

enum class DecisionKind { kResolve, kMove, kSplit, kMerge, kSetType, kRotate, kReject, kRematch };
std::string_view decision_name(DecisionKind kind);  // "resolve", "move", ... as in HistoryRow::action

// What a person decided about a document. Each decision is one transaction:
// the PDFs it changes are written first under new names (documents/XX/ID.rN.pdf,
// fsynced, renamed), then the rows, the search text, the history and one
// audit row commit together; a crash leaves the store before or after it.
struct Decision {
  DecisionKind kind = DecisionKind::kResolve;
  std::string document;  // the document decided on (a full id)
  std::string other;     // merge: the document whose pages follow
  std::string mrn;       // resolve, move: the patient (must be in the index)
  std::string label;     // resolve (optional), set-type: the document type
  int page = 0;          // split: first page (1-based) of the new document; rotate: the page
  int degrees = 0;       // rotate: 90, 180 or 270, clockwise
  std::string actor;     // who decided (an operating-system or chartroom user name)
  std::string reason;    // why; required, never empty
  // rematch: what the matcher says now that the patient index changed.
  struct Rematch {
    std::optional<PatientRef> patient;  // best candidate
    bool file = false;                  // sure enough to file without a person
    std::vector<std::string> patient_reasons;  // the patient's review reasons now
    std::string evidence_json;          // the new evidence ("{}" keeps the old)
  } rematch;
};

struct DecisionResult {
  std::vector<std::string> changed;  // documents changed, the decided one first
  std::string summary;               // what was done, in words ("filed 3f9a… to MRN 00012345")
  std::vector<std::string> patients;  // MRNs of other documents it touched (merge, split), for the audit
};

// ---------------------------------------------------------------- users

enum class Role { kOperator, kReviewer, kAdmin };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::string name;
  Role role = Role::kOperator;
  bool disabled = false;
  std::string created_at;
  std::string created_by;
};

// ---------------------------------------------------------------- audit

// One access to patient data or change to the store, for the audit log.
struct AuditEntry {
  std::string actor;
  std::string action;  // "show", "show text", "search", "review resolve", ...
  std::string object;  // document id(s), a file, or ""
  std::string detail;  // what was shown or changed
  std::string reason;  // why (every decision has one)
  std::vector<std::string> patients;  // MRNs whose data it shows or changes; "*" = every patient
};

struct AuditQuery {
  std::string from;     // ISO 8601 UTC, inclusive ("" = the beginning)
  std::string to;       // exclusive ("" = now)
  std::string patient;  // only entries about this MRN (and listings of every patient)
};

// `chartroom search`: what a person typed, with the filters of `documents`.
// Words must all appear; "a phrase" in double quotes; a word ending in * is
// a prefix (at least 3 letters before it: hyperten*). Nothing typed is ever
// FTS5 syntax: each word or phrase is an FTS5 string.
struct SearchQuery {
  std::string text;
  DocumentQuery filters;  // state, patient, type, since; limit (0: every hit) and offset
};

struct SearchHit {
  std::string document;
  int pdf_page = 0;
  std::string snippet;  // with [matched] words bracketed
  double rank = 0;      // bm25: lower is better
  DocumentState state = DocumentState::kReview;
  std::optional<PatientRef> patient;  // filed: its patient; in review: the best candidate, if any
  std::optional<DocTypeRef> doc_type;
};

// A patient of the index, with how many documents are filed to them.
struct PatientListing {
  Patient patient;
  int documents = 0;  // filed (documents in review for them are not counted)
};

// `chartroom patients search`: by MRN (exact or its start), by name
// ("SMITH", "smith john", "SMITH, John": the start of the family name, then
// of the given name; case-insensitive) and by date of birth (YYYY-MM-DD, in
// `text` or `birth_date`). A family name of several words takes a comma
// ("DE LA CRUZ, Maria").
struct PatientQuery {
  std::string text;
  std::string birth_date;  // YYYY-MM-DD, or empty
  int limit = 50;
  int offset = 0;
};

struct FileStatus {
  std::string source;
  std::string hash;
  bool complete = false;  // every page in a terminal state
  bool quarantined = false;
  int pages = 0;  // pages the file holds (as decoded when it was taken)
  std::string batch;  // the batch it was taken in (its folder's, or its own name)
};

// A file that grew after it was taken, and where its earlier copy's pages went.
struct GrownFile {
  std::string source;
  std::string earlier_hash;
  int earlier_pages = 0;
  std::vector<std::string> earlier_documents;
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

// One entry of the append-only audit log (indexer/audit.cpp). Scheme 2:
// hash = HMAC-SHA-256, under a key kept outside the database, of seq,
// prev_hash and the fields; scheme 1 (older stores): SHA-256 of prev_hash and
// the fields. The first entry's prev_hash is 64 zeros.
struct AuditRow {
  std::int64_t seq = 0;
  std::string at;  // ISO 8601 UTC
  std::string actor;
  std::string action;
  std::string object;
  std::string detail;
  std::string prev_hash;
  std::string hash;
  int scheme = 2;
  std::string reason;
  std::vector<std::string> patients;
};

// Whether a page PDF left by an earlier run can be reused as it is: it opens
// without repair and has exactly one page. A page PDF cut short by a crash or
// overwritten by another writer fails, and its page is read again.
Status check_page_pdf(const std::filesystem::path& pdf);

// An exclusive claim on filing into one store, held while this object lives
// (flock on STORE/writer.lock). Two processes filing the same folder at once
// would read the same pages twice and file them as two documents, so every
// command that files (ingest, reprocess, watch) claims the store first. The
// kernel drops the claim when the process ends, so a crash or a kill -9
// never leaves a stale lock behind.
// One page of one input file, by content: the key of page_work.
struct PageKey {
  std::string file_hash;
  int page = 0;  // 0-based
};

struct OcrAttempts {
  int started = 0;  // runs that started reading the page, this one included
  int crashed = 0;  // runs that died inside OCR on it
};

class WriterClaim {
 public:
  WriterClaim() = default;
  explicit WriterClaim(int fd) : fd_(fd) {}
  WriterClaim(WriterClaim&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  WriterClaim& operator=(WriterClaim&& other) noexcept;
  ~WriterClaim();
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
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
  // Removes the temp files of writers that died between writing and renaming
  // (a writer's own, and a live one's, are kept). It walks documents/ and
  // work/, so only writers call it, once at their start; reads never pay.
  void remove_stale_temps() const;
  // Claims the store for filing (see WriterClaim); `who` names the command
  // ("chartroom ingest") for the message another writer gets. kConflict when
  // another process holds the claim: the message names it (its command, PID
  // and since when) and says what to do.
  Result<WriterClaim> claim_writing(std::string_view who) const;

  // Patients.
  Result<ImportReport> upsert_patients(const std::vector<Patient>& patients);
  Result<std::optional<Patient>> patient_by_mrn(std::string_view mrn);
  // Index lookups for patient matching (at most `limit` rows, by MRN).
  Result<std::vector<Patient>> patients_by_birth_date(std::string_view date, int limit);
  // `family` compared upper-case (ASCII) with the stored family name.
  Result<std::vector<Patient>> patients_by_family_name(std::string_view family, int limit);
  Result<std::int64_t> patient_family_name_count(std::string_view family);
  Result<int> patient_count();
  // The index in name order (family, given, MRN; case-insensitive), a page at
  // a time, and the patients a query finds in the same order
  // (indexer/patients_queries.cpp); kInvalidArgument for a query with
  // nothing to look for.
  Result<std::vector<PatientListing>> list_patients(int limit, int offset);
  Result<std::vector<PatientListing>> find_patients(const PatientQuery& query);

  // Has this content been ingested already (every page in a terminal state)?
  Result<std::optional<FileStatus>> file_by_hash(const std::string& hash);

  // Every name a content was seen under (indexer/file_history.cpp): filing
  // records the names of the files it files; `note_sighting` records a name
  // under which content already filed arrived again (and was skipped).
  Status note_sighting(const std::string& hash, const std::string& source);
  Result<std::vector<std::string>> sightings(const std::string& hash);  // first seen first

  // A scanner file that grew after chartroom took it (indexer/file_history.cpp):
  // `watch` notes it when the file it is about to archive is no longer the
  // content it filed; the next ingest of that name files the grown content to
  // review (review_kind::kSuperseded) instead of filing its first pages twice.
  Result<std::optional<std::string>> latest_hash_of_source(const std::string& source);
  Status note_grown_file(const std::string& source, const std::string& earlier_hash);
  Result<std::optional<GrownFile>> grown_file(const std::string& source);
  Status forget_grown_file(const std::string& source);

  // Files a batch: assembles each document's PDF from its page PDFs (qpdf),
  // writes it to a temp name, fsyncs and renames it into documents/, then
  // records files, pages, documents and search text in one transaction.
  // A crash at any point leaves the old state or the new one. Quarantined
  // files are hard-linked (or copied) into quarantine/. With `times`, says how
  // long each part took (`chartroom ingest --timings`).
  struct FilingTimes {
    double assemble_seconds = 0;  // the documents' PDFs put together from their pages (qpdf), to temp files
    double commit_seconds = 0;    // fsyncs, renames, quarantine copies and the transaction
  };
  Status file_batch(const BatchRecord& batch, FilingTimes* times = nullptr);

  // The durable page state machine (table page_work, keyed on file content
  // hash + page number). save_page commits one page's state before the next
  // step starts; save_pages commits several in one transaction; saved_page
  // reads one back so that a restarted run resumes where it stopped. Filing
  // (file_batch) sets the terminal state in its own transaction.
  Status save_page(const PageRecord& page, std::string_view batch);
  Status save_pages(const std::vector<PageRecord>& pages, std::string_view batch);
  Result<std::optional<PageRecord>> saved_page(const std::string& file_hash, int page);
  // Counts (and commits) one more start of OCR on a saved page and returns how
  // many runs have started it, and how many of those died of a crash or hang
  // inside OCR (record_ocr_crashes; a kill -9 or a power cut is not one).
  Result<OcrAttempts> start_ocr_attempt(const std::string& file_hash, int page);
  // Adds one crash inside OCR to each page (what the crash ledger of the runs
  // that died recorded), in one transaction; pages without progress are skipped.
  Status record_ocr_crashes(const std::vector<PageKey>& pages);
  Result<WorkStatus> work_status();
  // Where a page's one-page PDF waits for filing: DIR/work/pages/HA/HASH-N.pdf.
  std::filesystem::path page_pdf_path(const std::string& file_hash, int page) const;

  // Reading back (stable order: by source, then when its file was first seen,
  // then index / by creation, then id). Every page ever seen, each file's own:
  // a reused file name keeps the pages of each content it held.
  Result<std::vector<PageRow>> pages();
  // The pages recorded for one input file (by its content hash), in page order.
  Result<std::vector<PageRow>> file_pages(const std::string& hash);
  // Files that are quarantined, or have a page in quarantine, in the order
  // they were first seen (what `chartroom reprocess --quarantined` reads again).
  Result<std::vector<FileStatus>> quarantined_files();
  // Documents that hold pages (merged ones are left out; document() finds them).
  Result<std::vector<DocumentRow>> documents();
  // The review queue as the review station pages through it, answered by the
  // database (indexer/queue.cpp): oldest first, optionally only documents
  // with a reason of one kind (review_kind); and the count of each kind.
  Result<std::vector<DocumentRow>> review_queue(const QueueQuery& query);
  Result<QueueCounts> review_counts();
  // The documents of one batch in filing order (a document's neighbours, for
  // split and merge), and a patient's documents newest first (to find a misfile).
  Result<std::vector<DocumentRow>> batch_documents(std::string_view batch, int limit);
  Result<std::vector<DocumentRow>> patient_documents(std::string_view mrn, int limit);
  // Documents that pass every filter given, oldest first.
  Result<std::vector<DocumentRow>> find_documents(const DocumentQuery& query);
  // Documents in one state, oldest first (the review queue, the rejected list).
  Result<std::vector<DocumentRow>> documents_in_state(DocumentState state);
  Result<std::optional<DocumentRow>> document(std::string_view id);
  // The full id of the one document whose id starts with `prefix` (at least 4
  // characters, as git accepts a short commit id); kNotFound or kInvalidArgument
  // (two documents share the prefix) otherwise.
  Result<std::string> resolve_document_id(std::string_view prefix);
  // Every decision on a document, oldest first.
  Result<std::vector<HistoryRow>> document_history(std::string_view id);

  // Applies a person's decision (see Decision). Refused with kInvalidArgument
  // (the message says why and what to do) when it does not fit the document's
  // state: nothing is changed then.
  Result<DecisionResult> decide(const Decision& decision);

  // Users who may decide. Passwords are hashed with Argon2id (libsodium).
  Status add_user(const User& user, std::string_view password);
  Result<std::vector<User>> users();
  Result<std::optional<User>> user(std::string_view name);
  Status set_user_disabled(std::string_view name, bool disabled, std::string_view actor);
  // True when `password` is the user's and the user is not disabled.
  Result<bool> check_password(std::string_view name, std::string_view password);
  // Full-text search, best hits first, with its filters answered by the
  // database (indexer/search.cpp); kInvalidArgument for a bare * or a prefix
  // shorter than 3 letters.
  Result<std::vector<SearchHit>> search(const SearchQuery& query);
  Result<std::vector<SearchHit>> search(std::string_view query, int limit = 20);
  // The OCR text of each page of a document, in PDF order.
  Result<std::vector<std::string>> document_text(std::string_view id);
  // The input PDF's own text layer of each page of a document, in PDF order
  // ("" for a page that had none): what OCR replaced, for comparison.
  Result<std::vector<std::string>> document_embedded_text(std::string_view id);

  // Appends to the audit log (who, what, why); every read of patient data goes here.
  Status audit(std::string_view actor, std::string_view action, std::string_view object,
               std::string_view detail);
  Status audit(const AuditEntry& entry);
  // The audit log in order; the entries of a time span (and patient).
  Result<std::vector<AuditRow>> audit_log();
  Result<std::vector<AuditRow>> audit_rows(const AuditQuery& query);
  // Checks every entry's seal and the chain, and that the log reaches the
  // head file: kCorrupt names the first entry edited, deleted or inserted,
  // or says the tail was cut.
  Status verify_audit();

 private:
  Store();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chartroom::indexer
