// The decisions that change which pages a document holds or how they sit:
// split, merge, rotate. Each writes new PDF revisions first (see
// write_revision) and then moves the page rows and the search text, so that
// every page stays in exactly one document.
#include <algorithm>

#include "indexer/decisions_internal.h"

namespace chartroom::indexer::decisions {
namespace {

std::string pages_words(int first, int last) {
  return first == last ? "page " + std::to_string(first)
                       : "pages " + std::to_string(first) + "-" + std::to_string(last);
}

bool holds_pages(const DocumentRow& row) {
  return row.state == DocumentState::kReview || row.state == DocumentState::kFiled;
}

void add_reason(DocumentRow& row, std::string reason, std::string_view kind) {
  row.review_kinds = review_kinds_of(row);
  row.review_reasons.push_back(std::move(reason));
  row.review_kinds.emplace_back(kind);
}

}  // namespace

Result<DecisionResult> split(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (!holds_pages(row)) {
    return std::unexpected(refused("document " + row.id + " is " + std::string(document_state_name(row.state)) +
                                   "; only a document in review or filed can be split"));
  }
  const int n = row.pages;
  if (n < 2) return std::unexpected(refused("document " + row.id + " has one page; there is nothing to split"));
  if (d.page < 2 || d.page > n) {
    return std::unexpected(refused("document " + row.id + " has " + std::to_string(n) +
                                   " pages; --at is the first page of the new document, from 2 to " +
                                   std::to_string(n)));
  }
  auto picks = current_pages(ctx, row);
  if (!picks) return std::unexpected(picks.error());
  const int k = d.page;
  // Derived from the document and its revision: a retry after a crash makes the same id.
  const std::string new_id = hash_text(row.id + "|split|" + std::to_string(row.revision + 1)).substr(0, 16);
  auto clash = load_document(ctx.db, new_id);
  if (!clash) return std::unexpected(clash.error());
  if (clash->has_value()) {
    return fail(ErrorCode::kConflict, "the id for the new document (" + new_id + ") is taken; nothing was changed");
  }

  const std::vector<PdfPagePick> head(picks->begin(), picks->begin() + (k - 1));
  const std::vector<PdfPagePick> tail(picks->begin() + (k - 1), picks->end());
  auto head_pdf = write_revision(ctx, row.id, row.revision + 1, head);
  if (!head_pdf) return std::unexpected(head_pdf.error());
  auto tail_pdf = write_revision(ctx, new_id, 0, tail);
  if (!tail_pdf) return std::unexpected(tail_pdf.error());

  const DocumentRow before = row;
  DocumentRow part;
  part.id = new_id;
  part.state = DocumentState::kReview;
  part.pdf = *tail_pdf;
  part.pages = n - k + 1;
  part.batch = row.batch;
  part.created_at = row.created_at;  // its pages arrived then: it keeps its place in the queue
  part.decided_by = d.actor;
  part.decided_at = ctx.now;
  part.evidence_json = evidence_for_pages(row.evidence_json, k, n, -(k - 1), "split_from", row.id);
  add_reason(part,
             "split from document " + row.id + " (its " + pages_words(k, n) + ") by " + d.actor +
                 ": choose its patient and type",
             review_kind::kSplit);

  row.pages = k - 1;
  row.revision += 1;
  row.pdf = *head_pdf;
  row.decided_by = d.actor;
  row.decided_at = ctx.now;
  row.evidence_json = evidence_for_pages(row.evidence_json, 1, k - 1, 0, "", "");
  drop_reasons(row, review_kind::kBoundary);  // the person has said where it ends

  if (auto s = insert_document(ctx.db, part); !s) return std::unexpected(s.error());
  if (auto s = move_pages(ctx.db, row.id, k, n, new_id, -(k - 1)); !s) return std::unexpected(s.error());
  if (auto s = set_page_states(ctx, new_id, part.state); !s) return std::unexpected(s.error());
  if (auto s = save_document(ctx.db, row); !s) return std::unexpected(s.error());
  const std::string moved = pages_words(k, n);
  if (auto s = add_history(ctx, history_entry(before, row, "split", moved + " became document " + new_id)); !s) {
    return std::unexpected(s.error());
  }
  if (auto s = add_history(ctx, history_entry(part, part, "split",
                                           "made from " + moved + " of document " + row.id));
      !s) {
    return std::unexpected(s.error());
  }
  return DecisionResult{{row.id, new_id},
                        "split document " + row.id + ": its " + moved + " became document " + new_id +
                            ", in review",
                        {}};
}

Result<DecisionResult> merge(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (d.other.empty()) return std::unexpected(refused("name the document whose pages follow"));
  if (d.other == row.id) return std::unexpected(refused("a document cannot be merged with itself"));
  auto found = load_document(ctx.db, d.other);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return fail(ErrorCode::kNotFound, "no document " + d.other + " in the store");
  DocumentRow other = std::move(**found);
  for (const DocumentRow* doc : {&row, &other}) {
    if (!holds_pages(*doc)) {
      return std::unexpected(refused("document " + doc->id + " is " + std::string(document_state_name(doc->state)) +
                                     "; only documents in review or filed can be merged"));
    }
  }
  // Merging never changes whose pages are filed behind anyone's back.
  if (other.state == DocumentState::kFiled &&
      !(row.state == DocumentState::kFiled && row.patient && other.patient && row.patient->mrn == other.patient->mrn)) {
    return std::unexpected(refused("document " + other.id + " is filed to MRN " +
                                   (other.patient ? other.patient->mrn : std::string("?")) +
                                   "; only a document in review, or one filed to the same patient, can be merged "
                                   "into another (move it first)"));
  }
  auto first = current_pages(ctx, row);
  if (!first) return std::unexpected(first.error());
  auto second = current_pages(ctx, other);
  if (!second) return std::unexpected(second.error());
  std::vector<PdfPagePick> all = *first;
  all.insert(all.end(), second->begin(), second->end());
  auto pdf = write_revision(ctx, row.id, row.revision + 1, all);
  if (!pdf) return std::unexpected(pdf.error());

  const DocumentRow before = row;
  const DocumentRow other_before = other;
  const int n = row.pages;
  const int m = other.pages;
  row.pages = n + m;
  row.revision += 1;
  row.pdf = *pdf;
  row.decided_by = d.actor;
  row.decided_at = ctx.now;
  row.evidence_json = merge_evidence(row.evidence_json, other.evidence_json, n, m, other.id);
  if (row.state == DocumentState::kReview) {
    drop_reasons(row, review_kind::kBoundary);
    drop_reasons(other, review_kind::kBoundary);
    const std::vector<std::string> other_kinds = review_kinds_of(other);
    for (std::size_t i = 0; i < other.review_reasons.size(); ++i) {
      if (std::ranges::find(row.review_reasons, other.review_reasons[i]) != row.review_reasons.end()) continue;
      add_reason(row, other.review_reasons[i], other_kinds[i]);
    }
    add_reason(row, "pages of document " + other.id + " were merged in by " + d.actor + ": confirm its patient",
               review_kind::kSplit);
  }
  other.state = DocumentState::kMerged;
  other.merged_into = row.id;
  other.pages = 0;
  other.decided_by = d.actor;
  other.decided_at = ctx.now;

  if (auto s = move_pages(ctx.db, other.id, 1, m, row.id, n); !s) return std::unexpected(s.error());
  if (auto s = set_page_states(ctx, row.id, row.state); !s) return std::unexpected(s.error());
  if (auto s = save_document(ctx.db, row); !s) return std::unexpected(s.error());
  if (auto s = save_document(ctx.db, other); !s) return std::unexpected(s.error());
  const std::string pages = pages_words(n + 1, n + m);
  if (auto s = add_history(ctx, history_entry(before, row, "merge",
                                           "the pages of document " + other.id + " were added as " + pages));
      !s) {
    return std::unexpected(s.error());
  }
  if (auto s = add_history(ctx, history_entry(other_before, other, "merge",
                                           "its pages became " + pages + " of document " + row.id));
      !s) {
    return std::unexpected(s.error());
  }
  std::vector<std::string> patients;
  if (other_before.patient) patients.push_back(other_before.patient->mrn);
  return DecisionResult{{row.id, other.id},
                        "merged document " + other.id + " into " + row.id + " (as its " + pages + ")",
                        patients};
}

Result<DecisionResult> rotate(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (row.state == DocumentState::kMerged) {
    return std::unexpected(refused("document " + row.id + " was merged into " + row.merged_into.value_or("?") +
                                   "; rotate the page there"));
  }
  if (d.degrees != 90 && d.degrees != 180 && d.degrees != 270) {
    return std::unexpected(refused("--by must be 90, 180 or 270 (degrees, clockwise)"));
  }
  if (d.page < 1 || d.page > row.pages) {
    return std::unexpected(refused("document " + row.id + " has " + std::to_string(row.pages) +
                                   " pages; --page must be from 1 to " + std::to_string(row.pages)));
  }
  auto picks = current_pages(ctx, row);
  if (!picks) return std::unexpected(picks.error());
  (*picks)[static_cast<std::size_t>(d.page - 1)].rotate = d.degrees;
  auto pdf = write_revision(ctx, row.id, row.revision + 1, *picks);
  if (!pdf) return std::unexpected(pdf.error());
  const DocumentRow before = row;
  row.revision += 1;
  row.pdf = *pdf;
  row.decided_by = d.actor;
  row.decided_at = ctx.now;
  auto turn = ctx.db.prepare(
      "UPDATE pages SET orientation = (orientation + ?3) % 360 WHERE document_id = ?1 AND pdf_page = ?2",
      "recording a page's orientation");
  if (!turn) return std::unexpected(turn.error());
  turn->bind(1, row.id).bind(2, d.page).bind(3, d.degrees);
  if (auto s = turn->run(); !s) return std::unexpected(s.error());
  if (auto s = save_document(ctx.db, row); !s) return std::unexpected(s.error());
  const std::string detail = "page " + std::to_string(d.page) + " turned " + std::to_string(d.degrees) +
                             " degrees clockwise";
  if (auto s = add_history(ctx, history_entry(before, row, "rotate", detail)); !s) return std::unexpected(s.error());
  return DecisionResult{{row.id}, "document " + row.id + ": " + detail, {}};
}

}  // namespace chartroom::indexer::decisions
