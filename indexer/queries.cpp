// Reading the store back: pages, documents, text, search, file status.
#include <nlohmann/json.hpp>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace {

constexpr const char* kDocumentColumns =
    "SELECT id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf, page_count, "
    "review_reasons, batch, created_at, evidence FROM documents ";

DocumentRow read_document(const Stmt& s) {
  DocumentRow d;
  d.id = s.text(0);
  d.state = s.text(1) == "filed" ? DocumentState::kFiled : DocumentState::kReview;
  if (!s.is_null(2)) d.patient = PatientRef{s.text(2), s.real(3)};
  if (!s.is_null(4)) d.doc_type = DocTypeRef{s.text(4), s.real(5)};
  d.pdf = s.text(6);
  d.pages = static_cast<int>(s.integer(7));
  // Written by file_batch as a JSON array of strings; tolerate damage rather than hide the document.
  const auto reasons = nlohmann::json::parse(s.text(8), nullptr, false);
  if (reasons.is_array()) {
    for (const auto& r : reasons) {
      if (r.is_string()) d.review_reasons.push_back(r.get<std::string>());
    }
  }
  d.batch = s.text(9);
  d.created_at = s.text(10);
  d.evidence_json = s.text(11);
  return d;
}

Result<std::vector<DocumentRow>> collect_documents(Stmt& stmt) {
  std::vector<DocumentRow> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read_document(stmt));
  }
}

// Plain words -> "w1" "w2" (all must match); a query wrapped in quotes -> one
// phrase. Every token is an FTS5 string, so no user input is ever FTS syntax.
std::string fts_quote(std::string_view token) {
  std::string out = "\"";
  for (char c : token) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string fts_query(std::string_view query) {
  const std::string q = trim(query);
  if (q.size() >= 2 && q.front() == '"' && q.back() == '"') {
    return fts_quote(std::string_view(q).substr(1, q.size() - 2));
  }
  std::string out;
  std::size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    const std::size_t start = i;
    while (i < q.size() && !std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    if (i > start) {
      if (!out.empty()) out.push_back(' ');
      out += fts_quote(std::string_view(q).substr(start, i - start));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<PageRow>> Store::pages() {
  auto stmt = impl_->db.prepare(
      "SELECT source, idx, state, document_id, pdf_page, orientation, skew, blank, reason FROM pages "
      "ORDER BY source, idx",
      "listing pages");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<PageRow> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    PageRow p;
    p.source = stmt->text(0);
    p.index = static_cast<int>(stmt->integer(1));
    p.state = parse_page_state(stmt->text(2)).value_or(PageState::kReceived);
    p.document = stmt->optional_text(3);
    if (!stmt->is_null(4)) p.pdf_page = static_cast<int>(stmt->integer(4));
    p.orientation = static_cast<int>(stmt->integer(5));
    p.skew = stmt->real(6);
    p.blank = stmt->integer(7) != 0;
    p.reason = stmt->optional_text(8);
    out.push_back(std::move(p));
  }
}

Result<std::vector<DocumentRow>> Store::documents() {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) + "ORDER BY created_at, id", "listing documents");
  if (!stmt) return std::unexpected(stmt.error());
  return collect_documents(*stmt);
}

Result<std::optional<DocumentRow>> Store::document(std::string_view id) {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) + "WHERE id = ?1", "reading a document");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, id);
  auto rows = collect_documents(*stmt);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<DocumentRow>();
  return std::optional<DocumentRow>(std::move(rows->front()));
}

Result<std::vector<std::string>> Store::document_text(std::string_view id) {
  auto stmt = impl_->db.prepare(
      "SELECT text FROM page_text WHERE document_id = ?1 ORDER BY CAST(pdf_page AS INTEGER)",
      "reading a document's text");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, id);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

Result<std::vector<SearchHit>> Store::search(std::string_view query, int limit) {
  const std::string match = fts_query(query);
  if (match.empty() || limit <= 0) return std::vector<SearchHit>();
  auto stmt = impl_->db.prepare(
      "SELECT document_id, pdf_page, snippet(page_text, 2, '[', ']', '…', 12), bm25(page_text) "
      "FROM page_text WHERE page_text MATCH ?1 ORDER BY bm25(page_text) LIMIT ?2",
      "searching the text");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, match).bind(2, limit);
  std::vector<SearchHit> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back({stmt->text(0), static_cast<int>(stmt->integer(1)), stmt->text(2), stmt->real(3)});
  }
}

Result<std::optional<FileStatus>> Store::file_by_hash(const std::string& hash) {
  auto file = impl_->db.prepare("SELECT source, page_count, quarantined FROM files WHERE hash = ?1",
                                "looking up a file");
  if (!file) return std::unexpected(file.error());
  file->bind(1, hash);
  auto row = file->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<FileStatus>();
  const int expected_pages = static_cast<int>(file->integer(1));
  FileStatus status{file->text(0), hash, false, file->integer(2) != 0, expected_pages};

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
