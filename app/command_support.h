// Private to app/: what every subcommand shares: opening the store (a read
// or a decision never creates one: a mistyped --store must not answer from
// an empty new store), printing errors, and auditing what was shown.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "indexer/indexer.h"
#include "scanners/scanners.h"

namespace chartroom::app {

void print_error(const Error& error);

// Records a read in the audit log as the operating-system account (actor is
// filled in); false, with the error printed, when it cannot: then nothing may
// be shown.
bool audited(indexer::Store& store, indexer::AuditEntry entry);

// Opens the store for ingest and patients import: it is made only when asked
// (--create); a mistyped --store must not start a second, empty store.
std::unique_ptr<indexer::Store> open_store(const CommonOptions& common);
// Whether `folder` holds a store (its chartroom.db).
bool is_store(const std::filesystem::path& folder);
// Opens a store that must exist already; otherwise says so and names the folder.
std::unique_ptr<indexer::Store> open_existing_store(const CommonOptions& common);

// The full id of a document given by its id or a unique prefix (printing why not).
std::optional<std::string> find_document_id(indexer::Store& store, const std::string& given);

// Prints documents as `documents --json` does.
void print_documents_json(const std::vector<indexer::DocumentRow>& documents);

// The filters of `documents` (and `search`, `patients show`) as a query;
// nullopt, with what is wrong printed, for a bad --state or --since (exit 2).
std::optional<indexer::DocumentQuery> document_query(const DocumentsArgs& args);

// The document types a person may choose: the built-in ones and the labels
// of the model in use.
std::vector<std::string> known_types(const Config& config);

// Ingests a collection and prints its reconciliation (ingest, reprocess);
// `expected_pages` sizes the progress bar. Exit code 0 when every page is
// accounted for.
int run_collection(const CommonOptions& common, indexer::Store& store, const scanners::Collection& collection,
                   Config config, int expected_pages);

}  // namespace chartroom::app
