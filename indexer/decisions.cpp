// Store::decide: a person's decision on a document, in one transaction. The
// write lock is taken first (BEGIN IMMEDIATE), so two reviewers deciding on
// the same document at once are served one after the other, each seeing the
// other's result. PDFs a decision changes are written under new names before
// the rows point at them: a crash leaves at most an unreferenced file, and
// the store is before or after the decision, never between.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "indexer/decisions_internal.h"

namespace chartroom::indexer {
namespace fs = std::filesystem;
using nlohmann::json;

std::string_view decision_name(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kResolve: return "resolve";
    case DecisionKind::kMove: return "move";
    case DecisionKind::kSplit: return "split";
    case DecisionKind::kMerge: return "merge";
    case DecisionKind::kSetType: return "set-type";
    case DecisionKind::kRotate: return "rotate";
    case DecisionKind::kReject: return "reject";
    case DecisionKind::kRematch: return "rematch";
  }
  return "decision";
}

std::vector<std::string> review_kinds_of(const DocumentRow& row) {
  if (row.review_kinds.size() == row.review_reasons.size()) return row.review_kinds;
  std::vector<std::string> kinds;
  for (const std::string& r : row.review_reasons) {
    // The wording app/decide.cpp used before kinds were recorded.
    if (r.starts_with("its document type is not sure") || r.starts_with("no document type could be recognised")) {
      kinds.emplace_back(review_kind::kType);
    } else if (r.starts_with("where this document begins or ends is not sure")) {
      kinds.emplace_back(review_kind::kBoundary);
    } else if (r.find(" should be rescanned: ") != std::string::npos || r.find(" needs a look: ") != std::string::npos) {
      kinds.emplace_back(review_kind::kQuality);
    } else if (r.starts_with("a page next to this document could not be read")) {
      kinds.emplace_back(review_kind::kIncomplete);
    } else {
      kinds.emplace_back(review_kind::kPatient);
    }
  }
  return kinds;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

namespace decisions {

Error refused(const std::string& message) { return Error{ErrorCode::kInvalidArgument, message}; }

void drop_reasons(DocumentRow& row, std::string_view kind) {
  const std::vector<std::string> kinds = review_kinds_of(row);
  std::vector<std::string> reasons;
  std::vector<std::string> kept_kinds;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == kind) continue;
    reasons.push_back(row.review_reasons[i]);
    kept_kinds.push_back(kinds[i]);
  }
  row.review_reasons = std::move(reasons);
  row.review_kinds = std::move(kept_kinds);
}

PageState page_state_for(DocumentState state) {
  switch (state) {
    case DocumentState::kFiled: return PageState::kFiled;
    case DocumentState::kRejected: return PageState::kRejected;
    case DocumentState::kReview:
    case DocumentState::kMerged: break;
  }
  return PageState::kReview;
}

Result<std::vector<PdfPagePick>> current_pages(const Context& ctx, const DocumentRow& row) {
  const fs::path pdf = ctx.root / row.pdf;
  auto count = pdf_page_count(pdf);
  if (!count) return std::unexpected(count.error());
  if (*count != row.pages) {
    return fail(ErrorCode::kCorrupt, "the PDF of document " + row.id + " (" + pdf.string() + ") has " +
                                         std::to_string(*count) + " pages but the store records " +
                                         std::to_string(row.pages) + "; nothing was changed");
  }
  std::vector<PdfPagePick> picks;
  for (int i = 0; i < row.pages; ++i) {
    picks.push_back({pdf, i, 0, "page " + std::to_string(i + 1) + " of document " + row.id});
  }
  return picks;
}

