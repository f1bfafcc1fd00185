#include "app/rematch.h"

#include <algorithm>

#include "app/decide.h"

namespace chartroom::app {

Result<RematchReport> rematch_review_queue(indexer::Store& store, const classify::MatchOptions& options,
                                           const std::string& actor, const std::string& reason) {
  auto queue = store.documents_in_state(DocumentState::kReview);
  if (!queue) return std::unexpected(queue.error());
  StoreIndex index(store);
  RematchReport report;
  for (const indexer::DocumentRow& doc : *queue) {
    if (doc.decided_by) continue;  // a person's decision stands
    const std::vector<std::string> kinds = indexer::review_kinds_of(doc);
    if (std::ranges::find(kinds, indexer::review_kind::kPatient) == kinds.end()) continue;
    nlohmann::json evidence = nlohmann::json::parse(doc.evidence_json.empty() ? "{}" : doc.evidence_json, nullptr,
                                                    false);
    if (!evidence.is_object() || !evidence.contains("identifiers")) continue;
    ++report.checked;
    auto decision = classify::match_identifiers(identifiers_from_json(evidence["identifiers"]), index, options);
    if (!decision) return std::unexpected(decision.error());
    evidence["candidates"] = candidates_json(decision->candidates);
    indexer::Decision d;
    d.kind = indexer::DecisionKind::kRematch;
    d.document = doc.id;
    d.actor = actor;
    d.reason = reason;
    d.rematch.patient = decision->patient;
    d.rematch.file = decision->file;
    d.rematch.patient_reasons = decision->review_reasons;
    d.rematch.evidence_json = evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto result = store.decide(d);
    if (!result) return std::unexpected(result.error());
    if (result->changed.empty()) continue;
    auto now = store.document(doc.id);
    if (now && now->has_value() && (*now)->state == DocumentState::kFiled) {
      ++report.filed;
    } else {
      ++report.updated;
    }
    report.changed.push_back(doc.id);
  }
  return report;
}

}  // namespace chartroom::app
