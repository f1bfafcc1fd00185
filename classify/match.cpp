// Deciding whose a document is: Fellegi-Sunter record linkage over every
// identifier read on its pages, against the index entries that lookups find.
// A wrong patient is far worse than a review, so besides the score a document
// goes to review whenever something read contradicts the best entry, two
// entries fit about equally, or the patient is not in the index.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/match_internal.h"

namespace chartroom::classify {

namespace {

using detail::Agreement;
using detail::block;
using detail::evaluate;
using detail::where;

std::string fixed2(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

// Without an MRN that agrees, a document is filed on the two identifiers of
// health-information practice, name and date of birth, only when both are
// read and agree with the best entry and no other entry comes near it: why
// not, or nullopt when it may be filed.
std::optional<std::string> two_identifier_gap(const Candidate& best, const std::vector<Candidate>& candidates,
                                              const MatchOptions& options) {
  if (!options.file_without_mrn) {
    return "no MRN read on the pages confirms the patient, and this site files only on an MRN "
           "(classify.file_without_mrn = false)";
  }
  if (!best.name_agrees || !best.birth_date_agrees) {
    return std::string("no MRN read on the pages confirms the patient, and without one both the name and the date "
                       "of birth must be read and agree (") +
           (best.name_agrees ? "the date of birth was not" : best.birth_date_agrees ? "the name was not" : "neither was") +
           ")";
  }
  // Twins differ by a given name (13 bits between a given name that agrees
  // and one that conflicts); anything nearer is a person's call.
  constexpr double kMargin = 10;
  if (candidates.size() > 1 && best.weight - candidates[1].weight < kMargin) {
    return "no MRN read on the pages, and another index entry (MRN " + candidates[1].patient.mrn +
           ") fits the name and date of birth nearly as well";
  }
  return std::nullopt;
}

}  // namespace

Result<std::int64_t> PatientIndex::family_name_count(std::string_view family) {
  constexpr int kCap = 10'000;
  auto found = by_family_name(family, kCap);
  if (!found) return std::unexpected(found.error());
  return static_cast<std::int64_t>(found->size());
}

Result<PatientDecision> match_identifiers(std::vector<Identifier> evidence, PatientIndex& index,
                                          const MatchOptions& options) {
  PatientDecision decision;
  decision.evidence = std::move(evidence);
  const std::vector<Identifier>& ids = decision.evidence;
  if (ids.empty()) {
    decision.review_reasons.push_back("no patient identifier (MRN, name, date of birth) was found on any page; "
                                      "choose the patient");
    return decision;
  }
  auto blocked = block(ids, index, options);
  if (!blocked) return std::unexpected(blocked.error());
  auto size = index.size();
  if (!size) return std::unexpected(size.error());

  std::vector<Candidate> candidates;
  for (const auto& [mrn, patient] : *blocked) candidates.push_back(evaluate(patient, ids));
  const auto by_weight = [](const Candidate& a, const Candidate& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.patient.mrn < b.patient.mrn;
  };
  std::ranges::sort(candidates, by_weight);
  // The leading entries scored again with their family name weighed by how
  // many in the index bear it (one lookup each, so only the few that matter).
  constexpr std::size_t kReweigh = 6;
  for (std::size_t i = 0; i < std::min(candidates.size(), kReweigh); ++i) {
    const std::string family = to_upper_ascii(candidates[i].patient.family_name);
    auto bearing = index.family_name_count(family);
    if (!bearing) return std::unexpected(bearing.error());
    candidates[i] = evaluate(candidates[i].patient, ids, detail::family_name_weight(*bearing, *size));
  }
  std::ranges::sort(candidates, by_weight);

  // Posterior over "one of these entries" and "someone not found": each entry
  // has prior odds prior_in_index / population against an outsider, whose
  // evidence has likelihood ratio 1 by the definition of u.
  const double population = std::max(options.population, static_cast<double>(*size));
  const double log2_prior = std::log2(options.prior_in_index / population / (1.0 - options.prior_in_index));
  double total = 1.0;
  double top = candidates.empty() ? 0 : candidates.front().weight;
  // Scaled by the best odds to stay finite.
  const double scale = std::max(0.0, top + log2_prior);
  total = std::exp2(-scale);
  for (Candidate& c : candidates) {
    c.confidence = std::exp2(c.weight + log2_prior - scale);
    total += c.confidence;
  }
  for (Candidate& c : candidates) c.confidence /= total;

  // Distinct MRNs read that cannot be one OCR slip of each other.
  std::vector<const Identifier*> mrns;
  for (const Identifier& id : ids) {
    if (id.kind != IdentifierKind::kMrn || id.account) continue;
    if (std::ranges::none_of(mrns, [&](const Identifier* seen) {
          return detail::compare_mrn(id.value, seen->value).level != Agreement::kConflict;
        })) {
      mrns.push_back(&id);
    }
  }
  if (mrns.size() > 1) {
    std::string list;
    for (const Identifier* id : mrns) list += (list.empty() ? "" : ", ") + id->value + " (" + where(*id) + ")";
    decision.review_reasons.push_back("different MRNs in one document: " + list +
                                      "; it may hold pages of more than one patient");
  }

  const bool has_mrn = !mrns.empty();
  if (candidates.empty() || candidates.front().confidence < options.review_threshold) {
    if (has_mrn && std::ranges::none_of(candidates, [&](const Candidate& c) {
          return std::ranges::any_of(mrns, [&](const Identifier* m) { return m->value == c.patient.mrn; });
        })) {
      decision.review_reasons.push_back("MRN " + mrns.front()->value + " (" + where(*mrns.front()) +
                                        ") is not in the patient index; import the patient or choose one");
    } else {
      decision.review_reasons.push_back("no entry of the patient index fits what was read well enough; "
                                        "the patient may be missing from the index");
    }
  }
  if (!candidates.empty()) {
    const Candidate& best = candidates.front();
    double confidence = best.confidence;
    if (confidence >= options.review_threshold) {
      for (const std::string& conflict : best.conflicts) {
        decision.review_reasons.push_back("the best entry (MRN " + best.patient.mrn + ") is contradicted: " +
                                          conflict);
      }
      if (!best.conflicts.empty()) confidence = std::min(confidence, 0.4);
      // Another entry that fits nearly as well: twins, Jr./Sr., duplicates.
      if (candidates.size() > 1) {
        const Candidate& second = candidates[1];
        if (second.conflicts.empty() && best.weight - second.weight < 8) {
          const bool same_two = best.name_agrees && best.birth_date_agrees && second.name_agrees &&
                                second.birth_date_agrees;
          decision.review_reasons.push_back(
              "two index entries fit about equally well (MRN " + best.patient.mrn + " and MRN " +
              second.patient.mrn + "): " +
              (same_two ? "the same name and date of birth; twins, Jr./Sr. or one person entered twice?"
                        : "what was read does not tell them apart; choose the patient"));
          confidence = std::min(confidence, 0.5);
        }
      }
      // An MRN read exactly that belongs to another entry than the best one.
      for (const Identifier* m : mrns) {
        if (m->value == best.patient.mrn) continue;
        if (std::ranges::any_of(candidates, [&](const Candidate& c) { return c.patient.mrn == m->value; }) &&
            mrns.size() == 1) {
          decision.review_reasons.push_back("the MRN read (" + where(*m) +
                                            ") belongs to another index entry than the name and date of birth");
          confidence = std::min(confidence, 0.4);
        }
      }
      if (!best.mrn_agrees && decision.review_reasons.empty()) {
        if (auto why = two_identifier_gap(best, candidates, options)) decision.review_reasons.push_back(*why);
      }
      decision.patient = PatientRef{best.patient.mrn, confidence};
      decision.file = decision.review_reasons.empty() && confidence >= options.file_threshold;
      if (!decision.file && decision.review_reasons.empty()) {
        std::string agreed;
        for (const std::string& a : best.agreements) agreed += (agreed.empty() ? "" : "; ") + a;
        decision.review_reasons.push_back("patient match confidence " + fixed2(confidence) +
                                          " is below the filing threshold " + fixed2(options.file_threshold) +
                                          " (agreeing: " + agreed + ")");
      }
    }
  }
  const std::size_t keep = std::min(candidates.size(), static_cast<std::size_t>(std::max(0, options.max_candidates)));
  decision.candidates.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep));
  return decision;
}

Result<PatientDecision> match_patient(std::span<const PageText> pages, PatientIndex& index,
                                      const MatchOptions& options) {
  std::vector<Identifier> evidence;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto found = find_identifiers(pages[i], static_cast<int>(i), options.identifiers);
    evidence.insert(evidence.end(), found.begin(), found.end());
  }
  return match_identifiers(std::move(evidence), index, options);
}

}  // namespace chartroom::classify
