#include "app/decide.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace chartroom::app {

namespace {

// "progress_note" as a reviewer reads it: "progress note".
std::string type_words(std::string label) {
  std::ranges::replace(label, '_', ' ');
  return label;
}

nlohmann::json evidence_json(const classify::PatientDecision& decision, const classify::Segment& segment,
                             const std::vector<indexer::PageRecord>& pages, const std::vector<int>& content,
                             const std::vector<DocTypeRef>& types, const std::string& engine) {
  nlohmann::json sources = nlohmann::json::array();
  // The pixels of each cleaned page image: the identifiers' boxes are in them.
  nlohmann::json sizes = nlohmann::json::array();
  for (int p : segment.pages) {
    const indexer::PageRecord& page = pages[static_cast<std::size_t>(content[static_cast<std::size_t>(p)])];
    sources.push_back(page_label(page.ref));
    sizes.push_back({{"width", page.image_width}, {"height", page.image_height}});
  }
  nlohmann::json type_candidates = nlohmann::json::array();
  for (std::size_t i = 0; i < types.size() && i < 3; ++i) {
    type_candidates.push_back({{"label", types[i].label}, {"confidence", types[i].confidence}});
  }
  return {{"identifiers", identifiers_json(decision.evidence)},
          {"candidates", candidates_json(decision.candidates)},
          {"types", type_candidates},
          {"pages", sources},
          {"page_sizes", sizes},
          {"boundary", {{"reasons", segment.reasons}, {"unsure", segment.unsure_start || segment.unsure_end}}},
          {"ocr_engine", engine}};
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

nlohmann::json identifiers_json(const std::vector<classify::Identifier>& identifiers) {
  nlohmann::json out = nlohmann::json::array();
  for (const classify::Identifier& id : identifiers) {
    nlohmann::json box = {{"x", id.box.x}, {"y", id.box.y}, {"width", id.box.width}, {"height", id.box.height}};
    out.push_back({{"kind", classify::identifier_kind_name(id.kind)},
                   {"value", id.value},
                   {"read", id.text},
                   {"label", id.label},
                   {"page", id.page + 1},
                   {"line", id.line + 1},
                   {"box", box},
                   {"corrected", id.corrected},
                   {"barcode", id.from_barcode},
                   {"suffix", id.suffix}});
  }
  return out;
}

std::vector<classify::Identifier> identifiers_from_json(const nlohmann::json& identifiers) {
  std::vector<classify::Identifier> out;
  if (!identifiers.is_array()) return out;
  for (const nlohmann::json& j : identifiers) {
    if (!j.is_object()) continue;
    classify::Identifier id;
    const std::string kind = j.value("kind", std::string());
    bool known = false;
    for (auto k : {classify::IdentifierKind::kMrn, classify::IdentifierKind::kName, classify::IdentifierKind::kBirthDate}) {
      if (classify::identifier_kind_name(k) == kind) {
        id.kind = k;
        known = true;
      }
    }
    if (!known) continue;
    id.value = j.value("value", std::string());
    id.text = j.value("read", std::string());
    id.label = j.value("label", std::string());
    id.page = j.value("page", 1) - 1;
    id.line = j.value("line", 1) - 1;
    if (j.contains("box") && j["box"].is_object()) {
      id.box = {j["box"].value("x", 0), j["box"].value("y", 0), j["box"].value("width", 0), j["box"].value("height", 0)};
    }
    id.corrected = j.value("corrected", false);
    id.from_barcode = j.value("barcode", false);
    id.suffix = j.value("suffix", std::string());
    out.push_back(std::move(id));
  }
  return out;
}

nlohmann::json candidates_json(const std::vector<classify::Candidate>& candidates) {
  nlohmann::json out = nlohmann::json::array();
  for (const classify::Candidate& c : candidates) {
    out.push_back({{"mrn", c.patient.mrn},
                   {"confidence", c.confidence},
                   {"weight", c.weight},
                   {"agreements", c.agreements},
                   {"conflicts", c.conflicts}});
  }
  return out;
}

std::vector<indexer::DocumentRecord> decide_documents(std::vector<indexer::PageRecord>& pages,
                                                      std::vector<PageText>& texts,
                                                      classify::PatientIndex& index,
                                                      const std::string& batch_key,
                                                      const DecideOptions& options) {
  // Read pages in batch order; where unreadable pages sit between them.
  std::vector<int> content;  // batch page index of each read page
  std::vector<PageText> read;
  std::set<int> missing_after;  // read-page positions followed (or preceded) by a quarantined page
  std::vector<std::string> missing_reason_at;
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const indexer::PageRecord& page = pages[i];
    if (page.state == PageState::kRead) {
      content.push_back(static_cast<int>(i));
      read.push_back(std::move(texts[i]));
    } else if (page.state == PageState::kQuarantined) {
      missing.push_back(page.reason);
      // Both neighbours of the lost page may be incomplete.
      if (!content.empty()) missing_after.insert(static_cast<int>(content.size()) - 1);
      missing_after.insert(static_cast<int>(content.size()));
    }
  }
  std::vector<indexer::DocumentRecord> documents;
  if (content.empty()) return documents;

  const classify::Segmentation split =
      classify::split_documents(read, options.match.identifiers, options.boundaries);
  for (int s : split.separators) pages[static_cast<std::size_t>(content[static_cast<std::size_t>(s)])].state = PageState::kSeparator;

  for (std::size_t d = 0; d < split.documents.size(); ++d) {
    const classify::Segment& segment = split.documents[d];
    indexer::DocumentRecord document;
    document.id = indexer::hash_text(batch_key + "|document|" + std::to_string(d)).substr(0, 16);
    std::vector<PageText> doc_pages;
    std::vector<classify::Identifier> evidence;
    for (std::size_t k = 0; k < segment.pages.size(); ++k) {
      const int p = segment.pages[k];
      document.pages.push_back(content[static_cast<std::size_t>(p)]);
      doc_pages.push_back(read[static_cast<std::size_t>(p)]);
      auto found = classify::find_identifiers(doc_pages.back(), static_cast<int>(k), options.match.identifiers);
      evidence.insert(evidence.end(), found.begin(), found.end());
    }
    if (!segment.separator_mrn.empty()) {
      classify::Identifier sheet;
      sheet.kind = classify::IdentifierKind::kMrn;
      sheet.value = segment.separator_mrn;
      sheet.label = "separator sheet barcode";
      sheet.text = segment.separator_mrn;
      sheet.line = -1;
      sheet.from_barcode = true;
      evidence.push_back(std::move(sheet));
    }
    const std::vector<DocTypeRef> types = classify::rank_document_types(doc_pages, options.type);
    if (!types.empty() && types.front().confidence >= options.type.abstain_threshold) document.doc_type = types.front();
    auto decision = classify::match_identifiers(std::move(evidence), index, options.match);
    const auto add_reason = [&document](std::string reason, std::string_view kind) {
      document.review_reasons.push_back(std::move(reason));
      document.review_kinds.emplace_back(kind);
    };
    if (!decision) {
      add_reason("the patient could not be matched: " + decision.error().message, indexer::review_kind::kPatient);
    } else {
      document.patient = decision->patient;
      for (const std::string& reason : decision->review_reasons) add_reason(reason, indexer::review_kind::kPatient);
      document.evidence_json = dump(evidence_json(*decision, segment, pages, content, types, options.engine_description));
    }
    if (!document.doc_type) {
      // DESIGN.md: below a threshold the document goes to review, never to a guess.
      add_reason(types.empty() ? std::string("no document type could be recognised; choose its type")
                               : fmt::format("its document type is not sure (best guess {}, {:.0f}%); choose its type",
                                             type_words(types.front().label), 100 * types.front().confidence),
                 indexer::review_kind::kType);
    }
    if (segment.unsure_start || segment.unsure_end) {
      add_reason("where this document begins or ends is not sure (" +
                     (segment.reasons.empty() ? std::string("weak cues") : segment.reasons.front()) +
                     "); check that its pages belong together",
                 indexer::review_kind::kBoundary);
    }
    bool incomplete = false;
    for (int p : segment.pages) {
      const indexer::PageRecord& record = pages[static_cast<std::size_t>(content[static_cast<std::size_t>(p)])];
      if (record.needs_rescan) {
        // Quality problems read "rescan: blurred, ..."; a page whose OCR was
        // stopped at its time limit needs a look, not necessarily a rescan.
        constexpr std::string_view kRescan = "rescan: ";
        add_reason(record.reason.starts_with(kRescan)
                       ? page_label(record.ref) + " should be rescanned: " + record.reason.substr(kRescan.size())
                       : page_label(record.ref) + " needs a look: " + record.reason,
                   indexer::review_kind::kQuality);
      }
      incomplete = incomplete || missing_after.contains(p);
    }
    if (incomplete) {
      for (const std::string& reason : missing) {
        add_reason("a page next to this document could not be read, so it may be incomplete: " + reason,
                   indexer::review_kind::kIncomplete);
      }
    }
    const bool file = decision && decision->file && document.review_reasons.empty();
    document.state = file ? DocumentState::kFiled : DocumentState::kReview;
    for (int i : document.pages) pages[static_cast<std::size_t>(i)].state = file ? PageState::kFiled : PageState::kReview;
    documents.push_back(std::move(document));
  }
  return documents;
}

}  // namespace chartroom::app
