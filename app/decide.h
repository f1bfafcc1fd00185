// The filing decision for one batch: which read pages form which documents,
// whose each document is and what type, and whether it is filed or goes to
// review. Pure decision over the pipeline's page records; the pipeline files
// the result.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "indexer/indexer.h"

namespace chartroom::app {

// The store's patient index as classify/ sees it.
class StoreIndex final : public classify::PatientIndex {
 public:
  explicit StoreIndex(indexer::Store& store) : store_(store) {}
  Result<std::optional<Patient>> by_mrn(std::string_view mrn) override { return store_.patient_by_mrn(mrn); }
  Result<std::vector<Patient>> by_birth_date(std::string_view date, int limit) override {
    return store_.patients_by_birth_date(date, limit);
  }
  Result<std::vector<Patient>> by_family_name(std::string_view family, int limit) override {
    return store_.patients_by_family_name(family, limit);
  }
  Result<std::int64_t> family_name_count(std::string_view family) override {
    const auto known = family_counts_.find(family);
    if (known != family_counts_.end()) return known->second;
    auto n = store_.patient_family_name_count(family);
    if (!n) return std::unexpected(n.error());
    family_counts_.emplace(std::string(family), *n);
    return *n;
  }
  Result<std::int64_t> size() override {
    if (!size_) {
      auto n = store_.patient_count();
      if (!n) return std::unexpected(n.error());
      size_ = *n;
    }
    return *size_;
  }

 private:
  indexer::Store& store_;
  std::optional<std::int64_t> size_;  // counted once per batch
  std::map<std::string, std::int64_t, std::less<>> family_counts_;  // likewise
};

struct DecideOptions {
  classify::MatchOptions match;
  std::string engine_description;  // recorded in each document's evidence
  classify::BoundaryOptions boundaries = {};
  classify::TypeOptions type = {};
};

// Decides the documents of a batch. `pages` are all its page records (every
// state); `texts[i]` is what was read on pages[i] (empty unless it was read).
// Sets the state of each read page (filed, review or separator) and returns
// the documents with stable ids derived from `batch_key`.
std::vector<indexer::DocumentRecord> decide_documents(std::vector<indexer::PageRecord>& pages,
                                                      std::vector<PageText>& texts,
                                                      classify::PatientIndex& index,
                                                      const std::string& batch_key,
                                                      const DecideOptions& options);

// The evidence a document carries (`show --json`'s "evidence"): identifiers
// as read and the candidates the matcher weighed. identifiers_from_json reads
// back what identifiers_json wrote, so a document can be matched again later.
nlohmann::json identifiers_json(const std::vector<classify::Identifier>& identifiers);
std::vector<classify::Identifier> identifiers_from_json(const nlohmann::json& identifiers);
nlohmann::json candidates_json(const std::vector<classify::Candidate>& candidates);

}  // namespace chartroom::app
