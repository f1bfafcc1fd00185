// Reading the store back: pages, documents, text, file status (search: indexer/search.cpp).
#include <map>

#include <nlohmann/json.hpp>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace {

std::vector<std::string> string_array(const std::string& json_text) {
  std::vector<std::string> out;
  // Written by chartroom as a JSON array of strings; tolerate damage rather than hide the document.
  const auto parsed = nlohmann::json::parse(json_text, nullptr, false);
  if (parsed.is_array()) {
    for (const auto& r : parsed) {
      if (r.is_string()) out.push_back(r.get<std::string>());
    }
  }
  return out;
}

DocumentRow read_document(const Stmt& s) {
  DocumentRow d;
  d.id = s.text(0);
  d.state = parse_document_state(s.text(1)).value_or(DocumentState::kReview);
  if (!s.is_null(2)) d.patient = PatientRef{s.text(2), s.real(3)};
  if (!s.is_null(4)) d.doc_type = DocTypeRef{s.text(4), s.real(5)};
  d.pdf = s.text(6);
  d.pages = static_cast<int>(s.integer(7));
  d.review_reasons = string_array(s.text(8));
  d.batch = s.text(9);
  d.created_at = s.text(10);
  d.evidence_json = s.text(11);
  d.review_kinds = string_array(s.text(12));
  d.revision = static_cast<int>(s.integer(13));
  d.decided_by = s.optional_text(14);
  d.decided_at = s.optional_text(15);
  d.merged_into = s.optional_text(16);
  return d;
}

}  // namespace

Result<std::vector<DocumentRow>> collect_documents(Stmt& stmt) {
  std::vector<DocumentRow> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read_document(stmt));
  }
}

namespace {

// The batch a file was taken in, as its pages' progress records it.
constexpr const char* kFileBatch =
    "COALESCE((SELECT batch FROM page_work w WHERE w.file_hash = files.hash ORDER BY page LIMIT 1), source)";

constexpr const char* kPageColumns =
    "SELECT p.source, p.idx, p.state, p.document_id, p.pdf_page, p.orientation, p.skew, p.blank, p.reason, "
    "p.file_hash FROM pages p ";

Result<std::vector<PageRow>> collect_pages(Stmt& stmt) {
  std::vector<PageRow> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    PageRow p;
    p.source = stmt.text(0);
    p.index = static_cast<int>(stmt.integer(1));
    p.state = parse_page_state(stmt.text(2)).value_or(PageState::kReceived);
    p.document = stmt.optional_text(3);
    if (!stmt.is_null(4)) p.pdf_page = static_cast<int>(stmt.integer(4));
    p.orientation = static_cast<int>(stmt.integer(5));
    p.skew = stmt.real(6);
    p.blank = stmt.integer(7) != 0;
    p.reason = stmt.optional_text(8);
    p.file_hash = stmt.text(9);
    out.push_back(std::move(p));
  }
}

}  // namespace

Result<std::vector<PageRow>> Store::pages() {
  auto stmt = impl_->db.prepare(std::string(kPageColumns) +
                                    "LEFT JOIN files f ON f.hash = p.file_hash ORDER BY p.source, f.first_seen, "
                                    "p.file_hash, p.idx",
                                "listing pages");
  if (!stmt) return std::unexpected(stmt.error());
  auto pages = collect_pages(*stmt);
  if (!pages) return pages;
  // The other names each content arrived under, read once for all pages.
  auto seen = impl_->db.prepare("SELECT hash, source FROM file_sightings ORDER BY hash, first_seen, source",
                                "reading where files were seen");
  if (!seen) return std::unexpected(seen.error());
  std::map<std::string, std::vector<std::string>> names;
  for (;;) {
    auto row = seen->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    names[seen->text(0)].push_back(seen->text(1));
  }
  for (PageRow& page : *pages) {
    auto it = names.find(page.file_hash);
    if (it == names.end()) continue;
    for (const std::string& name : it->second) {
      if (name != page.source) page.also_seen_as.push_back(name);
    }
  }
  return pages;
}

Result<std::vector<PageRow>> Store::file_pages(const std::string& hash) {
  auto stmt = impl_->db.prepare(std::string(kPageColumns) + "WHERE p.file_hash = ?1 ORDER BY p.idx",
                                "listing a file's pages");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, hash);
  return collect_pages(*stmt);
}

Result<std::vector<FileStatus>> Store::quarantined_files() {
  auto stmt = impl_->db.prepare(
      std::string("SELECT source, hash, page_count, quarantined, ") + kFileBatch +
          " FROM files WHERE quarantined = 1 OR hash IN "
          "(SELECT file_hash FROM pages WHERE state = 'quarantined') ORDER BY first_seen, source",
      "listing quarantined files");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<FileStatus> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back({stmt->text(0), stmt->text(1), false, stmt->integer(3) != 0, static_cast<int>(stmt->integer(2)),
                   stmt->text(4)});
  }
}

Result<std::vector<DocumentRow>> Store::documents() {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) + "WHERE state != 'merged' ORDER BY created_at, id",
                                "listing documents");
  if (!stmt) return std::unexpected(stmt.error());
  return collect_documents(*stmt);
}

