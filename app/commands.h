// The `chartroom` subcommands. Each returns the process exit code:
// 0 done, 1 something could not be done or accounted for (the message says what), 2 bad usage.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/config.h"

namespace chartroom::app {

struct CommonOptions {
  std::filesystem::path store = "chartroom-store";
  bool json = false;
};

int run_ingest(const CommonOptions& common, const std::vector<std::filesystem::path>& inputs, Config config);
int run_patients_import(const CommonOptions& common, const std::filesystem::path& file, std::string format);
int run_pages(const CommonOptions& common);
int run_documents(const CommonOptions& common);
int run_search(const CommonOptions& common, const std::string& query, int limit);
int run_show(const CommonOptions& common, const std::string& id, bool with_text);
int run_review_list(const CommonOptions& common);
int run_train_types(const std::filesystem::path& input, const std::filesystem::path& out, double holdout);
int run_separator_sheet(const std::string& value, const std::string& mrn, const std::filesystem::path& out);

}  // namespace chartroom::app
