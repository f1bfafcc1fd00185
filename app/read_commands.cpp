// The commands that read the store: pages, documents, show, review list
// (search: app/search_command.cpp). Each read of patient data is in the audit log (who, what was shown,
// whose data) before anything is printed: no audit entry, no output.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/identity.h"
#include "app/json_output.h"
#include "review/review.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> patients_of(const std::vector<indexer::DocumentRow>& documents) {
  std::vector<std::string> out;
  for (const indexer::DocumentRow& d : documents) {
    if (d.patient && std::ranges::find(out, d.patient->mrn) == out.end()) out.push_back(d.patient->mrn);
  }
  return out;
}

}  // namespace

int run_pages(const CommonOptions& common) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto pages = store->pages();
  if (!pages) {
    print_error(pages.error());
    return 1;
  }
  if (!audited(*store, {"", "pages", "", std::to_string(pages->size()) + " pages listed", "", {"*"}})) return 1;
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::PageRow& page : *pages) out.push_back(page_json(page));
    print_json(out);
    return 0;
  }
  for (const indexer::PageRow& page : *pages) {
    std::cout << fmt::format("{:<14} {}  page {}{}{}\n", page_state_name(page.state), page.source, page.index + 1,
                             page.document ? "  -> " + *page.document + " p" + std::to_string(*page.pdf_page) : "",
                             page.reason ? "  (" + *page.reason + ")" : "");
  }
  return 0;
}

std::optional<indexer::DocumentQuery> document_query(const DocumentsArgs& args) {
  indexer::DocumentQuery query;
  if (!args.state.empty()) {
    query.state = parse_document_state(args.state);
    if (!query.state || *query.state == DocumentState::kMerged) {
      std::cerr << "chartroom: --state must be filed, review or rejected\n";
      return std::nullopt;
    }
  }
  const bool day = args.since.size() == 10 && args.since[4] == '-' && args.since[7] == '-';
  if (!args.since.empty() && !day) {
    std::cerr << "chartroom: --since takes a day, YYYY-MM-DD (example: --since 2026-11-01)\n";
    return std::nullopt;
  }
  query.patient = args.patient;
  query.type = args.type;
  query.since = args.since;
  query.limit = args.limit;
  query.offset = args.offset;
  return query;
}

int run_documents(const CommonOptions& common, const DocumentsArgs& args) {
  const auto query = document_query(args);
  if (!query) return 2;
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto documents = store->find_documents(*query);
  if (!documents) {
    print_error(documents.error());
    return 1;
  }
  if (!audited(*store, {"", "list documents", args.patient, std::to_string(documents->size()) + " documents listed", "",
                        args.patient.empty() ? std::vector<std::string>{"*"} : std::vector<std::string>{args.patient}})) {
    return 1;
  }
  if (common.json) {
    print_documents_json(*documents);
    return 0;
  }
  std::cout << fmt::format("{:<16}  {:<8}  {:<12}  {:<20}  {:>5}  {}\n", "DOCUMENT", "STATE", "PATIENT MRN", "TYPE",
                           "PAGES", "PDF");
  for (const indexer::DocumentRow& d : *documents) {
    std::cout << fmt::format("{:<16}  {:<8}  {:<12}  {:<20}  {:>5}  {}\n", d.id, document_state_name(d.state),
                             d.patient ? d.patient->mrn + (d.state == DocumentState::kFiled ? "" : "?") : "-",
                             d.doc_type ? d.doc_type->label : "-", d.pages, (common.store / d.pdf).string());
  }
  return 0;
}

namespace {

nlohmann::json history_json(const std::vector<indexer::HistoryRow>& history) {
  nlohmann::json out = nlohmann::json::array();
  const auto or_null = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  for (const indexer::HistoryRow& h : history) {
    out.push_back({{"at", h.at},
                   {"by", h.actor},
                   {"action", h.action},
                   {"from_state", or_null(h.from_state)},
                   {"to_state", or_null(h.to_state)},
                   {"from_mrn", or_null(h.from_mrn)},
                   {"to_mrn", or_null(h.to_mrn)},
                   {"detail", h.detail},
                   {"reason", h.reason},
                   {"pdf_before", or_null(h.pdf_before)}});
  }
  return out;
}

void print_likely_types(const nlohmann::json& evidence) {
  if (!evidence.is_object() || !evidence.contains("types") || !evidence["types"].is_array()) return;
  std::string guesses;
  for (const nlohmann::json& t : evidence["types"]) {
    if (!t.is_object() || !t.value("label", nlohmann::json()).is_string() ||
        !t.value("confidence", nlohmann::json()).is_number()) {
      continue;
    }
    guesses += fmt::format("{}{} {:.0f}%", guesses.empty() ? "" : ", ", t["label"].get<std::string>(),
                           100 * t["confidence"].get<double>());
  }
  if (!guesses.empty()) std::cout << "  likely types: " << guesses << "\n";
}

void print_candidates(const nlohmann::json& evidence) {
  if (!evidence.is_object() || !evidence.contains("candidates") || !evidence["candidates"].is_array()) return;
  for (const nlohmann::json& c : evidence["candidates"]) {
    if (!c.is_object() || !c.value("mrn", nlohmann::json()).is_string()) continue;
    std::cout << fmt::format("  candidate: MRN {} ({:.2f})", c["mrn"].get<std::string>(), c.value("confidence", 0.0));
    if (c.contains("conflicts") && c["conflicts"].is_array() && !c["conflicts"].empty()) {
      std::cout << "; disagrees: " << c["conflicts"].dump();
    }
    std::cout << "\n";
  }
}

}  // namespace