Result<std::string> write_revision(const Context& ctx, const std::string& id, int revision,
                                   const std::vector<PdfPagePick>& pages) {
  fs::path relative = document_pdf_relative(id);
  if (revision > 0) relative.replace_filename(id + ".r" + std::to_string(revision) + ".pdf");
  const fs::path final_path = ctx.root / relative;
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  fs::permissions(final_path.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot create " + final_path.parent_path().string() + ": " + ec.message());
  const fs::path temp = unique_temp_path(final_path);
  if (auto s = compose_pdf(pages, temp); !s) return std::unexpected(s.error());
  if (auto s = commit_file_atomic(temp, final_path); !s) {
    fs::remove(temp, ec);
    return std::unexpected(s.error());
  }
  return relative.string();
}

namespace {

void bind_document(Stmt& stmt, const DocumentRow& row) {
  stmt.bind(1, row.id).bind(2, document_state_name(row.state));
  if (row.patient) stmt.bind(3, row.patient->mrn).bind(4, row.patient->confidence);
  else stmt.bind_null(3).bind_null(4);
  if (row.doc_type) stmt.bind(5, row.doc_type->label).bind(6, row.doc_type->confidence);
  else stmt.bind_null(5).bind_null(6);
  stmt.bind(7, row.pdf).bind(8, row.pages).bind(9, dump(json(row.review_reasons)));
  stmt.bind(10, dump(json(row.review_kinds))).bind(11, row.evidence_json.empty() ? "{}" : row.evidence_json);
  stmt.bind(12, row.revision).bind(13, row.decided_by).bind(14, row.decided_at).bind(15, row.merged_into);
  stmt.bind(16, row.batch).bind(17, row.created_at);
}

}  // namespace

Status save_document(Db& db, const DocumentRow& row) {
  auto stmt = db.prepare(
      "UPDATE documents SET state = ?2, patient_mrn = ?3, patient_confidence = ?4, doc_type = ?5, "
      "doc_type_confidence = ?6, pdf = ?7, page_count = ?8, review_reasons = ?9, review_kinds = ?10, "
      "evidence = ?11, revision = ?12, decided_by = ?13, decided_at = ?14, merged_into = ?15, batch = ?16, "
      "created_at = ?17 WHERE id = ?1",
      "recording a decision");
  if (!stmt) return std::unexpected(stmt.error());
  bind_document(*stmt, row);
  return stmt->run();
}

Status insert_document(Db& db, const DocumentRow& row) {
  auto stmt = db.prepare(
      "INSERT INTO documents(id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf, "
      "page_count, review_reasons, review_kinds, evidence, revision, decided_by, decided_at, merged_into, batch, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
      "recording a new document");
  if (!stmt) return std::unexpected(stmt.error());
  bind_document(*stmt, row);
  return stmt->run();
}

Status move_pages(Db& db, std::string_view from, int first, int last, std::string_view to, int offset) {
  auto pages = db.prepare(
      "UPDATE pages SET document_id = ?4, pdf_page = pdf_page + ?5 "
      "WHERE document_id = ?1 AND pdf_page BETWEEN ?2 AND ?3",
      "moving pages between documents");
  if (!pages) return std::unexpected(pages.error());
  pages->bind(1, from).bind(2, first).bind(3, last).bind(4, to).bind(5, offset);
  if (auto s = pages->run(); !s) return s;
  // The FTS rows by rowid, through page_text_rows (schema v8), then the rows themselves.
  auto text = db.prepare(
      "UPDATE page_text SET document_id = ?4, pdf_page = CAST(pdf_page AS INTEGER) + ?5 WHERE rowid IN "
      "(SELECT text_rowid FROM page_text_rows WHERE document_id = ?1 AND pdf_page BETWEEN ?2 AND ?3)",
      "moving the search text of pages");
  if (!text) return std::unexpected(text.error());
  text->bind(1, from).bind(2, first).bind(3, last).bind(4, to).bind(5, offset);
  if (auto s = text->run(); !s) return s;
  auto rows = db.prepare(
      "UPDATE page_text_rows SET document_id = ?4, pdf_page = pdf_page + ?5 "
      "WHERE document_id = ?1 AND pdf_page BETWEEN ?2 AND ?3",
      "moving the search text of pages");
  if (!rows) return std::unexpected(rows.error());
  rows->bind(1, from).bind(2, first).bind(3, last).bind(4, to).bind(5, offset);
  return rows->run();
}

Status set_page_states(const Context& ctx, std::string_view document, DocumentState state) {
  const std::string_view name = page_state_name(page_state_for(state));
  auto work = ctx.db.prepare(
      "UPDATE page_work SET state = ?2, updated_at = ?3 WHERE EXISTS (SELECT 1 FROM pages p WHERE "
      "p.document_id = ?1 AND p.file_hash = page_work.file_hash AND p.idx = page_work.page)",
      "recording page states");
  if (!work) return std::unexpected(work.error());
  work->bind(1, document).bind(2, name).bind(3, ctx.now);
  if (auto s = work->run(); !s) return s;
  auto pages = ctx.db.prepare("UPDATE pages SET state = ?2 WHERE document_id = ?1", "recording page states");
  if (!pages) return std::unexpected(pages.error());
  pages->bind(1, document).bind(2, name);
  return pages->run();
}

Status add_history(const Context& ctx, const HistoryRow& row) {
  auto stmt = ctx.db.prepare(
      "INSERT INTO document_history(document_id, at, actor, action, from_state, to_state, from_mrn, to_mrn, "
      "detail, reason, pdf_before) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      "recording a document's history");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, row.document).bind(2, ctx.now).bind(3, ctx.decision.actor).bind(4, row.action);
  stmt->bind(5, row.from_state).bind(6, row.to_state).bind(7, row.from_mrn).bind(8, row.to_mrn);
  stmt->bind(9, row.detail).bind(10, ctx.decision.reason).bind(11, row.pdf_before);
  return stmt->run();
}

namespace {
std::optional<std::string> mrn_of(const DocumentRow& row) {
  return row.patient ? std::optional(row.patient->mrn) : std::nullopt;
}
}  // namespace

HistoryRow history_entry(const DocumentRow& before, const DocumentRow& after, std::string_view action, std::string detail) {
  HistoryRow h;
  h.document = after.id;
  h.action = std::string(action);
  h.from_state = std::string(document_state_name(before.state));
  h.to_state = std::string(document_state_name(after.state));
  h.from_mrn = mrn_of(before);
  h.to_mrn = mrn_of(after);
  h.detail = std::move(detail);
  if (before.pdf != after.pdf) h.pdf_before = before.pdf;
  return h;
}

namespace {

json parse_object(const std::string& text) {
  json j = json::parse(text.empty() ? "{}" : text, nullptr, false);
  return j.is_object() ? j : json::object();
}

}  // namespace

std::string evidence_for_pages(const std::string& evidence_json, int first, int last, int offset,
                               const std::string& note_key, const std::string& note) {
  json evidence = parse_object(evidence_json);
  if (evidence.contains("identifiers") && evidence["identifiers"].is_array()) {
    json kept = json::array();
    for (json id : evidence["identifiers"]) {
      const int page = id.value("page", 0);
      if (page < first || page > last) continue;
      id["page"] = page + offset;
      kept.push_back(std::move(id));
    }
    evidence["identifiers"] = std::move(kept);
  }
  for (const char* key : {"pages", "page_sizes"}) {  // one entry per page
    if (!evidence.contains(key) || !evidence[key].is_array()) continue;
    json kept = json::array();
    for (int i = first; i <= last && i <= static_cast<int>(evidence[key].size()); ++i) {
      kept.push_back(evidence[key][static_cast<std::size_t>(i - 1)]);
    }
    evidence[key] = std::move(kept);
  }
  if (!note_key.empty()) evidence[note_key] = note;
  return dump(evidence);
}

namespace {

// A document's page sizes, one per page; unknown ({0, 0}) in evidence written
// before they were recorded.
json page_sizes(const json& evidence, int pages) {
  if (evidence.contains("page_sizes") && evidence["page_sizes"].is_array()) return evidence["page_sizes"];
  json sizes = json::array();
  for (int i = 0; i < pages; ++i) sizes.push_back({{"width", 0}, {"height", 0}});
  return sizes;
}

}  // namespace

std::string merge_evidence(const std::string& into, const std::string& other, int offset, int other_pages,
                           const std::string& other_id) {
  json a = parse_object(into);
  const json b = parse_object(other);
  if (a.contains("page_sizes") || b.contains("page_sizes")) {
    json sizes = page_sizes(a, offset);
    for (const json& size : page_sizes(b, other_pages)) sizes.push_back(size);
    a["page_sizes"] = std::move(sizes);
  }
  for (const char* key : {"identifiers", "pages"}) {
    if (!b.contains(key) || !b[key].is_array()) continue;
    if (!a.contains(key) || !a[key].is_array()) a[key] = json::array();
    for (json item : b[key]) {
      if (item.is_object() && item.contains("page")) item["page"] = item.value("page", 0) + offset;
      a[key].push_back(std::move(item));
    }
  }
  if (!a.contains("merged_from") || !a["merged_from"].is_array()) a["merged_from"] = json::array();
  a["merged_from"].push_back(other_id);
  return dump(a);
}

namespace {

Result<bool> patient_exists(Db& db, std::string_view mrn) {
  auto stmt = db.prepare("SELECT 1 FROM patients WHERE mrn = ?1", "looking up a patient");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, mrn);
  return stmt->step();
}

Status require_patient(Db& db, std::string_view mrn) {
  if (mrn.empty()) return std::unexpected(refused("give the patient's MRN with --patient MRN"));
  auto found = patient_exists(db, mrn);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    return std::unexpected(refused("MRN " + std::string(mrn) +
                                   " is not in the patient index; check the number, or import the patient first "
                                   "(chartroom patients import FILE)"));
  }
  return {};
}

std::string state_words(const DocumentRow& row) {
  switch (row.state) {
    case DocumentState::kFiled: return "filed to MRN " + (row.patient ? row.patient->mrn : std::string("?"));
    case DocumentState::kReview: return "in review";
    case DocumentState::kRejected: return "rejected";
    case DocumentState::kMerged: return "merged into document " + row.merged_into.value_or("?");
  }
  return "in review";
}

void mark_decided(const Context& ctx, DocumentRow& row) {
  row.decided_by = ctx.decision.actor;
  row.decided_at = ctx.now;
}

// Records a decision that leaves the pages where they are.
Result<DecisionResult> record(Context& ctx, const DocumentRow& before, const DocumentRow& after,
                              std::string detail, std::string summary) {
  if (auto s = save_document(ctx.db, after); !s) return std::unexpected(s.error());
  if (before.state != after.state) {
    if (auto s = set_page_states(ctx, after.id, after.state); !s) return std::unexpected(s.error());
  }
  if (auto s = add_history(ctx, history_entry(before, after, decision_name(ctx.decision.kind), std::move(detail))); !s) {
    return std::unexpected(s.error());
  }
  return DecisionResult{{after.id}, std::move(summary), {}};
}

std::string reasons_text(const DocumentRow& row) {
  std::string out;
  for (const std::string& r : row.review_reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

Result<DecisionResult> resolve(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (row.state != DocumentState::kReview) {
    return std::unexpected(refused(
        "document " + row.id + " is " + state_words(row) + ", not in review" +
        (row.state == DocumentState::kFiled ? "; to give it another patient use: chartroom move " + row.id +
                                                  " --patient MRN --reason TEXT"
                                            : "")));
  }
  if (auto s = require_patient(ctx.db, d.mrn); !s) return std::unexpected(s.error());
  if (d.label.empty() && !row.doc_type) {
    return std::unexpected(refused("document " + row.id +
                                   " has no document type yet; give one with --type LABEL (see `chartroom show " +
                                   row.id + "` for the likeliest)"));
  }
  const DocumentRow before = row;
  row.state = DocumentState::kFiled;
  row.patient = PatientRef{d.mrn, 1.0};
  if (!d.label.empty()) row.doc_type = DocTypeRef{d.label, 1.0};
  row.review_reasons.clear();
  row.review_kinds.clear();
  mark_decided(ctx, row);
  std::string detail = "filed to MRN " + d.mrn;
  if (before.patient && before.patient->mrn != d.mrn) {
    detail += " (chartroom's best candidate was MRN " + before.patient->mrn + ")";
  }
  if (!d.label.empty()) detail += " as " + d.label;
  if (!before.review_reasons.empty()) detail += "; it was in review because: " + reasons_text(before);
  return record(ctx, before, row, detail, "filed document " + row.id + " to MRN " + d.mrn);
}

Result<DecisionResult> move(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (row.state != DocumentState::kFiled) {
    return std::unexpected(refused(
        "document " + row.id + " is " + state_words(row) + ", not filed" +
        (row.state == DocumentState::kReview ? "; file it with: chartroom review resolve " + row.id +
                                                   " --patient MRN --reason TEXT"
                                             : "")));
  }
  if (auto s = require_patient(ctx.db, d.mrn); !s) return std::unexpected(s.error());
  if (row.patient && row.patient->mrn == d.mrn) {
    return std::unexpected(refused("document " + row.id + " is already filed to MRN " + d.mrn));
  }
  const DocumentRow before = row;
  row.patient = PatientRef{d.mrn, 1.0};
  mark_decided(ctx, row);
  const std::string from = before.patient ? before.patient->mrn : std::string("no patient");
  return record(ctx, before, row, "moved from MRN " + from + " to MRN " + d.mrn,
                "moved document " + row.id + " from MRN " + from + " to MRN " + d.mrn);
}

// A document in review whose only open question was its type is filed once a
// person names the type: its patient match was already sure.
bool nothing_left_to_decide(const DocumentRow& row) {
  return row.state == DocumentState::kReview && row.review_reasons.empty() && row.patient.has_value();
}

Result<DecisionResult> set_type(Context& ctx, DocumentRow& row) {
  const Decision& d = ctx.decision;
  if (row.state != DocumentState::kReview && row.state != DocumentState::kFiled) {
    return std::unexpected(refused("document " + row.id + " is " + state_words(row) + "; its type cannot be set"));
  }
  if (d.label.empty()) return std::unexpected(refused("give the document type, e.g. progress_note"));
  const DocumentRow before = row;
  row.doc_type = DocTypeRef{d.label, 1.0};
  drop_reasons(row, review_kind::kType);
  mark_decided(ctx, row);
  std::string summary = "set the type of document " + row.id + " to " + d.label;
  if (nothing_left_to_decide(row)) {
    row.state = DocumentState::kFiled;
    summary += "; nothing else was unsure, so it is filed to MRN " + row.patient->mrn;
  }
  return record(ctx, before, row,
                "type " + (before.doc_type ? before.doc_type->label : std::string("unknown")) + " -> " + d.label,
                summary);
}

Result<DecisionResult> reject(Context& ctx, DocumentRow& row) {
  if (row.state != DocumentState::kReview && row.state != DocumentState::kFiled) {
    return std::unexpected(refused("document " + row.id + " is " + state_words(row) + "; it cannot be rejected"));
  }
  const DocumentRow before = row;
  row.state = DocumentState::kRejected;
  mark_decided(ctx, row);
  return record(ctx, before, row, "rejected (was " + state_words(before) + ")",
                "rejected document " + row.id + "; it is kept and listed by: chartroom review list --state rejected");
}

Result<DecisionResult> rematch(Context& ctx, DocumentRow& row) {
  const Decision::Rematch& m = ctx.decision.rematch;
  // Only chartroom's own decisions are redone: a person's stands.
  if (row.state != DocumentState::kReview || row.decided_by) return DecisionResult{};
  const DocumentRow before = row;
  drop_reasons(row, review_kind::kPatient);
  std::vector<std::string> reasons = m.patient_reasons;
  std::vector<std::string> kinds(reasons.size(), std::string(review_kind::kPatient));
  reasons.insert(reasons.end(), row.review_reasons.begin(), row.review_reasons.end());
  kinds.insert(kinds.end(), row.review_kinds.begin(), row.review_kinds.end());
  row.review_reasons = std::move(reasons);
  row.review_kinds = std::move(kinds);
  row.patient = m.patient;
  if (!m.evidence_json.empty() && m.evidence_json != "{}") row.evidence_json = m.evidence_json;
  const bool filed = m.file && m.patient && row.review_reasons.empty() && row.doc_type.has_value();
  if (filed) row.state = DocumentState::kFiled;
  const bool same_patient = (before.patient.has_value() == row.patient.has_value()) &&
                            (!row.patient || before.patient->mrn == row.patient->mrn);
  if (!filed && same_patient && before.review_reasons == row.review_reasons) return DecisionResult{};
  const std::string detail = filed ? "filed to MRN " + row.patient->mrn + " after the patient index changed"
                                   : "matched again: " + (row.review_reasons.empty() ? std::string("no reason left")
                                                                                     : reasons_text(row));
  return record(ctx, before, row, detail,
                filed ? "filed document " + row.id + " to MRN " + row.patient->mrn : "re-matched document " + row.id);
}

}  // namespace
}  // namespace decisions

Result<DecisionResult> Store::decide(const Decision& d) {
  using namespace decisions;
  if (trim(d.reason).empty()) {
    return std::unexpected(refused("a decision needs a reason (--reason TEXT): it is kept in the audit log"));
  }
  if (trim(d.actor).empty()) return std::unexpected(refused("a decision needs the name of who made it"));
  const std::string what = std::string(decision_name(d.kind)) + " of document " + d.document;
  auto tx = Transaction::begin(impl_->db, what);
  if (!tx) return std::unexpected(tx.error());
  auto found = load_document(impl_->db, d.document);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) {
    return fail(ErrorCode::kNotFound, "no document " + d.document + " in the store at " + impl_->root.string());
  }
  DocumentRow row = std::move(**found);
  const std::optional<std::string> mrn_before = row.patient ? std::optional(row.patient->mrn) : std::nullopt;
  Context ctx{impl_->db, impl_->root, d, now_utc_iso()};
  Result<DecisionResult> result = DecisionResult{};
  switch (d.kind) {
    case DecisionKind::kResolve: result = resolve(ctx, row); break;
    case DecisionKind::kMove: result = move(ctx, row); break;
    case DecisionKind::kSplit: result = split(ctx, row); break;
    case DecisionKind::kMerge: result = merge(ctx, row); break;
    case DecisionKind::kSetType: result = set_type(ctx, row); break;
    case DecisionKind::kRotate: result = rotate(ctx, row); break;
    case DecisionKind::kReject: result = reject(ctx, row); break;
    case DecisionKind::kRematch: result = rematch(ctx, row); break;
  }
  if (!result) return result;
  if (result->changed.empty()) return result;  // nothing to record; the transaction rolls back
  std::vector<std::string> patients;
  std::vector<std::optional<std::string>> touched = {mrn_before, row.patient ? std::optional(row.patient->mrn)
                                                                             : std::nullopt};
  touched.insert(touched.end(), result->patients.begin(), result->patients.end());
  for (const auto& mrn : touched) {
    if (mrn && std::ranges::find(patients, *mrn) == patients.end()) patients.push_back(*mrn);
  }
  const std::string object = join(result->changed, ",");
  const std::string action = d.kind == DecisionKind::kMove ? "move" : "review " + std::string(decision_name(d.kind));
  if (auto s = append_audit(impl_->db, impl_->audit, {d.actor, action, object, result->summary, d.reason, patients});
      !s) {
    return std::unexpected(s.error());
  }
  if (auto s = commit_audited(*tx, impl_->db, impl_->audit); !s) return std::unexpected(s.error());
  return result;
}

}  // namespace chartroom::indexer
