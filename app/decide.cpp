#include "app/decide.h"

#include <nlohmann/json.hpp>

namespace chartroom::app {

namespace {

nlohmann::json evidence_json(const classify::PatientDecision& decision, const std::string& engine) {
  nlohmann::json identifiers = nlohmann::json::array();
  for (const classify::Identifier& id : decision.evidence) {
    identifiers.push_back({{"kind", classify::identifier_kind_name(id.kind)},
                           {"value", id.value},
                           {"label", id.label},
                           {"page", id.page + 1},
                           {"line", id.line + 1}});
  }
  return {{"identifiers", identifiers}, {"ocr_engine", engine}};
}

}  // namespace

std::vector<indexer::DocumentRecord> decide_documents(std::vector<indexer::PageRecord>& pages,
                                                      std::vector<PageText>& texts,
                                                      classify::PatientIndex& index,
                                                      const std::string& batch_key,
                                                      const DecideOptions& options) {
  std::vector<int> content;
  std::vector<PageText> read;
  std::vector<std::string> missing;
  std::vector<std::string> rescan;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const indexer::PageRecord& page = pages[i];
    if (page.state == PageState::kRead) {
      content.push_back(static_cast<int>(i));
      read.push_back(std::move(texts[i]));
      if (page.needs_rescan) rescan.push_back(page_label(page.ref) + " should be rescanned: " + page.reason);
    } else if (page.state == PageState::kQuarantined) {
      missing.push_back(page.reason);
    }
  }
  std::vector<indexer::DocumentRecord> documents;
  if (content.empty()) return documents;

  indexer::DocumentRecord document;
  document.id = indexer::hash_text(batch_key + "|document|0").substr(0, 16);
  document.pages = content;
  document.doc_type = classify::classify_document_type(read.front());
  auto decision = classify::match_patient(read, index, options.match);
  if (!decision) {
    document.review_reasons.push_back("the patient could not be matched: " + decision.error().message);
  } else {
    document.patient = decision->patient;
    document.review_reasons = decision->review_reasons;
    document.evidence_json = evidence_json(*decision, options.engine_description)
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  for (const std::string& reason : rescan) document.review_reasons.push_back(reason);
  for (const std::string& reason : missing) {
    document.review_reasons.push_back("a page of this batch could not be read, so the document may be "
                                      "incomplete: " + reason);
  }
  const bool file = decision && decision->file && missing.empty() && rescan.empty();
  document.state = file ? DocumentState::kFiled : DocumentState::kReview;
  for (int i : content) pages[static_cast<std::size_t>(i)].state = file ? PageState::kFiled : PageState::kReview;
  documents.push_back(std::move(document));
  return documents;
}

}  // namespace chartroom::app
