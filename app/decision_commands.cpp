// The decisions from a terminal: review resolve, split, merge, set-type,
// rotate, reject, rematch, and move. Each is one Store::decide call: one
// transaction, its PDFs rewritten atomically, one audit row with the
// operating-system account and the reason given.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/identity.h"
#include "app/json_output.h"
#include "app/rematch.h"

namespace chartroom::app {

// The document types a person may choose: the default set and the labels of
// the model in use (a site's own model may have its own).
std::vector<std::string> known_types(const Config& config) {
  std::vector<std::string> labels;
  for (std::string_view label : classify::default_document_types()) labels.emplace_back(label);
  const classify::TypeModel* model = config.ingest.type_model ? config.ingest.type_model.get()
                                                              : classify::default_type_model();
  if (model != nullptr) {
    for (const std::string& label : model->labels()) {
      if (std::ranges::find(labels, label) == labels.end()) labels.push_back(label);
    }
  }
  return labels;
}

namespace {

bool check_type(const std::string& label, const Config& config) {
  if (label.empty()) return true;
  const std::vector<std::string> labels = known_types(config);
  if (std::ranges::find(labels, label) != labels.end()) return true;
  std::string list;
  for (const std::string& l : labels) list += (list.empty() ? "" : ", ") + l;
  std::cerr << "chartroom: '" << label << "' is not a document type; use one of: " << list << "\n";
  return false;
}

}  // namespace

int run_decision(const CommonOptions& common, indexer::DecisionKind kind, DecisionArgs args, const Config& config) {
  if (!check_type(args.label, config)) return 2;
  auto store = open_existing_store(common);
  if (!store) return 1;
  const std::string actor = os_account();
  const std::string what = kind == indexer::DecisionKind::kMove
                               ? "move a document"
                               : "decide on a document in review (" + std::string(indexer::decision_name(kind)) + ")";
  if (auto s = authorize(*store, actor, {indexer::Role::kReviewer, indexer::Role::kAdmin}, what); !s) {
    print_error(s.error());
    return 1;
  }
  const auto id = find_document_id(*store, args.id);
  if (!id) return 1;
  std::optional<std::string> other;
  if (kind == indexer::DecisionKind::kMerge) {
    other = find_document_id(*store, args.other);
    if (!other) return 1;
  }
  indexer::Decision d;
  d.kind = kind;
  d.document = *id;
  d.other = other.value_or("");
  d.mrn = args.mrn;
  d.label = args.label;
  d.page = args.page;
  d.degrees = args.degrees;
  d.actor = actor;
  d.reason = args.reason;
  auto result = store->decide(d);
  if (!result) {
    print_error(result.error());
    return 1;
  }
  if (common.json) {
    std::vector<indexer::DocumentRow> changed;
    for (const std::string& changed_id : result->changed) {
      if (auto row = store->document(changed_id); row && row->has_value()) changed.push_back(**row);
    }
    print_documents_json(changed);
    return 0;
  }
  std::cout << "Done: " << result->summary << ".\n";
  return 0;
}

int run_review_rematch(const CommonOptions& common, const Config& config) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto report = rematch_review_queue(*store, config.ingest.match, os_account(), "review rematch run by hand");
  if (!report) {
    print_error(report.error());
    return 1;
  }
  if (common.json) {
    print_json({{"checked", report->checked},
                {"filed", report->filed},
                {"updated", report->updated},
                {"changed", report->changed}});
    return 0;
  }
  std::cout << fmt::format("Matched {} document(s) in review for their patient again: {} now filed, {} with new "
                           "candidates or reasons, {} unchanged.\n",
                           report->checked, report->filed, report->updated,
                           report->checked - report->filed - report->updated);
  return 0;
}

}  // namespace chartroom::app
