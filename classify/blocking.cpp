// Blocking: the index entries worth scoring, found by lookups on what was read
// and on its likely OCR slips.
#include <map>
#include <set>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/match_internal.h"

namespace chartroom::classify {

namespace {

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

}  // namespace

namespace detail {

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

}  // namespace detail

}  // namespace chartroom::classify
