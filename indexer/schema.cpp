// Schema migrations, keyed on PRAGMA user_version. Append a step to add a
// version; never edit a released one (stores in the field already ran it).
#include <algorithm>
#include <array>
#include <string>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace {

constexpr const char* kV1 = R"sql(
CREATE TABLE patients(
  mrn TEXT PRIMARY KEY NOT NULL,
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  middle_name TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('F','M','O','U')),
  updated_at TEXT NOT NULL
);
-- classify/ matches read names and dates against up to millions of patients.
CREATE INDEX patients_by_name ON patients(family_name, given_name);
CREATE INDEX patients_by_birth_date ON patients(birth_date);

CREATE TABLE files(
  hash TEXT PRIMARY KEY NOT NULL,
  source TEXT NOT NULL,
  size INTEGER NOT NULL,
  page_count INTEGER NOT NULL,
  quarantined INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  first_seen TEXT NOT NULL
);

CREATE TABLE documents(
  id TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('filed','review')),
  patient_mrn TEXT,
  patient_confidence REAL,
  doc_type TEXT,
  doc_type_confidence REAL,
  pdf TEXT NOT NULL,
  page_count INTEGER NOT NULL,
  review_reasons TEXT NOT NULL DEFAULT '[]',
  batch TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX documents_by_created ON documents(created_at, id);
CREATE INDEX documents_by_patient ON documents(patient_mrn);
CREATE INDEX documents_by_state ON documents(state);

CREATE TABLE pages(
  source TEXT NOT NULL,
  idx INTEGER NOT NULL,
  file_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  document_id TEXT REFERENCES documents(id),
  pdf_page INTEGER,
  orientation INTEGER NOT NULL DEFAULT 0,
  skew REAL NOT NULL DEFAULT 0,
  blank INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  ocr_confidence REAL,
  PRIMARY KEY(source, idx)
);
CREATE INDEX pages_by_file ON pages(file_hash);
CREATE INDEX pages_by_document ON pages(document_id, pdf_page);

CREATE VIRTUAL TABLE page_text USING fts5(
  document_id UNINDEXED, pdf_page UNINDEXED, text,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Append-only: the hash chain detects tampering, the triggers refuse the easy kind.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Version 2: patient matching looks names up upper-cased (classify/).
constexpr const char* kV2PatientNameKey = R"sql(
CREATE INDEX patients_by_family_upper ON patients(upper(family_name));
)sql";

// The durable page state machine: one row per input page (file content hash +
// page number), committed at each step (received, cleaned, read, classified)
// and set to its terminal state in the filing transaction. A restarted run
// resumes from it; `chartroom status` reads the queue from it.
// Version 3.
constexpr const char* kV3PageWork = R"sql(
CREATE TABLE page_work(
  file_hash TEXT NOT NULL,
  page INTEGER NOT NULL,
  source TEXT NOT NULL,
  batch TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  orientation INTEGER NOT NULL DEFAULT 0,
  skew REAL NOT NULL DEFAULT 0,
  blank INTEGER NOT NULL DEFAULT 0,
  needs_rescan INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL DEFAULT '',
  barcodes TEXT NOT NULL DEFAULT '[]',
  ocr_confidence REAL NOT NULL DEFAULT 0,
  page_pdf TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY(file_hash, page)
);
CREATE INDEX page_work_by_state ON page_work(state, created_at);
CREATE INDEX page_work_by_updated ON page_work(updated_at);
)sql";

// How many times a run started reading each page (Store::start_ocr_attempt):
// a page that keeps killing the process (a crash or hang inside Tesseract) is
// given up after a few runs instead of stopping the service over and over.
// Version 4.
constexpr const char* kV4OcrAttempts = R"sql(
ALTER TABLE page_work ADD COLUMN ocr_attempts INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 5: the decisions of a person (issue "Decisions").
// - documents may be `rejected` (not for this facility, rescan requested) or
//   `merged` into another document; SQLite cannot change a CHECK constraint,
//   so the table is rebuilt (the documented 12-step way: foreign keys are off
//   while migrations run, see Store::open). New columns: the kind of each
//   review reason (parallel to review_reasons), the PDF's revision (a decision
//   that changes pages writes documents/XX/ID.rN.pdf; earlier revisions stay),
//   who decided last and when, and the document a merged one went into.
// - document_history: one row per decision on a document (append-only).
// - users: who may decide (Argon2id password hashes from libsodium).
// - audit: rows of scheme 2 are keyed (HMAC-SHA-256 with a key kept outside
//   the database) and carry their sequence number, the reason and the
//   patients whose data they concern; scheme 1 rows (plain SHA-256 chain)
//   are kept and still verified.
constexpr const char* kV5Decisions = R"sql(
CREATE TABLE documents_v5(
  id TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('filed','review','rejected','merged')),
  patient_mrn TEXT,
  patient_confidence REAL,
  doc_type TEXT,
  doc_type_confidence REAL,
  pdf TEXT NOT NULL,
  page_count INTEGER NOT NULL,
  review_reasons TEXT NOT NULL DEFAULT '[]',
  batch TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  review_kinds TEXT NOT NULL DEFAULT '[]',
  revision INTEGER NOT NULL DEFAULT 0,
  decided_by TEXT,
  decided_at TEXT,
  merged_into TEXT
);
INSERT INTO documents_v5(id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf,
                         page_count, review_reasons, batch, evidence, created_at)
  SELECT id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf, page_count,
         review_reasons, batch, evidence, created_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v5 RENAME TO documents;
