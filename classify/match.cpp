// Deciding whose a document is: Fellegi-Sunter record linkage over every
// identifier read on its pages, against the index entries that lookups find.
// A wrong patient is far worse than a review, so besides the score a document
// goes to review whenever something read contradicts the best entry, two
// entries fit about equally, or the patient is not in the index.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/text_util.h"

namespace chartroom::classify {

namespace {

using detail::Agreement;
using detail::letters;

// log2 likelihood ratios m/u of each agreement level. u is the chance that a
// random other person agrees that well (1 in a million for an MRN, about 1 in
// 30,000 for a date of birth, 1 in 1,000 for a family name); m the chance the
// right person's value reads that way on a scanned page.
struct Weights {
  double exact, corrected, close, weak, conflict;
};
constexpr Weights kMrn{20, 17, 6, 1, -12};
constexpr Weights kBarcodeMrn{23, 23, 6, 1, -12};
constexpr Weights kBirthDate{14, 12, 6, 0, -10};
constexpr Weights kFamily{10, 10, 6, 2, -8};
constexpr Weights kGiven{7, 7, 4, 1, -6};

double weight_of(const Weights& w, Agreement level, bool corrected) {
  switch (level) {
    case Agreement::kExact: return corrected ? w.corrected : w.exact;
    case Agreement::kClose: return w.close;
    case Agreement::kWeak: return w.weak;
    case Agreement::kConflict: return w.conflict;
  }
  return w.conflict;
}

std::string where(const Identifier& id) {
  if (id.from_barcode) return "barcode on page " + std::to_string(id.page + 1);
  return "page " + std::to_string(id.page + 1) + ", line " + std::to_string(id.line + 1);
}

std::string mask(std::string_view what) { return std::string(what); }

struct NameParts {
  std::string family;
  std::string given;
};
NameParts split_name(std::string_view value) {
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos) return {letters(value), ""};
  return {letters(value.substr(0, comma)), letters(value.substr(comma + 1))};
}

// Scores one identifier against one index entry.
struct FieldResult {
  double weight = 0;
  Agreement level = Agreement::kConflict;
  std::string note;
};

FieldResult score(const Identifier& id, const Patient& p) {
  FieldResult r;
  switch (id.kind) {
    case IdentifierKind::kMrn: {
      auto c = detail::compare_mrn(id.value, to_upper_ascii(p.mrn));
      r = {weight_of(id.from_barcode ? kBarcodeMrn : kMrn, c.level, id.corrected), c.level,
           "MRN " + c.note + (id.corrected && c.level == Agreement::kExact ? " after fixing look-alikes" : "")};
      break;
    }
    case IdentifierKind::kBirthDate: {
      auto c = detail::compare_birth_date(id.value, p.birth_date);
      r = {weight_of(kBirthDate, c.level, id.corrected), c.level, "date of birth " + c.note};
      break;
    }
    case IdentifierKind::kName: {
      const NameParts read = split_name(id.value);
      const std::string family = letters(p.family_name);
      const std::string given = letters(p.given_name);
      const std::string middle = letters(p.middle_name);
      auto f = detail::compare_family(read.family, family);
      auto g = detail::compare_given(read.given, given);
      if (g.level == Agreement::kConflict && !middle.empty()) {
        auto m = detail::compare_given(read.given, middle);
        if (m.level == Agreement::kExact) g = {Agreement::kWeak, "given name is the middle name"};
      }
      double w = weight_of(kFamily, f.level, false) + weight_of(kGiven, g.level, false);
      Agreement level = std::max(f.level, g.level);
      std::string note = "family name " + f.note + ", given name " + g.note;
      // The two names printed the other way round.
      auto fs = detail::compare_family(read.given, family);
      auto gs = detail::compare_given(read.family, given);
      const double swapped = weight_of(kFamily, fs.level, false) + weight_of(kGiven, gs.level, false) - 3;
      if (swapped > w && fs.level != Agreement::kConflict && gs.level != Agreement::kConflict) {
        w = swapped;
        level = std::max({fs.level, gs.level, Agreement::kClose});
        note = "family and given names the other way round";
      }
      r = {w, level, note};
      break;
    }
  }
  return r;
}

void add_candidates(std::vector<Patient>&& found, std::map<std::string, Patient>& into) {
  for (Patient& p : found) {
    const std::string key = p.mrn;
    into.emplace(key, std::move(p));
  }
}

// MRNs one OCR slip away from what was read (look-alike digit, transposed
// neighbours) that the site's pattern and check digit allow.
std::vector<std::string> mrn_variants(const std::string& mrn, const IdentifierOptions& options) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < mrn.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == mrn[i] || !detail::confusable_digits(d, mrn[i])) continue;
      std::string v = mrn;
      v[i] = d;
      out.insert(v);
    }
    if (i + 1 < mrn.size() && mrn[i] != mrn[i + 1]) {
      std::string v = mrn;
      std::swap(v[i], v[i + 1]);
      out.insert(v);
    }
  }
  std::vector<std::string> valid;
  for (const std::string& v : out) {
    if (mrn_is_valid(v, options)) valid.push_back(v);
  }
  return valid;
}

