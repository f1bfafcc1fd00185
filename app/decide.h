// The filing decision for one batch: which read pages form which documents,
// whose each document is and what type, and whether it is filed or goes to
// review. Pure decision over the pipeline's page records; the pipeline files
// the result.
#pragma once

#include <string>
#include <vector>

#include "classify/classify.h"
#include "indexer/indexer.h"

namespace chartroom::app {

// The store's patient index as classify/ sees it.
class StoreIndex final : public classify::PatientIndex {
 public:
  explicit StoreIndex(indexer::Store& store) : store_(store) {}
  Result<std::optional<Patient>> by_mrn(std::string_view mrn) override { return store_.patient_by_mrn(mrn); }

 private:
  indexer::Store& store_;
};

struct DecideOptions {
  classify::MatchOptions match;
  std::string engine_description;  // recorded in each document's evidence
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

}  // namespace chartroom::app
