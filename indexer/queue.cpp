// Listings answered by the database, never by filtering in memory: the review
// queue as the review station pages through it (one covering index, so a
// store of 100,000 documents in review answers as fast as one of ten), a
// batch's and a patient's documents, and `chartroom documents` with filters.
#include <algorithm>
#include <string>

#include "indexer/store_impl.h"

namespace chartroom::indexer {

namespace {

bool known_kind(std::string_view kind) { return std::ranges::find(kReviewKinds, kind) != std::end(kReviewKinds); }

}  // namespace

Result<std::vector<DocumentRow>> Store::review_queue(const QueueQuery& query) {
  if (!query.kind.empty() && !known_kind(query.kind)) {
    return fail(ErrorCode::kInvalidArgument, "'" + query.kind + "' is not a kind of review reason");
  }
  // The page's ids from the index alone (review_kinds is a JSON array of the
  // fixed words of kReviewKinds: a quoted word matches exactly one of them),
  // then those rows.
  auto stmt = impl_->db.prepare(
      std::string(kDocumentColumns) +
          "WHERE id IN (SELECT id FROM documents INDEXED BY documents_review_queue WHERE state = 'review' AND "
          "(?1 = '' OR review_kinds LIKE '%\"' || ?1 || '\"%') ORDER BY created_at, id LIMIT ?2 OFFSET ?3) "
          "ORDER BY created_at, id",
      "reading the review queue");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, query.kind).bind(2, std::clamp(query.limit, 1, 500)).bind(3, std::max(0, query.offset));
  return collect_documents(*stmt);
}

Result<QueueCounts> Store::review_counts() {
  // Documents share few combinations of kinds: count each combination from
  // the index, then add them up by kind.
  auto stmt = impl_->db.prepare(
      "SELECT review_kinds, count(*) FROM documents INDEXED BY documents_review_queue WHERE state = 'review' "
      "GROUP BY review_kinds",
      "counting the review queue");
  if (!stmt) return std::unexpected(stmt.error());
  QueueCounts counts;
  for (std::string_view kind : kReviewKinds) counts.kinds.emplace_back(kind, 0);
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const std::string kinds = stmt->text(0);
    const int n = static_cast<int>(stmt->integer(1));
    counts.total += n;
    for (auto& [kind, count] : counts.kinds) {
      if (kinds.find("\"" + kind + "\"") != std::string::npos) count += n;
    }
  }
  return counts;
}

Result<std::vector<DocumentRow>> Store::batch_documents(std::string_view batch, int limit) {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) +
                                    "WHERE batch = ?1 AND state != 'merged' ORDER BY created_at, id LIMIT ?2",
                                "listing a batch's documents");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, batch).bind(2, std::clamp(limit, 1, 1000));
  return collect_documents(*stmt);
}

Result<std::vector<DocumentRow>> Store::patient_documents(std::string_view mrn, int limit) {
  auto stmt = impl_->db.prepare(std::string(kDocumentColumns) +
                                    "WHERE patient_mrn = ?1 AND state != 'merged' ORDER BY created_at DESC, id "
                                    "LIMIT ?2",
                                "listing a patient's documents");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, mrn).bind(2, std::clamp(limit, 1, 1000));
  return collect_documents(*stmt);
}

Result<std::vector<DocumentRow>> Store::find_documents(const DocumentQuery& query) {
  auto stmt = impl_->db.prepare(
      std::string(kDocumentColumns) +
          "WHERE state != 'merged' AND (?1 = '' OR state = ?1) AND (?2 = '' OR patient_mrn = ?2) AND "
          "(?3 = '' OR doc_type = ?3) AND (?4 = '' OR created_at >= ?4) ORDER BY created_at, id LIMIT ?5 OFFSET ?6",
      "listing documents");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, query.state ? std::string(document_state_name(*query.state)) : std::string());
  stmt->bind(2, query.patient).bind(3, query.type).bind(4, query.since);
  stmt->bind(5, query.limit > 0 ? query.limit : -1).bind(6, std::max(0, query.offset));
  return collect_documents(*stmt);
}

}  // namespace chartroom::indexer
