// Matching again the documents in review for their patient, once the patient
// index has changed (`patients import` runs it at the end; `chartroom review
// rematch` by hand). The identifiers each document's evidence recorded are
// matched against the index as it is now, with the same thresholds as
// ingest; a document whose only open question was its patient, and which now
// passes, is filed. A document a person has decided on is left alone.
#pragma once

#include <string>
#include <vector>

#include "classify/classify.h"
#include "indexer/indexer.h"

namespace chartroom::app {

struct RematchReport {
  int checked = 0;  // documents in review for their patient
  int filed = 0;    // now filed
  int updated = 0;  // still in review, with other candidates or reasons
  std::vector<std::string> changed;  // ids of documents filed or updated
};

Result<RematchReport> rematch_review_queue(indexer::Store& store, const classify::MatchOptions& options,
                                           const std::string& actor, const std::string& reason);

}  // namespace chartroom::app
