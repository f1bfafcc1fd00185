// Scoring an index entry against what was read: Fellegi-Sunter weights of each
// identifier, its agreements and conflicts.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/match_internal.h"
#include "classify/text_util.h"

namespace chartroom::classify {

namespace {

using detail::Agreement;
using detail::letters;
using detail::NameParts;
using detail::split_name;

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

std::string mask(std::string_view what) { return std::string(what); }

// Scores one identifier against one index entry.
struct FieldResult {
  double weight = 0;
  Agreement level = Agreement::kConflict;
  std::string note;
  bool both_names = false;  // a name read whose family and given names agree
};

FieldResult score(const Identifier& id, const Patient& p, double family_exact) {
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
      // The family name's weight is how rare it is in the index; an exact
      // reading but for OCR look-alikes counts a little less than exact.
      Weights family_weights = kFamily;
      family_weights.exact = family_weights.corrected = family_exact;
      family_weights.close = std::min(kFamily.close, family_exact - 2);
      const auto name_weight = [&](const Weights& w, const detail::Comparison& c) {
        return c.look_alike ? w.exact - 1 : weight_of(w, c.level, false);
      };
      double w = name_weight(family_weights, f) + name_weight(kGiven, g);
      Agreement level = std::max(f.level, g.level);
      std::string note = "family name " + f.note + ", given name " + g.note;
      r.both_names = (f.level == Agreement::kExact || f.look_alike) && (g.level == Agreement::kExact || g.look_alike);
      // The two names printed the other way round.
      auto fs = detail::compare_family(read.given, family);
      auto gs = detail::compare_given(read.family, given);
      const double swapped = weight_of(kFamily, fs.level, false) + weight_of(kGiven, gs.level, false) - 3;
      bool both_names = r.both_names;
      if (swapped > w && fs.level != Agreement::kConflict && gs.level != Agreement::kConflict) {
        w = swapped;
        level = std::max({fs.level, gs.level, Agreement::kClose});
        note = "family and given names the other way round";
        both_names = false;
      }
      r = {w, level, note, both_names};
      break;
    }
  }
  return r;
}

}  // namespace

namespace detail {

std::string where(const Identifier& id) {
  if (id.from_barcode) return "barcode on page " + std::to_string(id.page + 1);
  return "page " + std::to_string(id.page + 1) + ", line " + std::to_string(id.line + 1);
}

NameParts split_name(std::string_view value) {
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos) return {letters(value), ""};
  return {letters(value.substr(0, comma)), letters(value.substr(comma + 1))};
}

double family_name_weight(std::int64_t bearing, std::int64_t index_size) {
  // u: the chance that another person bears the name, from the index's own
  // count shrunk toward 1 in 1,000 (an index of a few hundred says little);
  // m: about 0.95 of the right person's names read that way.
  const double u = (static_cast<double>(std::max<std::int64_t>(bearing, 1)) + 1.0) /
                   (static_cast<double>(std::max<std::int64_t>(index_size, 0)) + 1000.0);
  return std::clamp(std::log2(0.95 / u), 5.0, 14.0);
}

Candidate evaluate(const Patient& p, const std::vector<Identifier>& evidence, double family_exact) {
  Candidate c;
  c.patient = p;
  // The best agreement of each kind counts once; every conflict is kept.
  std::map<IdentifierKind, std::pair<double, std::string>> best;
  for (const Identifier& id : evidence) {
    FieldResult r = score(id, p, family_exact);
    if (id.kind == IdentifierKind::kName && r.both_names) c.name_agrees = true;
    if (id.kind == IdentifierKind::kBirthDate && r.level == Agreement::kExact) c.birth_date_agrees = true;
    if (r.level == Agreement::kConflict && id.account) continue;  // the visit's number, maybe
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
    if (!id.account && !best.contains(id.kind) && score(id, p, family_exact).level == Agreement::kConflict) {
      conflicted.insert(id.kind);
    }
  }
  for (IdentifierKind kind : conflicted) {
    c.weight += kind == IdentifierKind::kMrn ? kMrn.conflict
                : kind == IdentifierKind::kBirthDate ? kBirthDate.conflict
                                                     : kFamily.conflict;
  }
  return c;
}

}  // namespace detail

}  // namespace chartroom::classify
