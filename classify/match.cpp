// Deciding whose a document is. A wrong patient is far worse than a review,
// so a document is filed only when its MRN is in the index and the name or
// the date of birth printed beside it agrees with the index entry.
#include <algorithm>
#include <map>

#include "classify/classify.h"

namespace chartroom::classify {

namespace {

// Letters only, upper case: "O'Brien" and "OBRIEN" compare equal.
std::string letters(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') out += static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') out += c;
  }
  return out;
}

bool name_agrees(std::string_view found, const Patient& patient) {
  const std::size_t comma = found.find(',');
  if (comma == std::string_view::npos) return false;
  const std::string family = letters(found.substr(0, comma));
  const std::string given = letters(found.substr(comma + 1));
  return family == letters(patient.family_name) && given == letters(patient.given_name);
}

std::string where(const Identifier& id) { return "page " + std::to_string(id.page + 1); }

}  // namespace

Result<PatientDecision> match_patient(std::span<const PageText> pages, PatientIndex& index,
                                      const MatchOptions& options) {
  PatientDecision decision;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto found = find_identifiers(pages[i], static_cast<int>(i), options.identifiers);
    decision.evidence.insert(decision.evidence.end(), found.begin(), found.end());
  }

  // Distinct MRNs, in the order first seen, with where each was first seen.
  std::vector<const Identifier*> mrns;
  for (const Identifier& id : decision.evidence) {
    if (id.kind != IdentifierKind::kMrn) continue;
    if (std::ranges::none_of(mrns, [&](const Identifier* seen) { return seen->value == id.value; })) {
      mrns.push_back(&id);
    }
  }
  if (mrns.empty()) {
    decision.review_reasons.push_back("no MRN found on any page; choose the patient");
    return decision;
  }
  if (mrns.size() > 1) {
    std::string list;
    for (const Identifier* id : mrns) list += (list.empty() ? "" : ", ") + id->value + " (" + where(*id) + ")";
    decision.review_reasons.push_back("different MRNs in one document: " + list +
                                      "; it may hold pages of more than one patient");
    return decision;
  }

  const Identifier& mrn = *mrns.front();
  auto patient = index.by_mrn(mrn.value);
  if (!patient) return std::unexpected(patient.error());
  if (!patient->has_value()) {
    decision.review_reasons.push_back("MRN " + mrn.value + " (" + where(mrn) +
                                      ") is not in the patient index; import the patient or choose one");
    return decision;
  }
  const Patient& entry = **patient;

  bool name_confirmed = false;
  bool dob_confirmed = false;
  bool contradicted = false;
  for (const Identifier& id : decision.evidence) {
    if (id.kind == IdentifierKind::kName) {
      if (name_agrees(id.value, entry)) {
        name_confirmed = true;
      } else {
        contradicted = true;
        decision.review_reasons.push_back("the name on " + where(id) + " (" + id.value +
                                          ") does not match the index entry for MRN " + entry.mrn);
      }
    } else if (id.kind == IdentifierKind::kBirthDate) {
      if (id.value == entry.birth_date) {
        dob_confirmed = true;
      } else {
        contradicted = true;
        decision.review_reasons.push_back("the date of birth on " + where(id) + " (" + id.value +
                                          ") does not match the index entry for MRN " + entry.mrn);
      }
    }
  }

  double confidence = 0.85;  // the MRN alone: one misread digit can name another patient
  if (name_confirmed && dob_confirmed) {
    confidence = 0.99;
  } else if (name_confirmed || dob_confirmed) {
    confidence = 0.96;
  } else {
    decision.review_reasons.push_back("only the MRN " + entry.mrn +
                                      " was found; no name or date of birth on the pages confirms it");
  }
  if (contradicted) confidence = std::min(confidence, 0.4);
  decision.patient = PatientRef{entry.mrn, confidence};
  decision.file = !contradicted && confidence >= options.file_threshold;
  if (!decision.file && decision.review_reasons.empty()) {
    decision.review_reasons.push_back("patient match confidence " + std::to_string(confidence) +
                                      " is below the filing threshold");
  }
  return decision;
}

}  // namespace chartroom::classify