Result<std::vector<DocumentRow>> Store::documents_in_state(DocumentState state) {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) + "WHERE state = ?1 ORDER BY created_at, id",
                                "listing documents");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, document_state_name(state));
  return collect_documents(*stmt);
}

Result<std::string> Store::resolve_document_id(std::string_view prefix) {
  const bool usable = prefix.size() >= 4 && prefix.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string_view::npos;
  if (!usable) {
    return fail(ErrorCode::kInvalidArgument, "'" + std::string(prefix) +
                                                 "' is not a document id (give at least its first 4 characters)");
  }
  // GLOB is case-sensitive, so SQLite answers it from the primary key.
  auto stmt = impl_->db.prepare("SELECT id FROM documents WHERE id GLOB ?1 || '*' ORDER BY id LIMIT 3",
                                "looking up a document id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, prefix);
  auto found = stmt->first_column_texts();
  if (!found) return std::unexpected(found.error());
  const std::vector<std::string>& ids = *found;
  if (ids.empty()) {
    return fail(ErrorCode::kNotFound, "no document " + std::string(prefix) + " in " + impl_->root.string());
  }
  if (ids.size() > 1 && ids.front() != prefix) {
    return fail(ErrorCode::kInvalidArgument, "more than one document starts with " + std::string(prefix) + " (" +
                                                 ids[0] + ", " + ids[1] + (ids.size() > 2 ? ", ..." : "") +
                                                 "); give more of the id");
  }
  return ids.front();
}

Result<std::vector<HistoryRow>> Store::document_history(std::string_view id) {
  auto stmt = impl_->db.prepare(
      "SELECT seq, document_id, at, actor, action, from_state, to_state, from_mrn, to_mrn, detail, reason, "
      "pdf_before FROM document_history WHERE document_id = ?1 ORDER BY seq",
      "reading a document's history");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, id);
  std::vector<HistoryRow> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    HistoryRow h;
    h.seq = stmt->integer(0);
    h.document = stmt->text(1);
    h.at = stmt->text(2);
    h.actor = stmt->text(3);
    h.action = stmt->text(4);
    h.from_state = stmt->optional_text(5);
    h.to_state = stmt->optional_text(6);
    h.from_mrn = stmt->optional_text(7);
    h.to_mrn = stmt->optional_text(8);
    h.detail = stmt->text(9);
    h.reason = stmt->text(10);
    h.pdf_before = stmt->optional_text(11);
    out.push_back(std::move(h));
  }
}

Result<std::optional<DocumentRow>> Store::document(std::string_view id) { return load_document(impl_->db, id); }

Result<std::optional<DocumentRow>> load_document(Db& db, std::string_view id) {
  auto stmt = db.prepare(std::string(kDocumentColumns) + "WHERE id = ?1", "reading a document");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, id);
  auto rows = collect_documents(*stmt);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<DocumentRow>();
  return std::optional<DocumentRow>(std::move(rows->front()));
}

namespace {

// One text per row of a statement over one document's pages, in page order.
Result<std::vector<std::string>> page_texts(Db& db, const char* sql, const char* what, std::string_view id) {
  auto stmt = db.prepare(sql, what);
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, id);
  return stmt->first_column_texts();
}

}  // namespace

Result<std::vector<std::string>> Store::document_text(std::string_view id) {
  return page_texts(impl_->db,
                    "SELECT t.text FROM page_text_rows r JOIN page_text t ON t.rowid = r.text_rowid "
                    "WHERE r.document_id = ?1 ORDER BY r.pdf_page",
                    "reading a document's text", id);
}

Result<std::vector<std::string>> Store::document_embedded_text(std::string_view id) {
  return page_texts(impl_->db,
                    "SELECT COALESCE(w.embedded_text, '') FROM pages p LEFT JOIN page_work w ON w.file_hash = "
                    "p.file_hash AND w.page = p.idx WHERE p.document_id = ?1 ORDER BY p.pdf_page",
                    "reading a document's embedded text", id);
}

Result<std::optional<FileStatus>> Store::file_by_hash(const std::string& hash) {
  auto file = impl_->db.prepare(std::string("SELECT source, page_count, quarantined, ") + kFileBatch +
                                    " FROM files WHERE hash = ?1",
                                "looking up a file");
  if (!file) return std::unexpected(file.error());
  file->bind(1, hash);
  auto row = file->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<FileStatus>();
  const int expected_pages = static_cast<int>(file->integer(1));
  FileStatus status{file->text(0), hash, false, file->integer(2) != 0, expected_pages, file->text(3)};

  auto pages = impl_->db.prepare("SELECT state FROM pages WHERE file_hash = ?1", "reading a file's pages");
  if (!pages) return std::unexpected(pages.error());
  pages->bind(1, hash);
  int terminal = 0;
  int seen = 0;
  for (;;) {
    auto page = pages->step();
    if (!page) return std::unexpected(page.error());
    if (!*page) break;
    ++seen;
    const auto state = parse_page_state(pages->text(0));
    if (state && is_terminal(*state)) ++terminal;
  }
  // A quarantined file is done even if none of its pages could be read.
  status.complete = status.quarantined || (seen >= expected_pages && terminal == seen && seen > 0);
  return std::optional<FileStatus>(std::move(status));
}

}  // namespace chartroom::indexer
