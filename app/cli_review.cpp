// The review queue and the decisions, as subcommands.
#include <memory>

#include "app/cli.h"

namespace chartroom::app {

namespace {

// --reason, which every decision needs.
void add_reason(CLI::App* command, DecisionArgs& args, bool required = true) {
  auto* option = command->add_option("--reason", args.reason,
                                     "Why (kept with the decision in the document's history and the audit log)");
  if (required) option->required();
}

}  // namespace

void add_review_commands(Cli& cli) {
  auto* review = cli.app.add_subcommand(
      "review",
      "The review queue: documents chartroom was not sure of, waiting for a person.\n"
      "A reviewer's morning:\n"
      "  chartroom review list\n"
      "  chartroom show 3f9a1c2b --text\n"
      "  chartroom review resolve 3f9a1c2b --patient 00012345 --reason \"MRN on the sticker, DOB agrees\"\n"
      "  chartroom review split 7c2e90aa --at 3 --reason \"pages 3-4 are a lab report\"\n"
      "Each decision is kept in the document's history (chartroom show) and the audit log.");
  review->require_subcommand(1);
  auto args = std::make_shared<DecisionArgs>();
  auto config_path = std::make_shared<std::filesystem::path>();
  const auto add_config = [&](CLI::App* command) {
    command->add_option("--config", *config_path,
                        "A chartroom.toml: its thresholds for rematching, its [classify] type_model's types");
  };
  const auto decision = [&cli, args, config_path](CLI::App* command, indexer::DecisionKind kind) {
    cli.add_store(command);
    cli.add_json(command, "Print the changed documents as JSON (the `documents --json` format)");
    cli.handlers.emplace_back(command, [&cli, args, config_path, kind] {
      auto config = config_from(*config_path);
      return config ? run_decision(cli.common, kind, *args, *config) : 2;
    });
  };

  auto* list = review->add_subcommand("list",
                                      "Documents waiting for a person, oldest first, with every reason.\n"
                                      "  chartroom review list\n"
                                      "  chartroom review list --kind patient --limit 20\n"
                                      "  chartroom review list --state rejected   # for the scanning room");
  auto list_args = std::make_shared<ReviewListArgs>();
  list->add_option("--state", list_args->state, "review (the queue) or rejected")->capture_default_str();
  list->add_option("--kind", list_args->kind,
                   "Only documents with a reason of this kind: patient, type, boundary, quality, incomplete, split, "
                   "reprocessed, superseded");
  list->add_option("--limit", list_args->limit, "At most this many")->check(CLI::Range(1, 500))->capture_default_str();
  list->add_option("--offset", list_args->offset, "Skip the oldest N (the next part of the queue)")
      ->check(CLI::NonNegativeNumber);
  cli.add_store(list);
  cli.add_json(list, "JSON array in the `documents --json` format");
  cli.handlers.emplace_back(list, [&cli, list_args] { return run_review_list(cli.common, *list_args); });

  auto* resolve = review->add_subcommand(
      "resolve",
      "File a document in review to a patient (who must be in the patient index).\n"
      "  chartroom review resolve 3f9a1c2b --patient 00012345 --reason \"MRN and DOB on page 1\"\n"
      "  chartroom review resolve 3f9a1c2b --patient 00012345 --type lab_result --reason \"checked\"");
  resolve->add_option("id", args->id, "The document (its id or the first 4+ characters)")->required();
  resolve->add_option("--patient", args->mrn, "The patient's MRN")->required();
  resolve->add_option("--type", args->label, "Its document type, if it has none or the wrong one");
  add_reason(resolve, *args);
  add_config(resolve);
  decision(resolve, indexer::DecisionKind::kResolve);

  auto* split = review->add_subcommand(
      "split",
      "Split a document: the pages from --at on become a new document, in review.\n"
      "  chartroom review split 3f9a1c2b --at 3 --reason \"page 3 starts a lab report\"");
  split->add_option("id", args->id, "The document")->required();
  split->add_option("--at", args->page, "The first page (1-based) of the new document")->required();
  add_reason(split, *args);
  decision(split, indexer::DecisionKind::kSplit);

  auto* merge = review->add_subcommand(
      "merge",
      "Merge two documents: OTHER's pages follow ID's, in order (OTHER must be in review,\n"
      "or filed to the same patient).\n"
      "  chartroom review merge 3f9a1c2b 7c2e90aa --reason \"page 2 of the same discharge summary\"");
  merge->add_option("id", args->id, "The document that keeps the pages")->required();
  merge->add_option("other", args->other, "The document whose pages follow")->required();
  add_reason(merge, *args);
  decision(merge, indexer::DecisionKind::kMerge);

  auto* set_type = review->add_subcommand(
      "set-type",
      "Set a document's type. A document in review only for its type is then filed.\n"
      "  chartroom review set-type 3f9a1c2b correspondence --reason \"a referral letter\"");
  set_type->add_option("id", args->id, "The document")->required();
  set_type->add_option("label", args->label, "progress_note, discharge_summary, lab_result, correspondence, ...")
      ->required();
  add_reason(set_type, *args);
  add_config(set_type);
  decision(set_type, indexer::DecisionKind::kSetType);

  auto* rotate = review->add_subcommand(
      "rotate",
      "Turn one page of a document clockwise (its image and text layer together).\n"
      "  chartroom review rotate 3f9a1c2b --page 2 --by 180");
  rotate->add_option("id", args->id, "The document")->required();
  rotate->add_option("--page", args->page, "The page (1-based)")->required();
  rotate->add_option("--by", args->degrees, "Degrees clockwise")->required()->check(CLI::IsMember({90, 180, 270}));
  args->reason = "turned upright";
  add_reason(rotate, *args, false);
  decision(rotate, indexer::DecisionKind::kRotate);

  auto* reject = review->add_subcommand(
      "reject",
      "Reject a document: not for this facility, or to be rescanned. It is kept, never filed,\n"
      "and listed by `chartroom review list --state rejected`.\n"
      "  chartroom review reject 3f9a1c2b --reason \"rescan requested: page 2 cut off\"");
  reject->add_option("id", args->id, "The document")->required();
  add_reason(reject, *args);
  decision(reject, indexer::DecisionKind::kReject);

  auto serve_args = std::make_shared<ServeArgs>();
  auto* serve = review->add_subcommand(
      "serve",
      "Run the review station: the web page reviewers use to settle the queue with the keyboard\n"
      "(log in with a user of the store; see chartroom users). Listens on 127.0.0.1 only, unless\n"
      "--listen and TLS certificates are given. Every view and decision is audited with the user.\n"
      "  chartroom review serve --store /srv/charts            # then open http://127.0.0.1:8750/\n"
      "  chartroom review serve --listen 0.0.0.0 --port 8443 --tls-cert station.crt --tls-key station.key");
  serve->add_option("--listen", serve_args->listen, "The address to listen on")->capture_default_str();
  serve->add_option("--port", serve_args->port, "The port (0: any free one, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--tls-cert", serve_args->tls_cert, "PEM certificate (with --tls-key: HTTPS)");
  serve->add_option("--tls-key", serve_args->tls_key, "PEM private key, unencrypted");
  serve->add_option("--idle-minutes", serve_args->idle_minutes, "Log a reviewer out after this long idle")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  add_config(serve);
  cli.add_store(serve);
  cli.handlers.emplace_back(serve, [&cli, config_path, serve_args] {
    auto config = config_from(*config_path);
    return config ? run_review_serve(cli.common, *serve_args, *config) : 2;
  });

  auto* rematch = review->add_subcommand(
      "rematch",
      "Match the documents in review for their patient against the patient index again, and file\n"
      "those that now pass the same thresholds as ingest (patients import does this by itself).\n"
      "  chartroom review rematch");
  add_config(rematch);
  cli.add_store(rematch);
  cli.add_json(rematch, "JSON counts");
  cli.handlers.emplace_back(rematch, [&cli, config_path] {
    auto config = config_from(*config_path);
    return config ? run_review_rematch(cli.common, *config) : 2;
  });

  auto* move = cli.app.add_subcommand(
      "move",
      "Move a filed document to another patient (a misfile). The earlier patient stays in its\n"
      "history (chartroom show ID), with who moved it and why.\n"
      "  chartroom move 3f9a1c2b --patient 00067890 --reason \"misfiled: DOB on page 2 is the other patient's\"");
  move->add_option("id", args->id, "The document")->required();
  move->add_option("--patient", args->mrn, "The MRN it belongs to")->required();
  add_reason(move, *args);
  decision(move, indexer::DecisionKind::kMove);

  auto reprocess_files = std::make_shared<std::vector<std::filesystem::path>>();
  auto reprocess_quarantined = std::make_shared<bool>(false);
  auto reprocess_workers = std::make_shared<int>(0);
  auto* reprocess = cli.app.add_subcommand(
      "reprocess",
      "Read again files the store has already seen, after a limit was raised or chartroom was\n"
      "updated. Only the pages that are in no document are read (quarantined, dropped as blank,\n"
      "never finished); pages filed, in review or rejected stay where they are, with what was\n"
      "decided, so no page is filed twice. Pages read again from a file whose other pages were\n"
      "filed go to review. --quarantined reads every file with a page in quarantine, from the\n"
      "copy kept in STORE/quarantine/ or, failing that, from where it was first read.\n"
      "  chartroom reprocess --quarantined --store /srv/charts\n"
      "  chartroom reprocess scans/batch_0007.tif --store /srv/charts --config chartroom.toml");
  reprocess->add_option("files", *reprocess_files, "Files to read again (as ingested, or a copy of the same bytes)");
  reprocess->add_flag("--quarantined", *reprocess_quarantined, "Every file with a page in quarantine");
  reprocess->add_option("--workers", *reprocess_workers, "Pages read in parallel (default: one per core)")
      ->check(CLI::Range(1, 256));
  add_config(reprocess);
  cli.add_store(reprocess);
  cli.add_json(reprocess, "Print the reconciliation report as JSON");
  cli.handlers.emplace_back(reprocess, [&cli, config_path, reprocess_files, reprocess_quarantined,
                                        reprocess_workers] {
    auto config = config_from(*config_path);
    if (!config) return 2;
    if (*reprocess_workers > 0) config->ingest.workers = *reprocess_workers;
    return run_reprocess(cli.common, *reprocess_files, *reprocess_quarantined, std::move(*config));
  });
}

}  // namespace chartroom::app