int run_show(const CommonOptions& common, const std::string& given, bool with_text) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  const auto id = find_document_id(*store, given);
  if (!id) return 1;
  auto document = store->document(*id);
  auto history = store->document_history(*id);
  if (!document || !history) {
    print_error(!document ? document.error() : history.error());
    return 1;
  }
  const indexer::DocumentRow& d = **document;
  std::vector<std::string> patients = patients_of({d});
  for (const indexer::HistoryRow& h : *history) {
    for (const auto& mrn : {h.from_mrn, h.to_mrn}) {
      if (mrn && std::ranges::find(patients, *mrn) == patients.end()) patients.push_back(*mrn);
    }
  }
  // Its text is a different access from its details, and is audited as one.
  if (!audited(*store, {"", with_text ? "show text" : "show", d.id,
                        with_text ? "details and the text of " + std::to_string(d.pages) + " pages" : "details", "",
                        patients})) {
    return 1;
  }
  std::vector<std::string> text;
  std::vector<std::string> embedded;  // the input PDF's own text layer, per page ("" = none)
  if (with_text) {
    auto read = store->document_text(d.id);
    auto layer = store->document_embedded_text(d.id);
    if (!read || !layer) {
      print_error(!read ? read.error() : layer.error());
      return 1;
    }
    text = std::move(*read);
    embedded = std::move(*layer);
  }
  const auto evidence = nlohmann::json::parse(d.evidence_json.empty() ? "{}" : d.evidence_json, nullptr, false);
  if (common.json) {
    nlohmann::json out = document_json(d);
    out["evidence"] = evidence;
    out["history"] = history_json(*history);
    if (with_text) {
      out["text"] = text;
      out["embedded_text"] = embedded;
    }
    print_json(out);
    return 0;
  }
  const std::string patient =
      !d.patient ? "unknown"
      : d.state == DocumentState::kFiled
          ? fmt::format("MRN {} (confidence {:.2f}{})", d.patient->mrn, d.patient->confidence,
                        d.decided_by ? ", decided by " + *d.decided_by : "")
          : fmt::format("best candidate MRN {} (confidence {:.2f}), not filed to it", d.patient->mrn,
                        d.patient->confidence);
  std::cout << fmt::format("Document {}\n  state:   {}\n  patient: {}\n  type:    {}\n  pages:   {}\n  pdf:     {}\n",
                           d.id,
                           d.merged_into ? "merged into " + *d.merged_into : std::string(document_state_name(d.state)),
                           patient,
                           d.doc_type ? fmt::format("{} (confidence {:.2f})", d.doc_type->label, d.doc_type->confidence)
                                      : "unknown",
                           d.pages, (common.store / d.pdf).string());
  for (const std::string& reason : d.review_reasons) std::cout << "  review:  " << reason << "\n";
  if (d.state == DocumentState::kReview) print_candidates(evidence);
  if (!d.doc_type) print_likely_types(evidence);
  if (!history->empty()) std::cout << "  history:\n";
  for (const indexer::HistoryRow& h : *history) {
    std::cout << fmt::format("    {}  {} by {}: {} (reason: {})\n", h.at, h.action, h.actor, h.detail, h.reason);
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::cout << fmt::format("\n--- page {} ---\n", i + 1);
    if (i < embedded.size() && !embedded[i].empty()) {
      // Characters, not bytes: UTF-8 continuation bytes are not counted.
      const auto characters = std::ranges::count_if(embedded[i], [](char c) { return (c & 0xC0) != 0x80; });
      std::cout << fmt::format("  (the PDF's own text layer, replaced by OCR: {} characters)\n", characters);
    }
    std::cout << text[i];
  }
  return 0;
}

namespace {

int count_of(const indexer::QueueCounts& counts, const std::string& kind) {
  for (const auto& [k, n] : counts.kinds) {
    if (k == kind) return n;
  }
  return 0;
}

}  // namespace

int run_review_list(const CommonOptions& common, const ReviewListArgs& args) {
  const auto state = parse_document_state(args.state);
  if (!state || (*state != DocumentState::kReview && *state != DocumentState::kRejected)) {
    std::cerr << "chartroom: --state must be review or rejected\n";
    return 2;
  }
  const std::string& state_name = args.state;
  auto store = open_existing_store(common);
  if (!store) return 1;
  // The queue is paged by the database; the rejected list is short-lived (the scanning room acts on it).
  indexer::QueueQuery query{args.kind, args.limit, args.offset};
  auto queue = *state == DocumentState::kReview ? store->review_queue(query) : store->documents_in_state(*state);
  auto counts = store->review_counts();
  if (!queue || !counts) {
    print_error(queue ? counts.error() : queue.error());
    return queue ? 1 : 2;
  }
  if (!audited(*store, {"", "review list", state_name, std::to_string(queue->size()) + " documents listed", "",
                        patients_of(*queue)})) {
    return 1;
  }
  if (common.json) {
    print_documents_json(*queue);
    return 0;
  }
  if (*state == DocumentState::kReview) {
    std::cout << review::format_queue(*queue, args.kind.empty() ? counts->total : count_of(*counts, args.kind),
                                      args.offset);
    return 0;
  }
  std::vector<std::string> why;
  for (const indexer::DocumentRow& d : *queue) {
    auto history = store->document_history(d.id);
    std::string reason = "?";
    for (const indexer::HistoryRow& h : history ? *history : std::vector<indexer::HistoryRow>{}) {
      if (h.action == "reject") reason = h.reason;
    }
    why.push_back(reason);
  }
  std::cout << review::format_rejected(*queue, why);
  return 0;
}

}  // namespace chartroom::app
