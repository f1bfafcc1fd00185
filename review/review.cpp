#include "review/review.h"

#include <algorithm>

#include <fmt/format.h>

namespace chartroom::review {

std::vector<indexer::DocumentRow> review_queue(const std::vector<indexer::DocumentRow>& documents) {
  std::vector<indexer::DocumentRow> queue;
  std::ranges::copy_if(documents, std::back_inserter(queue),
                       [](const indexer::DocumentRow& d) { return d.state == DocumentState::kReview; });
  std::ranges::stable_sort(queue, {}, &indexer::DocumentRow::created_at);
  return queue;
}

std::string format_queue(const std::vector<indexer::DocumentRow>& queue) {
  if (queue.empty()) return "The review queue is empty.\n";
  std::string out = fmt::format("{} document(s) waiting for review, oldest first:\n", queue.size());
  for (const indexer::DocumentRow& d : queue) {
    out += fmt::format("\n{}  {} page(s)  received {}  batch {}\n", d.id, d.pages, d.created_at, d.batch);
    if (d.patient) {
      out += fmt::format("  best candidate: MRN {} (confidence {:.2f}), not filed to it\n", d.patient->mrn,
                         d.patient->confidence);
    }
    for (const std::string& reason : d.review_reasons) out += "  - " + reason + "\n";
  }
  return out;
}

}  // namespace chartroom::review
