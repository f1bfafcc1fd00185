#include "classify/compare.h"

#include <algorithm>
#include <vector>

#include "classify/classify.h"

namespace chartroom::classify {

double jaro_winkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<char> used_a(a.size(), 0);
  std::vector<char> used_b(b.size(), 0);
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    const int lo = std::max(0, i - window);
    const int hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (used_b[static_cast<std::size_t>(j)] || a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) {
        continue;
      }
      used_a[static_cast<std::size_t>(i)] = used_b[static_cast<std::size_t>(j)] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!used_a[static_cast<std::size_t>(i)]) continue;
    while (!used_b[static_cast<std::size_t>(j)]) ++j;
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) ++transpositions;
    ++j;
  }
  const double m = matches;
  const double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[static_cast<std::size_t>(prefix)] == b[static_cast<std::size_t>(prefix)]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

namespace detail {

bool confusable_digits(char a, char b) {
  if (a > b) std::swap(a, b);
  static constexpr std::string_view kPairs[] = {"38", "17", "56", "08", "68", "09", "06", "49", "35"};
  for (std::string_view p : kPairs) {
    if (a == p[0] && b == p[1]) return true;
  }
  return false;
}

Comparison compare_mrn(std::string_view read, std::string_view other) {
  if (read == other) return {Agreement::kExact, "exact"};
  if (read.size() == other.size()) {
    std::vector<std::size_t> diff;
    for (std::size_t i = 0; i < read.size(); ++i) {
      if (read[i] != other[i]) diff.push_back(i);
    }
    if (diff.size() == 1 && confusable_digits(read[diff[0]], other[diff[0]])) {
      return {Agreement::kClose, "one look-alike digit differs"};
    }
    if (diff.size() == 2 && diff[1] == diff[0] + 1 && read[diff[0]] == other[diff[1]] &&
        read[diff[1]] == other[diff[0]]) {
      return {Agreement::kClose, "two neighbouring digits transposed"};
    }
    if (diff.size() == 1) return {Agreement::kWeak, "one digit differs"};
  } else if (read.size() + 1 == other.size() || other.size() + 1 == read.size()) {
    // One digit dropped or doubled by OCR.
    const std::string_view longer = read.size() > other.size() ? read : other;
    const std::string_view shorter = read.size() > other.size() ? other : read;
    for (std::size_t skip = 0; skip < longer.size(); ++skip) {
      if (std::string(longer.substr(0, skip)) + std::string(longer.substr(skip + 1)) == shorter) {
        return {Agreement::kWeak, "one digit missing or extra"};
      }
    }
  }
  return {Agreement::kConflict, "a different MRN"};
}

Comparison compare_birth_date(std::string_view read, std::string_view other) {
  if (read == other) return {Agreement::kExact, "exact"};
  if (read.size() != 10 || other.size() != 10) return {Agreement::kConflict, "a different date"};
  // YYYY-MM-DD: month at 5, day at 8.
  if (read.substr(0, 4) == other.substr(0, 4) && read.substr(5, 2) == other.substr(8, 2) &&
      read.substr(8, 2) == other.substr(5, 2)) {
    return {Agreement::kClose, "day and month swapped"};
  }
  int differing = 0;
  bool confusable = true;
  for (std::size_t i = 0; i < read.size(); ++i) {
    if (read[i] == other[i]) continue;
    ++differing;
    confusable = confusable && confusable_digits(read[i], other[i]);
  }
  if (differing == 1 && confusable) return {Agreement::kClose, "one look-alike digit differs"};
  return {Agreement::kConflict, "a different date"};
}

namespace {

// A name as OCR might have read it either way: "rn" for "m", "vv" for "w",
// "I" for "l" (names are compared upper-cased).
std::string ocr_folded(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char next = i + 1 < name.size() ? name[i + 1] : '\0';
    if ((name[i] == 'R' && next == 'N') || (name[i] == 'V' && next == 'V')) {
      out += name[i] == 'R' ? 'M' : 'W';
      ++i;
    } else {
      out += name[i] == 'I' ? 'L' : name[i];
    }
  }
  return out;
}

constexpr std::string_view kLookAlike = "differs only in letters OCR confuses (rn/m, vv/w, I/l)";

}  // namespace

Comparison compare_family(std::string_view read, std::string_view other) {
  if (read.empty() || other.empty()) return {Agreement::kConflict, "no name"};
  if (read == other) return {Agreement::kExact, "exact"};
  if (ocr_folded(read) == ocr_folded(other)) return {Agreement::kClose, std::string(kLookAlike)};
  const double jw = jaro_winkler(read, other);
  // A double-barrelled name read in part ("GARCIA" for "GARCIALOPEZ").
  if (read.size() >= 4 && other.size() > read.size() && (other.starts_with(read) || other.ends_with(read))) {
    return {Agreement::kWeak, "part of a double family name"};
  }
  if (jw >= 0.94) return {Agreement::kClose, "spelt nearly the same"};
  if (jw >= 0.88) return {Agreement::kWeak, "spelt similarly"};
  return {Agreement::kConflict, "a different family name"};
}

Comparison compare_given(std::string_view read, std::string_view other) {
  if (read.empty() || other.empty()) return {Agreement::kConflict, "no name"};
  if (read == other) return {Agreement::kExact, "exact"};
  if ((read.size() == 1 || other.size() == 1) && read[0] == other[0]) return {Agreement::kWeak, "initial"};
  if (ocr_folded(read) == ocr_folded(other)) return {Agreement::kClose, std::string(kLookAlike)};
  const double jw = jaro_winkler(read, other);
  if (jw >= 0.94) return {Agreement::kClose, "spelt nearly the same"};
  if (jw >= 0.88) return {Agreement::kWeak, "spelt similarly"};
  return {Agreement::kConflict, "a different given name"};
}

}  // namespace detail
}  // namespace chartroom::classify
