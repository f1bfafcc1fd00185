// Private to indexer/: the pieces every decision is made of (decisions.cpp
// dispatches; decisions_pages.cpp holds the decisions that move pages).
#pragma once

#include <string>
#include <vector>

#include "indexer/pdf_assembly.h"
#include "indexer/store_impl.h"

namespace chartroom::indexer::decisions {

// What one decision sees and writes, inside its transaction.
struct Context {
  Db& db;
  const std::filesystem::path& root;
  const Decision& decision;
  std::string now;
};

// A refusal: the decision does not fit the document; nothing was changed.
Error refused(const std::string& message);

// Drops the reasons of one kind (row.review_reasons and review_kinds stay parallel).
void drop_reasons(DocumentRow& row, std::string_view kind);

// The state a document's pages carry.
PageState page_state_for(DocumentState state);

// Checks that the document's PDF has the pages the store records, and picks them.
Result<std::vector<PdfPagePick>> current_pages(const Context& ctx, const DocumentRow& row);
// Writes the next revision of a document's PDF (documents/XX/ID.rN.pdf; a new
// document's first is documents/XX/ID.pdf), durable before the rows say so.
// Returns its path relative to the store.
Result<std::string> write_revision(const Context& ctx, const std::string& id, int revision,
                                   const std::vector<PdfPagePick>& pages);

// Rows.
Status save_document(Db& db, const DocumentRow& row);
Status insert_document(Db& db, const DocumentRow& row);
// Moves pages first..last (1-based pdf_page) of `from` to `to`, shifting their
// page numbers by `offset`, in the pages table and the search text.
Status move_pages(Db& db, std::string_view from, int first, int last, std::string_view to, int offset);
// Sets the state of every page of a document (pages and page_work).
Status set_page_states(const Context& ctx, std::string_view document, DocumentState state);
Status add_history(const Context& ctx, const HistoryRow& row);
// A history row for a decision that turned `before` into `after`.
HistoryRow history_entry(const DocumentRow& before, const DocumentRow& after, std::string_view action,
                         std::string detail);

// Evidence: the identifiers of pages first..last (1-based), renumbered from 1 + offset.
std::string evidence_for_pages(const std::string& evidence_json, int first, int last, int offset,
                               const std::string& note_key, const std::string& note);
// Evidence of `into` (its first `offset` pages) followed by `other`'s (`other_pages` pages).
std::string merge_evidence(const std::string& into, const std::string& other, int offset, int other_pages,
                           const std::string& other_id);

// The decisions that move pages (decisions_pages.cpp).
Result<DecisionResult> split(Context& ctx, DocumentRow& row);
Result<DecisionResult> merge(Context& ctx, DocumentRow& row);
Result<DecisionResult> rotate(Context& ctx, DocumentRow& row);

}  // namespace chartroom::indexer::decisions
