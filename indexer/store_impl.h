// Private to indexer/: what Store holds, and helpers shared by its .cpp files.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "indexer/indexer.h"
#include "indexer/sqlite_db.h"

namespace chartroom::indexer {

using AuditKey = std::array<unsigned char, 32>;

// The key and head file of the audit log (indexer/audit.cpp).
struct AuditChain {
  std::filesystem::path key_path;   // STORE/audit.key, or $CHARTROOM_AUDIT_KEY
  std::filesystem::path head_path;  // STORE/audit.head
  std::optional<AuditKey> key;      // none: `problem` says why, and nothing can be audited
  std::string problem;
  std::int64_t head_written = 0;    // newest seq this process appended to the head file
};

struct Store::Impl {
  std::filesystem::path root;
  Db db;
  AuditChain audit;
};

// Reads the audit key (making one for a log no key has sealed yet).
AuditChain open_audit_chain(Db& db, const std::filesystem::path& root);

// The columns read_document reads, to prefix "WHERE ..." with; and the rows of
// a statement that selects them.
inline constexpr const char* kDocumentColumns =
    "SELECT id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf, page_count, "
    "review_reasons, batch, created_at, evidence, review_kinds, revision, decided_by, decided_at, merged_into "
    "FROM documents ";
Result<std::vector<DocumentRow>> collect_documents(Stmt& stmt);

// The one statement Store::search runs (indexer/search.cpp), for tests of its query plan.
const char* search_statement();
// The statements Store::list_patients and find_patients run (indexer/patients_queries.cpp).
std::string patients_statement(bool by_text, bool by_birth_date);

// The schema version this build writes; Store::open migrates up to it.
int current_schema_version();
// Applies every migration past PRAGMA user_version up to `target` (default:
// this build's), each in its own transaction. Tests make older stores with a
// lower target.
Status migrate(Db& db, int target);
inline Status migrate(Db& db) { return migrate(db, current_schema_version()); }

// Upserts page_work rows inside the caller's transaction (the filing one).
Status record_page_work(Db& db, const std::filesystem::path& root, const std::vector<PageRecord>& pages,
                        std::string_view batch);

// Appends one keyed audit row inside the caller's transaction.
Status append_audit(Db& db, AuditChain& chain, const AuditEntry& entry);
// Commits a transaction that appended audit rows, then records the newest
// row in the head file (best effort: a head that lags still verifies).
Status commit_audited(Transaction& tx, Db& db, AuditChain& chain);

// Bytes as lower-case hex (libsodium).
std::string to_hex(std::span<const unsigned char> bytes);
// SHA-256 of a string, lower hex (libsodium must be initialised: see sodium_ready()).
std::string sha256_hex(std::string_view data);
Status sodium_ready();

// Now, as ISO 8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z").
std::string now_utc_iso();

// JSON as stored in a column: compact, invalid UTF-8 replaced.
std::string dump(const nlohmann::json& j);

// One document row (also inside the caller's transaction).
Result<std::optional<DocumentRow>> load_document(Db& db, std::string_view id);

// "documents/ab/abc123.pdf": where a document's PDF lives, relative to the store.
std::filesystem::path document_pdf_relative(std::string_view id);
// Ids become file names: only [A-Za-z0-9._-], at least 2 chars, not starting with '.'.
Status check_document_id(std::string_view id);

}  // namespace chartroom::indexer
