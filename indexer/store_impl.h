// Private to indexer/: what Store holds, and helpers shared by its .cpp files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/sqlite_db.h"

namespace chartroom::indexer {

struct Store::Impl {
  std::filesystem::path root;
  Db db;
};

// The schema version this build writes; Store::open migrates up to it.
int current_schema_version();
// Applies every migration past PRAGMA user_version, each in its own transaction.
Status migrate(Db& db);

// Upserts page_work rows inside the caller's transaction (the filing one).
Status record_page_work(Db& db, const std::filesystem::path& root, const std::vector<PageRecord>& pages,
                        std::string_view batch);

// Appends one audit row inside the caller's transaction (hash chain).
Status append_audit(Db& db, std::string_view actor, std::string_view action, std::string_view object,
                    std::string_view detail);

std::string audit_hash(std::string_view prev, std::string_view at, std::string_view actor,
                       std::string_view action, std::string_view object, std::string_view detail);

// SHA-256 of a string, lower hex (libsodium must be initialised: see sodium_ready()).
std::string sha256_hex(std::string_view data);
Status sodium_ready();

// Now, as ISO 8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z").
std::string now_utc_iso();

// "documents/ab/abc123.pdf": where a document's PDF lives, relative to the store.
std::filesystem::path document_pdf_relative(std::string_view id);
// Ids become file names: only [A-Za-z0-9._-], at least 2 chars, not starting with '.'.
Status check_document_id(std::string_view id);

}  // namespace chartroom::indexer
