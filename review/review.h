// review/: the misfile-review queue as reviewers see it. The web review
// station (HTTP server, page viewer, decisions) grows here; today it holds the
// terminal listings of `chartroom review list` (the store answers the query:
// Store::documents_in_state, oldest first).
#pragma once

#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace chartroom::review {

// Plain-text listing of the queue: one block per document with every reason
// and the command that settles it.
std::string format_queue(const std::vector<indexer::DocumentRow>& queue);

// Plain-text listing of rejected documents, for the scanning room to act on;
// why[i] is the reason rejected[i] was rejected.
std::string format_rejected(const std::vector<indexer::DocumentRow>& rejected, const std::vector<std::string>& why);

}  // namespace chartroom::review
