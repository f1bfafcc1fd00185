#include "app/commands.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/command_support.h"
#include "app/identity.h"
#include "app/json_output.h"
#include "app/progress.h"
#include "app/rematch.h"
#include "app/stage_timings.h"
#include "app/status.h"
#include "capture/capture.h"
#include "review/review.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

void print_error(const Error& error) { std::cerr << "chartroom: " << error.message << "\n"; }

bool audited(indexer::Store& store, indexer::AuditEntry entry) {
  entry.actor = os_account();
  if (auto s = store.audit(entry); !s) {
    print_error(s.error());
    return false;
  }
  return true;
}

namespace {

std::unique_ptr<indexer::Store> open_any_store(const CommonOptions& common) {
  auto store = indexer::Store::open(common.store);
  if (!store) {
    print_error(store.error());
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace

bool is_store(const fs::path& folder) {
  std::error_code ec;
  return fs::is_regular_file(folder / "chartroom.db", ec);
}

std::unique_ptr<indexer::Store> open_store(const CommonOptions& common) {
  if (!common.create && !is_store(common.store)) {
    std::cerr << "chartroom: " << common.store.string()
              << " is not a chartroom store yet (it has no chartroom.db); nothing was written there.\n"
                 "If this is a new store, run the same command again with --create. If you meant an existing "
                 "store, check --store or CHARTROOM_STORE.\n";
    return nullptr;
  }
  return open_any_store(common);
}

std::unique_ptr<indexer::Store> open_existing_store(const CommonOptions& common) {
  if (!is_store(common.store)) {
    std::cerr << "chartroom: " << common.store.string()
              << " is not a chartroom store (it has no chartroom.db); check --store or CHARTROOM_STORE. "
                 "A new store is made with --create by `chartroom patients import` or `chartroom ingest`.\n";
    return nullptr;
  }
  return open_any_store(common);
}

std::optional<std::string> find_document_id(indexer::Store& store, const std::string& given) {
  auto id = store.resolve_document_id(given);
  if (!id) {
    print_error(id.error());
    if (id.error().code == ErrorCode::kNotFound) {
      std::cerr << "List them with: chartroom documents --store " << store.root().string() << "\n";
    }
    return std::nullopt;
  }
  return *id;
}

void print_documents_json(const std::vector<indexer::DocumentRow>& documents) {
  nlohmann::json out = nlohmann::json::array();
  for (const indexer::DocumentRow& d : documents) out.push_back(document_json(d));
  print_json(out);
}

int run_ingest(const CommonOptions& common, const std::vector<fs::path>& inputs, Config config) {
  auto store = open_store(common);
  if (!store) return 1;
  auto claim = store->claim_writing("chartroom ingest");
  if (!claim) {
    print_error(claim.error());
    return 1;
  }
  store->remove_stale_temps();
  scanners::CollectOptions collect;
  std::map<fs::path, int> page_counts;  // for the progress estimate
  collect.page_count = [&limits = config.ingest.limits, &page_counts](const fs::path& path) {
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
  return run_collection(common, *store, *collection, std::move(config), expected);
}

int run_collection(const CommonOptions& common, indexer::Store& store, const scanners::Collection& collection,
                   Config config, int expected_pages) {
  ProgressPrinter progress(std::cerr, ::isatty(STDERR_FILENO) != 0, expected_pages);
  config.ingest.on_batch_done = [&](const std::string& line) { progress.line("  " + line); };
  config.ingest.on_progress = [&](int done) { progress.update(done); };
  config.ingest.stop = &g_stop_ingest;
  stop_ingest_on_signals();
  auto report = ingest(store, collection, config.ingest);
  progress.finish();
  if (!report) {
    print_error(report.error());
    return 1;
  }
  if (common.json) {
    print_json(report_json(*report));
    if (common.timings) std::cerr << format_timings(report->timings);  // standard output stays JSON
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
    if (common.timings) std::cout << "\n" << format_timings(report->timings);
  }
  for (const std::string& failure : report->failures) std::cerr << "chartroom: " << failure << "\n";
  return report->all_accounted() ? 0 : 1;
}

int run_patients_import(const CommonOptions& common, const fs::path& file, std::string format,
                        const classify::MatchOptions& match) {
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
  const std::string actor = os_account();
  if (!audited(*store, {actor, "patients import", file.string(),
                        fmt::format("{} new, {} updated, {} skipped", report->imported, report->updated,
                                    problems.size()),
                        "", {"*"}})) {
    std::cerr << "chartroom: the patients were imported, but the import is not in the audit log; fix the "
                 "store (chartroom audit verify) and import the file again to record it.\n";
    return 1;
  }
  std::cout << fmt::format("Imported {} new patient(s), updated {}, skipped {} bad row(s).\n", report->imported,
                           report->updated, problems.size());
  // Documents waiting because their patient was not in the index may be sure now.
  auto rematched = rematch_review_queue(*store, match, actor, "the patient index was updated from " + file.string());
  if (!rematched) {
    print_error(rematched.error());
    return 1;
  }
  if (rematched->checked > 0) {
    std::cout << fmt::format("Matched {} document(s) in review again: {} now filed, {} with new candidates.\n",
                             rematched->checked, rematched->filed, rematched->updated);
  }
  return 0;
}

}  // namespace chartroom::app