CREATE INDEX documents_by_created ON documents(created_at, id);
CREATE INDEX documents_by_patient ON documents(patient_mrn);
CREATE INDEX documents_by_state ON documents(state, created_at);

CREATE TABLE document_history(
  seq INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  from_mrn TEXT,
  to_mrn TEXT,
  detail TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  pdf_before TEXT
);
CREATE INDEX document_history_by_document ON document_history(document_id, seq);
CREATE TRIGGER document_history_no_update BEFORE UPDATE ON document_history
  BEGIN SELECT RAISE(ABORT, 'the document history is append-only'); END;
CREATE TRIGGER document_history_no_delete BEFORE DELETE ON document_history
  BEGIN SELECT RAISE(ABORT, 'the document history is append-only'); END;

CREATE TABLE users(
  name TEXT PRIMARY KEY NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator','reviewer','admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

ALTER TABLE audit ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN patients TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_by_at ON audit(at);
)sql";

// Version 6: where the identifiers are on the page, for the review station.
// - page_work keeps the words of the lines that hold an identifier (JSON
//   array of {"text","x","y","width","height","line","confidence"}) and the
//   pixel size of the cleaned page image their boxes are in, so a resumed
//   page locates its identifiers too.
// - documents_by_batch: a batch's documents, for listing a document's neighbours;
//   documents_review_queue: the review station's queue pages and counts.
constexpr const char* kV6WordBoxes = R"sql(
ALTER TABLE page_work ADD COLUMN words TEXT NOT NULL DEFAULT '[]';
ALTER TABLE page_work ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE page_work ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_by_batch ON documents(batch, created_at);
-- The review queue (indexer/queue.cpp) read from the index alone: the order,
-- the filter on the kinds and their counts never touch the table.
CREATE INDEX documents_review_queue ON documents(state, created_at, id, review_kinds);
)sql";

// Version 7: `chartroom patients list|search` (indexer/patients_queries.cpp)
// read the index in name order, case-insensitive, and by the start of a
// family name. With the MRN last, listing a page walks this index without a
// sort. It also answers matching's upper(family_name) = ? lookups, so the
// version-2 index on that alone would only slow imports down.
constexpr const char* kV7PatientNameOrder = R"sql(
CREATE INDEX patients_by_name_upper ON patients(upper(family_name), upper(given_name), mrn);
DROP INDEX patients_by_family_upper;
)sql";

// Version 8 (issue 23, a million pages): page_text's document_id is an
// UNINDEXED column of the FTS5 table, so replacing or reading one document's
// text scanned all the text ever filed. page_text_rows is the index FTS5
// cannot have: the FTS rowid of each (document, page), found by primary key.
constexpr const char* kV8PageTextRows = R"sql(
CREATE TABLE page_text_rows(
  document_id TEXT NOT NULL,
  pdf_page INTEGER NOT NULL,
  text_rowid INTEGER NOT NULL,
  PRIMARY KEY(document_id, pdf_page)
) WITHOUT ROWID;
INSERT OR REPLACE INTO page_text_rows(document_id, pdf_page, text_rowid)
  SELECT document_id, CAST(pdf_page AS INTEGER), rowid FROM page_text;
)sql";

// Version 9: page_work keeps the text layer an input PDF already had for the
// page (OCR replaces it; it is kept for comparison, as OCRmyPDF's --redo-ocr
// does, and shown by `chartroom show`). '' for images and PDFs without one.
constexpr const char* kV9EmbeddedText = R"sql(
ALTER TABLE page_work ADD COLUMN embedded_text TEXT NOT NULL DEFAULT '';
)sql";

// Version 10: how many runs died of a crash or a hang while reading each page
// (a fatal signal inside OCR, recorded by the crash ledger, app/ocr_crashes.cpp).
// ocr_attempts keeps counting every start; only crashes give a page up, so a
// kill -9, the OOM killer or a power cut never quarantines a healthy page.
constexpr const char* kV10OcrCrashes = R"sql(
ALTER TABLE page_work ADD COLUMN ocr_crashes INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 11: files by source (which content a scanner's file name held
// before), and the scanner files that grew after chartroom took them (a
// scanner that paused, for a jam, and then wrote more pages into the same
// file): the grown content is filed to review, never filed twice.
constexpr const char* kV11GrownFiles = R"sql(
CREATE INDEX files_by_source ON files(source, first_seen);
CREATE TABLE grown_files(
  source TEXT PRIMARY KEY NOT NULL,
  earlier_hash TEXT NOT NULL,
  noted_at TEXT NOT NULL
);
)sql";

