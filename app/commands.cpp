#include "app/commands.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "app/json_output.h"
#include "app/progress.h"
#include "app/status.h"
#include "capture/capture.h"
#include "review/review.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

void print_error(const Error& error) { std::cerr << "chartroom: " << error.message << "\n"; }

// Ctrl-C or SIGTERM during an ingest: no new page starts, the pages being read
// finish and are kept, and the run ends; the same command continues later. A
// second signal stops at once (the store stays consistent either way).
std::atomic<bool> g_stop_ingest{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void stop_ingest(int signal) {
  if (g_stop_ingest.exchange(true)) {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    return;
  }
  constexpr char kMessage[] =
      "\nchartroom: stopping after the pages being read (Ctrl-C again to stop at once); run the same command "
      "again to continue\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

void stop_ingest_on_signals() {
  struct sigaction action {};
  action.sa_handler = stop_ingest;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM}) ::sigaction(s, &action, nullptr);
}

std::unique_ptr<indexer::Store> open_store(const CommonOptions& common) {
  auto store = indexer::Store::open(common.store);
  if (!store) {
    print_error(store.error());
    return nullptr;
  }
  return std::move(*store);
}

// Who is looking at patient data, for the audit log.
std::string actor() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid:" + std::to_string(::getuid());
}


}  // namespace

int run_ingest(const CommonOptions& common, const std::vector<fs::path>& inputs, Config config) {
  auto store = open_store(common);
  if (!store) return 1;
  scanners::CollectOptions collect;
  std::map<fs::path, int> page_counts;  // for the progress estimate
  collect.tiff_page_count = [&limits = config.ingest.limits, &page_counts](const fs::path& path) {
    auto reader = capture::open_image(path, path.string(), limits);
    const int count = reader ? (*reader)->page_count() : 0;
    page_counts[path] = count;
    return count;
  };
  auto collection = scanners::collect_batches(inputs, collect);
  if (!collection) {
    print_error(collection.error());
    return 2;
  }
  for (const scanners::InputFile& ignored : collection->ignored) {
    std::cerr << "skipped hidden file " << ignored.source << "\n";
  }
  std::cerr << fmt::format("Ingesting {} batch(es) into {} with {} worker(s)...\n", collection->batches.size(),
                           common.store.string(), config.ingest.workers);
  // Pages as the report counts them: a file that cannot be read is one.
  int expected = static_cast<int>(collection->rejected.size());
  for (const scanners::Batch& batch : collection->batches) {
    for (const scanners::InputFile& file : batch.files) {
      auto it = page_counts.find(file.path);
      expected += it != page_counts.end() && it->second > 0 ? it->second : 1;
    }
  }
  ProgressPrinter progress(std::cerr, ::isatty(STDERR_FILENO) != 0, expected);
  config.ingest.on_batch_done = [&](const std::string& line) { progress.line("  " + line); };
  config.ingest.on_progress = [&](int done) { progress.update(done); };
  config.ingest.stop = &g_stop_ingest;
  stop_ingest_on_signals();
  auto report = ingest(*store, *collection, config.ingest);
  progress.finish();
  if (!report) {
    print_error(report.error());
    return 1;
  }
  if (common.json) {
    print_json(report_json(*report));
  } else {
    std::cout << fmt::format(
        "\n{} page(s) from {} file(s): {} filed, {} in review, {} quarantined, {} blank dropped.\n"
        "{} document(s) filed, {} sent to review.{}\n",
        report->pages, report->files, report->pages_filed, report->pages_review, report->pages_quarantined,
        report->pages_blank, report->documents_filed, report->documents_review,
        report->files_already_ingested > 0
            ? fmt::format(" {} file(s) were already ingested and skipped.", report->files_already_ingested)
            : "");
    std::cout << format_reconciliation(*report);
    if (report->documents_review > 0) std::cout << "See them with: chartroom review list --store " << common.store.string() << "\n";
  }
  for (const std::string& failure : report->failures) std::cerr << "chartroom: " << failure << "\n";
  return report->all_accounted() ? 0 : 1;
}

int run_patients_import(const CommonOptions& common, const fs::path& file, std::string format) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "chartroom: cannot open " << file.string() << "; check the path\n";
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (format.empty()) {
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    format = first != std::string::npos && text[first] == '{' ? "fhir" : "csv";
  }
  std::vector<indexer::ImportProblem> problems;
  auto patients = format == "fhir" ? indexer::parse_patients_fhir(text, problems)
                                   : indexer::parse_patients_csv(text, problems);
  if (!patients) {
    std::cerr << "chartroom: " << file.string() << ": " << patients.error().message << "\n";
    return 1;
  }
  auto store = open_store(common);
  if (!store) return 1;
  auto report = store->upsert_patients(*patients);
  if (!report) {
    print_error(report.error());
    return 1;
  }
  for (const indexer::ImportProblem& problem : problems) {
    std::cerr << file.string() << ": " << problem.message << " (skipped)\n";
  }
  (void)store->audit(actor(), "patients import", file.string(),
                        fmt::format("{} new, {} updated, {} skipped", report->imported, report->updated,
                                    problems.size()));
  std::cout << fmt::format("Imported {} new patient(s), updated {}, skipped {} bad row(s).\n", report->imported,
                           report->updated, problems.size());
  return 0;
}

