// What the store knows of input files by name: the names each content was
// seen under (file_sightings, schema v12) and the scanner files that grew
// after chartroom took them (grown_files, v11).
#include "indexer/store_impl.h"

namespace chartroom::indexer {

Status Store::note_sighting(const std::string& hash, const std::string& source) {
  // Read first: a resumed migration walks thousands of files already filed,
  // and a name already known needs no write.
  auto known = impl_->db.prepare("SELECT 1 FROM file_sightings WHERE hash = ?1 AND source = ?2",
                                 "looking up where a file was seen");
  if (!known) return std::unexpected(known.error());
  known->bind(1, hash).bind(2, source);
  auto row = known->step();
  if (!row) return std::unexpected(row.error());
  if (*row) return {};
  auto stmt = impl_->db.prepare("INSERT OR IGNORE INTO file_sightings(hash, source, first_seen) VALUES (?1, ?2, ?3)",
                                "recording where a file was seen");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, hash).bind(2, source).bind(3, now_utc_iso());
  auto done = stmt->step();
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<std::string>> Store::sightings(const std::string& hash) {
  auto stmt = impl_->db.prepare("SELECT source FROM file_sightings WHERE hash = ?1 ORDER BY first_seen, source",
                                "reading where a file was seen");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, hash);
  return stmt->first_column_texts();
}

Result<std::optional<std::string>> Store::latest_hash_of_source(const std::string& source) {
  // Every name counts, not only the one a content was first filed under: a
  // content skipped as already filed under another name can grow before it
  // is archived too.
  auto stmt = impl_->db.prepare(
      "SELECT hash FROM file_sightings WHERE source = ?1 ORDER BY first_seen DESC, hash LIMIT 1",
      "looking up a file by its name");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, source);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->text(0));
}

Status Store::note_grown_file(const std::string& source, const std::string& earlier_hash) {
  auto stmt = impl_->db.prepare(
      "INSERT OR REPLACE INTO grown_files(source, earlier_hash, noted_at) VALUES (?1, ?2, ?3)",
      "noting a file that grew after it was taken");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, source).bind(2, earlier_hash).bind(3, now_utc_iso());
  auto done = stmt->step();
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::optional<GrownFile>> Store::grown_file(const std::string& source) {
  auto stmt = impl_->db.prepare("SELECT earlier_hash FROM grown_files WHERE source = ?1",
                                "looking up a file that grew after it was taken");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, source);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<GrownFile>();
  GrownFile grown{source, stmt->text(0), 0, {}};
  auto pages = impl_->db.prepare(
      "SELECT count(*), group_concat(DISTINCT document_id) FROM pages WHERE file_hash = ?1",
      "reading the pages of the earlier copy");
  if (!pages) return std::unexpected(pages.error());
  pages->bind(1, grown.earlier_hash);
  auto counted = pages->step();
  if (!counted) return std::unexpected(counted.error());
  if (*counted) {
    grown.earlier_pages = static_cast<int>(pages->integer(0));
    std::string ids = pages->text(1);
    for (std::size_t at = 0; at < ids.size();) {
      const std::size_t comma = std::min(ids.find(',', at), ids.size());
      if (comma > at) grown.earlier_documents.push_back(ids.substr(at, comma - at));
      at = comma + 1;
    }
  }
  return std::optional<GrownFile>(std::move(grown));
}

Status Store::forget_grown_file(const std::string& source) {
  auto stmt = impl_->db.prepare("DELETE FROM grown_files WHERE source = ?1", "forgetting a grown file");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, source);
  auto done = stmt->step();
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace chartroom::indexer