std::vector<std::string> date_variants(const std::string& date) {
  std::vector<std::string> out;
  if (date.size() != 10) return out;
  std::string swapped = date;
  swapped.replace(5, 2, date.substr(8, 2));
  swapped.replace(8, 2, date.substr(5, 2));
  if (swapped != date && normalize_date(swapped)) out.push_back(swapped);
  for (std::size_t i = 0; i < date.size(); ++i) {
    if (date[i] == '-') continue;
    for (char d = '0'; d <= '9'; ++d) {
      if (d == date[i] || !detail::confusable_digits(d, date[i])) continue;
      std::string v = date;
      v[i] = d;
      if (normalize_date(v)) out.push_back(v);
    }
  }
  return out;
}

constexpr int kBlockLimit = 500;

Result<std::map<std::string, Patient>> block(const std::vector<Identifier>& evidence, PatientIndex& index,
                                              const MatchOptions& options) {
  std::map<std::string, Patient> candidates;
  std::set<std::string> mrns_tried;
  std::set<std::string> dates_tried;
  std::set<std::string> names_tried;
  const auto by_mrn = [&](const std::string& mrn) -> Status {
    if (!mrns_tried.insert(mrn).second) return {};
    auto p = index.by_mrn(mrn);
    if (!p) return std::unexpected(p.error());
    if (*p) candidates.emplace((*p)->mrn, std::move(**p));
    return {};
  };
  const auto by_date = [&](const std::string& date) -> Status {
    if (!dates_tried.insert(date).second) return {};
    auto found = index.by_birth_date(date, kBlockLimit);
    if (!found) return std::unexpected(found.error());
    add_candidates(std::move(*found), candidates);
    return {};
  };
  for (const Identifier& id : evidence) {
    Status s;
    if (id.kind == IdentifierKind::kMrn) {
      s = by_mrn(id.value);
      for (const std::string& v : mrn_variants(id.value, options.identifiers)) {
        if (s) s = by_mrn(v);
      }
    } else if (id.kind == IdentifierKind::kBirthDate) {
      s = by_date(id.value);
      for (const std::string& v : date_variants(id.value)) {
        if (s) s = by_date(v);
      }
    } else {
      const NameParts name = split_name(id.value);
      for (const std::string& family : {name.family, name.given}) {
        if (family.size() < 2 || !names_tried.insert(family).second) continue;
        auto found = index.by_family_name(family, kBlockLimit);
        if (!found) return std::unexpected(found.error());
        add_candidates(std::move(*found), candidates);
      }
    }
    if (!s) return std::unexpected(s.error());
  }
  return candidates;
}

Candidate evaluate(const Patient& p, const std::vector<Identifier>& evidence) {
  Candidate c;
  c.patient = p;
  // The best agreement of each kind counts once; every conflict is kept.
  std::map<IdentifierKind, std::pair<double, std::string>> best;
  for (const Identifier& id : evidence) {
    FieldResult r = score(id, p);
    if (r.level == Agreement::kConflict) {
      c.conflicts.push_back(std::string(identifier_kind_name(id.kind)) + " read on " + where(id) + " (" +
                            mask(id.value) + "): " + r.note);
      continue;
    }
    if (id.kind == IdentifierKind::kMrn && r.level == Agreement::kExact) c.mrn_agrees = true;
    auto it = best.find(id.kind);
    if (it == best.end() || r.weight > it->second.first) {
      best[id.kind] = {r.weight, r.note + " (" + where(id) + ")"};
    }
  }
  for (const auto& [kind, value] : best) {
    c.weight += value.first;
    c.agreements.push_back(value.second);
  }
  // A kind read only in conflict counts against the entry.
  std::set<IdentifierKind> conflicted;
  for (const Identifier& id : evidence) {
    if (!best.contains(id.kind) && score(id, p).level == Agreement::kConflict) conflicted.insert(id.kind);
  }
  for (IdentifierKind kind : conflicted) {
    c.weight += kind == IdentifierKind::kMrn ? kMrn.conflict
                : kind == IdentifierKind::kBirthDate ? kBirthDate.conflict
                                                     : kFamily.conflict;
  }
  return c;
}

std::string fixed2(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

}  // namespace

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
  std::ranges::sort(candidates, [](const Candidate& a, const Candidate& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.patient.mrn < b.patient.mrn;
  });

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
    if (id.kind != IdentifierKind::kMrn) continue;
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
          decision.review_reasons.push_back("two index entries fit about equally well (MRN " + best.patient.mrn +
                                            " and MRN " + second.patient.mrn +
                                            "): same name and date of birth, twins or Jr./Sr.?");
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
      if (!best.mrn_agrees && !options.file_without_mrn && decision.review_reasons.empty()) {
        decision.review_reasons.push_back(
            "no MRN read on the pages confirms the patient; a name and date of birth alone are not enough to "
            "file (people share both)");
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
