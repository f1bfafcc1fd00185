#include "review/review.h"

#include <utility>

#include <fmt/format.h>

namespace chartroom::review {

std::string format_queue(const std::vector<indexer::DocumentRow>& queue, int total, int offset) {
  if (queue.empty()) {
    return total == 0 ? "The review queue is empty.\n"
                      : fmt::format("No documents past the first {} of {} in this part of the queue.\n", offset, total);
  }
  std::string out =
      std::cmp_equal(queue.size(), total)
          ? fmt::format("{} document(s) waiting for review, oldest first:\n", total)
          : fmt::format("{} document(s) waiting for review, oldest first; these are {} to {}:\n", total, offset + 1,
                        offset + static_cast<int>(queue.size()));
  for (const indexer::DocumentRow& d : queue) {
    out += fmt::format("\n{}  {} page(s)  received {}  batch {}\n", d.id, d.pages, d.created_at, d.batch);
    if (d.patient) {
      out += fmt::format("  best candidate: MRN {} (confidence {:.2f}), not filed to it\n", d.patient->mrn,
                         d.patient->confidence);
    }
    for (const std::string& reason : d.review_reasons) out += "  - " + reason + "\n";
    if (d.review_reasons.empty()) out += "  - waiting for a person to confirm it\n";
  }
  if (offset + static_cast<int>(queue.size()) < total) {
    out += fmt::format("\nThe next ones: chartroom review list --offset {}\n", offset + static_cast<int>(queue.size()));
  }
  out += "\nLook at one with: chartroom show ID --text\n"
         "Settle it with:   chartroom review resolve ID --patient MRN [--type LABEL] --reason TEXT\n"
         "                  (or review split, merge, set-type, rotate, reject; see chartroom review --help)\n";
  return out;
}

std::string format_rejected(const std::vector<indexer::DocumentRow>& rejected, const std::vector<std::string>& why) {
  if (rejected.empty()) return "No document has been rejected.\n";
  std::string out = fmt::format("{} rejected document(s), oldest first (kept, never filed):\n", rejected.size());
  for (std::size_t i = 0; i < rejected.size(); ++i) {
    const indexer::DocumentRow& d = rejected[i];
    out += fmt::format("\n{}  {} page(s)  received {}  batch {}\n  rejected {} by {}: {}\n", d.id, d.pages,
                       d.created_at, d.batch, d.decided_at.value_or("?"), d.decided_by.value_or("?"),
                       i < why.size() ? why[i] : std::string("?"));
  }
  out += "\nThe pages are listed by: chartroom show ID\n";
  return out;
}

}  // namespace chartroom::review
