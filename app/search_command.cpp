// `chartroom search`: full-text search with the filters of `documents`, each
// hit with its document's patient, type and state. The search is in the audit
// log (who, what was looked for, which documents and whose) before anything
// is printed: no audit entry, no output.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/json_output.h"

namespace chartroom::app {

namespace {

nlohmann::json hit_json(const indexer::SearchHit& hit) {
  return {{"document", hit.document},
          {"pdf_page", hit.pdf_page},
          {"snippet", hit.snippet},
          {"state", document_state_name(hit.state)},
          {"patient", patient_ref_json(hit.patient)},
          {"doc_type", doc_type_json(hit.doc_type)}};
}

void print_hits(const std::vector<indexer::SearchHit>& hits) {
  std::cout << fmt::format("{:<16}  {:<12}  {:<20}  {:>4}  {:<8}  {}\n", "DOCUMENT", "PATIENT MRN", "TYPE", "PAGE",
                           "STATE", "TEXT");
  for (const indexer::SearchHit& hit : hits) {
    std::string snippet = hit.snippet;
    std::ranges::replace(snippet, '\n', ' ');  // one hit, one line
    // As `documents` shows them: a candidate of a document in review is not its patient yet.
    const std::string mrn =
        hit.patient ? hit.patient->mrn + (hit.state == DocumentState::kFiled ? "" : "?") : std::string("-");
    std::cout << fmt::format("{:<16}  {:<12}  {:<20}  {:>4}  {:<8}  {}\n", hit.document, mrn,
                             hit.doc_type ? hit.doc_type->label : "-", hit.pdf_page, document_state_name(hit.state),
                             snippet);
  }
}

}  // namespace

int run_search(const CommonOptions& common, const SearchArgs& args) {
  auto filters = document_query(args.filters);
  if (!filters) return 2;
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto hits = store->search({args.query, *filters});
  if (!hits) {
    print_error(hits.error());
    return hits.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  std::vector<std::string> ids;
  std::vector<std::string> patients;
  for (const indexer::SearchHit& hit : *hits) {
    if (std::ranges::find(ids, hit.document) == ids.end()) ids.push_back(hit.document);
    if (hit.patient && std::ranges::find(patients, hit.patient->mrn) == patients.end()) {
      patients.push_back(hit.patient->mrn);
    }
  }
  // A search within one patient's documents is an access to theirs, even when nothing matched.
  const DocumentsArgs& f = args.filters;
  if (!f.patient.empty() && std::ranges::find(patients, f.patient) == patients.end()) patients.push_back(f.patient);
  std::string detail = args.query;
  for (const auto& [name, value] : {std::pair{" --patient ", f.patient}, {" --type ", f.type},
                                    {" --state ", f.state}, {" --since ", f.since}}) {
    if (!value.empty()) detail += name + value;
  }
  if (!audited(*store, {"", "search", join(ids, ","), detail, "", patients})) return 1;
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::SearchHit& hit : *hits) out.push_back(hit_json(hit));
    print_json(out);
    return 0;
  }
  if (hits->empty()) {
    std::cout << "No document contains \"" << args.query << "\"" << (detail != args.query ? " (with those filters)" : "")
              << ".\n";
    return 0;
  }
  print_hits(*hits);
  return 0;
}

}  // namespace chartroom::app
