// review/: the misfile-review queue as reviewers see it: the terminal
// listings of `chartroom review list` (here) and the web review station
// (station.h).
#pragma once

#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace chartroom::review {

// Plain-text listing of a part of the queue (`total` documents in all, this
// part from `offset`): one block per document with every reason and the
// command that settles it.
std::string format_queue(const std::vector<indexer::DocumentRow>& queue, int total, int offset);

// Plain-text listing of rejected documents, for the scanning room to act on;
// why[i] is the reason rejected[i] was rejected.
std::string format_rejected(const std::vector<indexer::DocumentRow>& rejected, const std::vector<std::string>& why);

}  // namespace chartroom::review