int run_pages(const CommonOptions& common) {
  auto store = open_store(common);
  if (!store) return 1;
  auto pages = store->pages();
  if (!pages) {
    print_error(pages.error());
    return 1;
  }
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

namespace {

// Reads every document for a listing command, recording the access in the audit log.
std::optional<std::vector<indexer::DocumentRow>> list_documents(const CommonOptions& common,
                                                                std::string_view action) {
  auto store = open_store(common);
  if (!store) return std::nullopt;
  auto documents = store->documents();
  if (!documents) {
    print_error(documents.error());
    return std::nullopt;
  }
  if (auto audited = store->audit(actor(), action, "", ""); !audited) {
    print_error(audited.error());  // no audit record, no patient data shown
    return std::nullopt;
  }
  return std::move(*documents);
}

void print_documents_json(const std::vector<indexer::DocumentRow>& documents) {
  nlohmann::json out = nlohmann::json::array();
  for (const indexer::DocumentRow& d : documents) out.push_back(document_json(d));
  print_json(out);
}

}  // namespace

int run_documents(const CommonOptions& common) {
  auto documents = list_documents(common, "list documents");
  if (!documents) return 1;
  if (common.json) {
    print_documents_json(*documents);
    return 0;
  }
  std::cout << fmt::format("{:<16}  {:<6}  {:<12}  {:<20}  {:>5}  {}\n", "DOCUMENT", "STATE", "PATIENT MRN",
                           "TYPE", "PAGES", "PDF");
  for (const indexer::DocumentRow& d : *documents) {
    std::cout << fmt::format("{:<16}  {:<6}  {:<12}  {:<20}  {:>5}  {}\n", d.id, document_state_name(d.state),
                             d.patient ? d.patient->mrn + (d.state == DocumentState::kReview ? "?" : "") : "-",
                             d.doc_type ? d.doc_type->label : "-", d.pages,
                             (common.store / d.pdf).string());
  }
  return 0;
}

int run_search(const CommonOptions& common, const std::string& query, int limit) {
  auto store = open_store(common);
  if (!store) return 1;
  auto hits = store->search(query, limit);
  if (!hits) {
    print_error(hits.error());
    return 1;
  }
  if (auto audited = store->audit(actor(), "search", "", query); !audited) {
    print_error(audited.error());
    return 1;
  }
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::SearchHit& hit : *hits) {
      out.push_back({{"document", hit.document}, {"pdf_page", hit.pdf_page}, {"snippet", hit.snippet}});
    }
    print_json(out);
    return 0;
  }
  if (hits->empty()) std::cout << "No document contains \"" << query << "\".\n";
  for (const indexer::SearchHit& hit : *hits) {
    std::string snippet = hit.snippet;
    std::ranges::replace(snippet, '\n', ' ');  // one hit, one line
    std::cout << fmt::format("{}  page {}: {}\n", hit.document, hit.pdf_page, snippet);
  }
  return 0;
}

int run_show(const CommonOptions& common, const std::string& id, bool with_text) {
  auto store = open_store(common);
  if (!store) return 1;
  auto document = store->document(id);
  if (!document) {
    print_error(document.error());
    return 1;
  }
  if (!document->has_value()) {
    std::cerr << "chartroom: no document " << id << " in " << common.store.string()
              << "; list them with: chartroom documents --store " << common.store.string() << "\n";
    return 1;
  }
  const indexer::DocumentRow& d = **document;
  if (auto audited = store->audit(actor(), "show", d.id, ""); !audited) {
    print_error(audited.error());
    return 1;
  }
  if (common.json) {
    nlohmann::json out = document_json(d);
    out["evidence"] = nlohmann::json::parse(d.evidence_json.empty() ? "{}" : d.evidence_json, nullptr, false);
    if (with_text) {
      auto text = store->document_text(d.id);
      if (text) out["text"] = *text;
    }
    print_json(out);
    return 0;
  }
  std::cout << fmt::format("Document {}\n  state:   {}\n  patient: {}\n  type:    {}\n  pages:   {}\n  pdf:     {}\n",
                           d.id, document_state_name(d.state),
                           d.patient ? fmt::format("MRN {} (confidence {:.2f})", d.patient->mrn, d.patient->confidence)
                                     : "unknown",
                           d.doc_type ? fmt::format("{} (confidence {:.2f})", d.doc_type->label, d.doc_type->confidence)
                                      : "unknown",
                           d.pages, (common.store / d.pdf).string());
  for (const std::string& reason : d.review_reasons) std::cout << "  review:  " << reason << "\n";
  // The likeliest types, for a reviewer choosing one.
  const auto evidence = nlohmann::json::parse(d.evidence_json.empty() ? "{}" : d.evidence_json, nullptr, false);
  if (!d.doc_type && evidence.is_object() && evidence.contains("types") && evidence["types"].is_array()) {
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
  if (with_text) {
    auto text = store->document_text(d.id);
    if (!text) {
      print_error(text.error());
      return 1;
    }
    for (std::size_t i = 0; i < text->size(); ++i) {
      std::cout << fmt::format("\n--- page {} ---\n{}", i + 1, (*text)[i]);
    }
  }
  return 0;
}

int run_review_list(const CommonOptions& common) {
  auto documents = list_documents(common, "review list");
  if (!documents) return 1;
  const auto queue = review::review_queue(*documents);
  if (common.json) {
    print_documents_json(queue);
    return 0;
  }
  std::cout << review::format_queue(queue);
  return 0;
}

}  // namespace chartroom::app
