// The `chartroom` subcommands. Each returns the process exit code:
// 0 done, 1 something could not be done or accounted for (the message says what), 2 bad usage.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/config.h"
#include "indexer/indexer.h"

namespace chartroom::app {

struct CommonOptions {
  std::filesystem::path store = "chartroom-store";
  bool json = false;
  // --create (ingest, watch, patients import): make the store if it is not one yet.
  bool create = false;
  // --timings (ingest): print where the time went, stage by stage, at the end.
  bool timings = false;
};

int run_ingest(const CommonOptions& common, const std::vector<std::filesystem::path>& inputs, Config config);
// Reads again files seen before (`chartroom reprocess`): the files given, or
// with `quarantined` every file with a page in quarantine.
int run_reprocess(const CommonOptions& common, const std::vector<std::filesystem::path>& files, bool quarantined,
                  Config config);
int run_patients_import(const CommonOptions& common, const std::filesystem::path& file, std::string format,
                        const classify::MatchOptions& match);

// Reading the store (app/read_commands.cpp, app/search_command.cpp); each read is audited.
int run_pages(const CommonOptions& common);
struct DocumentsArgs {
  std::string state;    // filed, review or rejected; empty: all
  std::string patient;  // MRN
  std::string type;     // a document type label
  std::string since;    // YYYY-MM-DD
  int limit = 0;        // 0: all
  int offset = 0;
};
int run_documents(const CommonOptions& common, const DocumentsArgs& args);
struct SearchArgs {
  std::string query;     // words, "a phrase", hyperten*
  DocumentsArgs filters;  // the filters of `documents`; limit 20 unless given
};
int run_search(const CommonOptions& common, const SearchArgs& args);
int run_show(const CommonOptions& common, const std::string& id, bool with_text);
// The patient index (app/patient_commands.cpp); each read is audited.
struct PatientsArgs {
  std::string mrn;   // show
  std::string text;  // search: an MRN, a name, a date of birth
  std::string birth_date;  // search --dob
  int limit = 50;
  int offset = 0;
};
int run_patients_list(const CommonOptions& common, const PatientsArgs& args);
int run_patients_show(const CommonOptions& common, const PatientsArgs& args);
int run_patients_search(const CommonOptions& common, const PatientsArgs& args);
struct ReviewListArgs {
  std::string state = "review";
  std::string kind;  // only documents with a reason of this kind (patient, type, boundary, ...)
  int limit = 100;
  int offset = 0;
};
int run_review_list(const CommonOptions& common, const ReviewListArgs& args);

// A person's decisions (app/decision_commands.cpp): each one transaction,
// audited with the operating-system account as actor and the reason given.
struct DecisionArgs {
  std::string id;
  std::string other;   // merge
  std::string mrn;     // resolve, move
  std::string label;   // resolve --type, set-type
  int page = 0;        // split --at, rotate --page
  int degrees = 0;     // rotate --by
  std::string reason;
};
int run_decision(const CommonOptions& common, indexer::DecisionKind kind, DecisionArgs args, const Config& config);
int run_review_rematch(const CommonOptions& common, const Config& config);

// The review station (app/serve_command.cpp).
struct ServeArgs {
  std::string listen = "127.0.0.1";
  int port = 8750;
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  int idle_minutes = 15;
};
int run_review_serve(const CommonOptions& common, const ServeArgs& args, const Config& config);

// Users and the audit log (app/admin_commands.cpp).
int run_users_add(const CommonOptions& common, const std::string& name, const std::string& role);
int run_users_list(const CommonOptions& common);
int run_users_disable(const CommonOptions& common, const std::string& name);
int run_audit_verify(const CommonOptions& common);
int run_audit_export(const CommonOptions& common, const std::string& from, const std::string& to,
                     const std::string& patient);
int run_train_types(const std::filesystem::path& input, const std::filesystem::path& out, double holdout);
int run_separator_sheet(const std::string& value, const std::string& mrn, const std::filesystem::path& out);

}  // namespace chartroom::app
