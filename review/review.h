// review/: the misfile-review queue as reviewers see it. The web review
// station (HTTP server, page viewer, decisions) grows here; today it holds the
// queue order and its terminal listing (`chartroom review list`).
#pragma once

#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace chartroom::review {

// The documents waiting for a person, oldest first (first in, first reviewed).
std::vector<indexer::DocumentRow> review_queue(const std::vector<indexer::DocumentRow>& documents);

// Plain-text listing of the queue: one block per document with every reason.
std::string format_queue(const std::vector<indexer::DocumentRow>& queue);

}  // namespace chartroom::review
