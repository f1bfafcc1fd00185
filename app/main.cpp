// chartroom: paper medical charts in, a searchable, correctly filed record out.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "app/cli.h"
#include "app/commands.h"
#include "app/status.h"
#include "app/watch.h"
#include "ocr/ocr.h"

namespace {

constexpr const char* kDescription = R"(chartroom turns scanned paper charts into searchable PDFs filed under the right patient.
Whatever it is not sure of goes to a review queue; every page ends filed, in review,
quarantined (with a reason) or dropped as a blank back side.

Examples:
  chartroom patients import roster.csv --store /srv/charts
  chartroom ingest /scans/tuesday/ --store /srv/charts
  chartroom documents --store /srv/charts
  chartroom search "chest pain" --store /srv/charts
  chartroom patients search "SMITH, John" --store /srv/charts
  chartroom show 3f9a1c2b --text --store /srv/charts
  chartroom review list --store /srv/charts
  chartroom review resolve 3f9a1c2b --patient 00012345 --reason "MRN on the sticker" --store /srv/charts
  chartroom audit verify --store /srv/charts

The store folder can also be set once with the CHARTROOM_STORE environment variable.)";

}  // namespace

namespace chartroom::app {

std::optional<Config> config_from(const std::filesystem::path& path) {
  if (path.empty()) return default_config();
  auto loaded = load_config(path);
  if (!loaded) {
    std::cerr << "chartroom: " << loaded.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

}  // namespace chartroom::app

int main(int argc, char** argv) {
  // Before any thread or Tesseract engine exists (see ocr.h).
  chartroom::ocr::limit_openmp_threads();

  CLI::App app{kDescription, "chartroom"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "chartroom 0.1.0 (tesseract " + chartroom::ocr::tesseract_version() + ")");

  chartroom::app::CommonOptions common;
  if (const char* env = std::getenv("CHARTROOM_STORE"); env != nullptr && *env != '\0') common.store = env;
  auto add_store = [&](CLI::App* command) {
    command->add_option("--store", common.store, "The records store folder (it must exist)")
        ->capture_default_str();
  };
  // ingest, watch and patients import make a new store, but only when asked.
  const auto creates_store = [&common](CLI::App* command) {
    command->get_option("--store")->description("The records store folder (it must exist, unless --create)");
    command->add_flag("--create", common.create,
                      "Make the store folder if it is not a store yet (the first run into a new store)");
  };
  auto add_json = [&](CLI::App* command, const char* what) {
    command->add_flag("--json", common.json, what);
  };
  chartroom::app::Cli cli{app, common, add_store, add_json, {}};

  // ingest
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path config_path;
  int workers = 0;
  std::filesystem::path debug_dir;
  auto* ingest = app.add_subcommand(
      "ingest",
      "Read, classify and file scanned pages.\n"
      "Each multi-page TIFF or PDF is one batch; the single-page images (PNG, JPEG, one-page\n"
      "TIFF or PDF) directly inside a folder form one batch in name order. Files that cannot be read are\n"
      "quarantined with the reason, and the run goes on. Ctrl-C finishes the pages being read\n"
      "and stops; running it again continues and skips what is done.\n"
      "  chartroom ingest scans/batch_0001.tif scans/clinic_0003/ --store /srv/charts\n"
      "  chartroom ingest /scans/box-0147/ --timings --store /srv/charts   # and where the time went");
  ingest->add_option("paths", inputs, "Image and PDF files and folders to ingest")->required();
  ingest->add_option("--config", config_path, "A chartroom.toml with thresholds and limits");
  ingest->add_option("--workers", workers, "Pages read in parallel (default: one per core)")
      ->check(CLI::Range(1, 256));
  ingest->add_option("--debug-dir", debug_dir,
                     "Write each page's cleaning stages there as PNGs (scan, deskewed, binary, final...),\n"
                     "named after the input file and page, to see why a page came out as it did");
  add_store(ingest);
  creates_store(ingest);
  add_json(ingest, "Print the reconciliation report as JSON");
  ingest->add_flag("--timings", common.timings,
                   "At the end, print where the time went: seconds per stage (decode, clean, OCR,\n"
                   "classify, assemble PDFs, commit, waiting) on the workers and on the reader thread,\n"
                   "and per page (mean, 95th percentile); with --json on standard error");

  // patients import
  auto* patients = app.add_subcommand("patients",
                                       "The patient index: import it, list it, look a patient up.\n"
                                       "  chartroom patients import roster.csv --create\n"
                                       "  chartroom patients search smith --dob 1950-03-02");
  patients->require_subcommand(1);
  std::filesystem::path roster;
  std::string format;
  std::filesystem::path import_config;
  auto* import = patients->add_subcommand(
      "import",
      "Load patients from a CSV (mrn,family_name,given_name,birth_date,sex) or a FHIR R4 Bundle.\n"
      "Bad rows are reported with their line number and skipped; the rest is imported.\n"
      "Importing again updates patients by MRN. Afterwards the documents in review for their\n"
      "patient are matched again, and filed if they now pass the same thresholds as ingest.\n"
      "  chartroom patients import roster.csv --store /srv/charts");
  import->add_option("file", roster, "CSV or FHIR JSON file")->required();
  import->add_option("--format", format, "csv or fhir (default: from the content)")
      ->check(CLI::IsMember({"csv", "fhir"}));
  import->add_option("--config", import_config,
                     "A chartroom.toml whose [classify] thresholds rematching uses (documents in review\n"
                     "for their patient are matched again after the import)");
  add_store(import);
  creates_store(import);
  chartroom::app::add_patient_commands(cli, patients);

  auto* pages =
      app.add_subcommand("pages",
                         "Every input page ever seen and what became of it: filed (document and page),\n"
                         "in review, quarantined with the reason, or dropped as a blank back side.\n"
                         "  chartroom pages --store /srv/charts\n"
                         "  chartroom pages --json --store /srv/charts > pages.json");
  add_store(pages);
  add_json(pages, "JSON array (fields documented in docs/json.md)");

  std::filesystem::path watch_config;
  auto* watch = app.add_subcommand(
      "watch",
      "Run as the scanning-room service: watch each scanner folder of the config, take each\n"
      "batch once the scanner has finished writing it, file it, and move the originals to the\n"
      "archive (ARCHIVE/YYYY-MM-DD/SCANNER/HASH/NAME). SIGTERM stops cleanly (pages in flight\n"
      "are finished or parked and resume at the next start); SIGHUP reloads the config.\n"
      "See chartroom.example.toml ([watch], [[scanner]]) and scripts/chartroom-watch.service.\n"
      "  chartroom watch --config /etc/chartroom/chartroom.toml --store /srv/charts");
  watch->add_option("--config", watch_config, "chartroom.toml with [watch] and one [[scanner]] per folder")
      ->required();
  auto* watch_store =
      watch->add_option("--store", common.store,
                        "The records store folder (or [watch] store); a store named in the\n"
                        "config is made at the first start, one given here only with --create");
  watch->add_flag("--create", common.create, "Make the --store folder if it is not a store yet");

  auto* status =
      app.add_subcommand("status",
                         "The page queue: pages waiting by step, pages finished, throughput, recent errors\n"
                         "and the oldest waiting file. Safe to run while ingest or watch is working.\n"
                         "  chartroom status --store /srv/charts");
  add_store(status);
  add_json(status, "JSON (fields documented in docs/json.md)");

  chartroom::app::DocumentsArgs documents_args;
  auto* documents = app.add_subcommand("documents",
                                       "Filed documents, documents in review and rejected ones, oldest first; the\n"
                                       "filters are answered by the store's database.\n"
                                       "  chartroom documents --patient 00012345\n"
                                       "  chartroom documents --state review --since 2026-11-01 --limit 50");
  documents->add_option("--state", documents_args.state, "filed, review or rejected");
  documents->add_option("--patient", documents_args.patient, "Only this patient's (MRN)");
  documents->add_option("--type", documents_args.type, "Only this document type (progress_note, lab_result, ...)");
  documents->add_option("--since", documents_args.since, "Received on this day (YYYY-MM-DD, UTC) or later");
  documents->add_option("--limit", documents_args.limit, "At most this many")->check(CLI::PositiveNumber);
  documents->add_option("--offset", documents_args.offset, "Skip the first N (the next page)")
      ->check(CLI::NonNegativeNumber);
  add_store(documents);
  add_json(documents, "JSON array (fields documented in docs/json.md)");

  chartroom::app::SearchArgs search_args;
  search_args.filters.limit = 20;
  auto* search = app.add_subcommand("search",
                                    "Full-text search over the text read on every page, best hits first: each hit\n"
                                    "with its document, patient MRN, type, page and state. Words must all appear;\n"
                                    "put a phrase in quotes; a word ending in * is a prefix (3 letters at least).\n"
                                    "The filters are those of `documents`, answered by the store's database.\n"
                                    "  chartroom search 'chest pain' --store /srv/charts\n"
                                    "  chartroom search 'hyperten*' --patient 00012345 --type progress_note\n"
                                    "  chartroom search '\"left lower lobe\"' --state review --since 2026-11-01");
  search->add_option("query", search_args.query, "Words, a \"quoted phrase\", or a prefix such as hyperten*")
      ->required();
  search->add_option("--state", search_args.filters.state, "filed, review or rejected");
  search->add_option("--patient", search_args.filters.patient, "Only this patient's documents (MRN)");
  search->add_option("--type", search_args.filters.type, "Only this document type (progress_note, lab_result, ...)");
  search->add_option("--since", search_args.filters.since, "Received on this day (YYYY-MM-DD, UTC) or later");
  search->add_option("--limit", search_args.filters.limit, "Most hits to show")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  search->add_option("--offset", search_args.filters.offset, "Skip the first N hits (the next page)")
      ->check(CLI::NonNegativeNumber);
  add_store(search);
  add_json(search, "JSON array of hits (fields documented in docs/json.md)");

  std::string id;
  bool with_text = false;
  auto* show = app.add_subcommand("show", "One document: its patient, type, pages, review reasons, the candidates\n"
                                          "and every decision on it (who, when, from, to, why)\n"
                                          "  chartroom show 3f9a1c2b7e4d5a60\n"
                                          "  chartroom show 3f9a --text");
  show->add_option("id", id, "Document id (from `chartroom documents`), or its first 4+ characters")->required();
  show->add_flag("--text", with_text, "Also print the text read on each page");
  add_store(show);
  add_json(show, "JSON, with the evidence behind each decision");

  chartroom::app::add_review_commands(cli);
  chartroom::app::add_admin_commands(cli);

  std::string sheet_value = "CHARTROOM-SEP";
  std::string sheet_mrn;
  std::filesystem::path sheet_out;
  auto* sheet = app.add_subcommand(
      "separator-sheet",
      "Make a separator sheet to print and put in front of each document in a batch.\n"
      "chartroom starts a new document at each sheet and never files the sheet itself.\n"
      "With --mrn the sheet also carries the patient's MRN (Code 128) for the document after it.\n"
      "  chartroom separator-sheet --out separator.pdf\n"
      "  chartroom separator-sheet --mrn 00012345 --out separator-00012345.pdf");
  sheet->add_option("--mrn", sheet_mrn, "Patient MRN to print as a Code 128 barcode");
  sheet->add_option("--value", sheet_value, "Code 39 value of the separator barcode")->capture_default_str();
  sheet->add_option("--out", sheet_out, "Where to write it (.pdf; .png or .tif also work)")->required();

  std::filesystem::path types_in;
  std::filesystem::path types_out = "doctype.model";
  double types_holdout = 0.2;
  auto* train_types = app.add_subcommand(
      "train-types",
      "Build a document-type model from labelled text (JSON Lines: one {\"label\": ..., \"text\": ...}\n"
      "per line, optionally with \"source\": renderings of one note share it and are held out together)\n"
      "and report its accuracy on held-out documents.\n"
      "  chartroom train-types corpus.jsonl --out doctype.model");
  train_types->add_option("input", types_in, "Labelled documents (.jsonl)")->required();
  train_types->add_option("--out", types_out, "Where to write the model")->capture_default_str();
  train_types->add_option("--holdout", types_holdout, "Share kept out to calibrate and measure")
      ->check(CLI::Range(0.05, 0.5))
      ->capture_default_str();

  // Every command's --help ends with the exit codes.
  const std::function<void(CLI::App*)> add_footer = [&add_footer](CLI::App* command) {
    command->footer(chartroom::app::kExitCodes);
    for (CLI::App* sub : command->get_subcommands({})) add_footer(sub);
  };
  add_footer(&app);
  if (auto refused = chartroom::app::refuse_unknown_command(app, argc, argv)) return *refused;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints the help, the version, or what was wrong
    return code == 0 ? 0 : 2;
  }

  using namespace chartroom::app;
  if (ingest->parsed()) {
    auto loaded = config_from(config_path);
    if (!loaded) return 2;
    Config config = std::move(*loaded);
    if (workers > 0) config.ingest.workers = workers;
    if (!debug_dir.empty()) config.ingest.clean.debug_dir = debug_dir;
    return run_ingest(common, inputs, std::move(config));
  }
  if (import->parsed()) {
    auto config = config_from(import_config);
    return config ? run_patients_import(common, roster, format, config->ingest.match) : 2;
  }
  if (pages->parsed()) return run_pages(common);
  if (status->parsed()) return run_status(common);
  if (watch->parsed()) return run_watch(common, watch_store->count() > 0, watch_config);
  if (documents->parsed()) return run_documents(common, documents_args);
  if (search->parsed()) return run_search(common, search_args);
  if (show->parsed()) return run_show(common, id, with_text);
  if (train_types->parsed()) return run_train_types(types_in, types_out, types_holdout);
  if (sheet->parsed()) return run_separator_sheet(sheet_value, sheet_mrn, sheet_out);
  for (const auto& [command, handler] : cli.handlers) {
    if (command->parsed()) return handler();
  }
  return 2;
}