// Version 12 (issue 23, the page ledger): pages are keyed by their content,
// (file hash, page), not by the file's name. Scanners reuse names after a
// counter reset and migrations mount the next box at the same path; keyed by
// name, a new file overwrote the earlier file's page rows, so `pages` lost
// pages ever seen, and the earlier content, arriving again under another name,
// looked unfiled and was filed a second time. `source` stays, as the name the
// page was read under. file_sightings keeps every name each content was seen
// under, with when, as history.
constexpr const char* kV12PagesByContent = R"sql(
CREATE TABLE pages_by_content(
  file_hash TEXT NOT NULL,
  idx INTEGER NOT NULL,
  source TEXT NOT NULL,
  state TEXT NOT NULL,
  document_id TEXT REFERENCES documents(id),
  pdf_page INTEGER,
  orientation INTEGER NOT NULL DEFAULT 0,
  skew REAL NOT NULL DEFAULT 0,
  blank INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  ocr_confidence REAL,
  PRIMARY KEY(file_hash, idx)
);
-- One content under two names (possible only by reprocessing): keep the row
-- that is in a document.
INSERT OR IGNORE INTO pages_by_content(file_hash, idx, source, state, document_id, pdf_page, orientation, skew,
                                       blank, reason, ocr_confidence)
  SELECT file_hash, idx, source, state, document_id, pdf_page, orientation, skew, blank, reason, ocr_confidence
  FROM pages ORDER BY document_id IS NULL, source;
DROP TABLE pages;
ALTER TABLE pages_by_content RENAME TO pages;
CREATE INDEX pages_by_document ON pages(document_id, pdf_page);
CREATE INDEX pages_by_source ON pages(source, idx);
CREATE TABLE file_sightings(
  hash TEXT NOT NULL,
  source TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  PRIMARY KEY(hash, source)
) WITHOUT ROWID;
CREATE INDEX file_sightings_by_source ON file_sightings(source, first_seen);
INSERT OR IGNORE INTO file_sightings(hash, source, first_seen) SELECT hash, source, first_seen FROM files;
)sql";

// Index i takes the store from version i to version i + 1.
constexpr std::array kMigrations{kV1,           kV2PatientNameKey, kV3PageWork,         kV4OcrAttempts,
                                 kV5Decisions, kV6WordBoxes,      kV7PatientNameOrder, kV8PageTextRows,
                                 kV9EmbeddedText, kV10OcrCrashes,   kV11GrownFiles,      kV12PagesByContent};

Result<int> user_version(Db& db) {
  auto stmt = db.prepare("PRAGMA user_version", "reading the schema version");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? static_cast<int>(stmt->integer(0)) : 0;
}

}  // namespace

int current_schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db, int target) {
  auto version = user_version(db);
  if (!version) return std::unexpected(version.error());
  if (*version > current_schema_version()) {
    return fail(ErrorCode::kDatabase, "the store at " + db.path() + " has schema version " +
                                          std::to_string(*version) + " but this chartroom knows only up to " +
                                          std::to_string(current_schema_version()) +
                                          "; upgrade chartroom to open it");
  }
  for (int v = *version; v < std::min(target, current_schema_version()); ++v) {
    const std::string what = "migrating the schema to version " + std::to_string(v + 1);
    auto tx = Transaction::begin(db, what);
    if (!tx) return std::unexpected(tx.error());
    // Re-check inside the write lock: another process may have migrated meanwhile.
    auto now = user_version(db);
    if (!now) return std::unexpected(now.error());
    if (*now > v) continue;
    if (auto s = db.exec(kMigrations[static_cast<std::size_t>(v)], what); !s) return s;
    // PRAGMA takes no bound parameters; the number is ours, not user input.
    const std::string set = "PRAGMA user_version = " + std::to_string(v + 1);
    if (auto s = db.exec(set.c_str(), what); !s) return s;
    // A rebuilt table must leave every reference intact (foreign keys are
    // off while migrating, so check by hand before committing).
    auto check = db.prepare("PRAGMA foreign_key_check", what);
    if (!check) return std::unexpected(check.error());
    auto broken = check->step();
    if (!broken) return std::unexpected(broken.error());
    if (*broken) {
      return fail(ErrorCode::kDatabase, "migrating the store at " + db.path() + " to version " +
                                            std::to_string(v + 1) + " would break a reference in table " +
                                            check->text(0) + "; nothing was changed");
    }
    check.value().reset();
    if (auto s = tx->commit(); !s) return s;
  }
  return {};
}

}  // namespace chartroom::indexer
