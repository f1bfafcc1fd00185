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

// Letters an OCR engine reads for each other in upper-case names ("I" for
// "L", "O" for "D"), and pairs read as one letter ("RN" for "M").
bool confusable_letters(char a, char b) {
  if (a > b) std::swap(a, b);
  static constexpr char kPairs[][2] = {{'I', 'L'}, {'I', 'J'}, {'D', 'O'}, {'O', 'Q'}, {'C', 'O'},
                                       {'C', 'G'}, {'E', 'F'}, {'U', 'V'}, {'P', 'R'}};
  for (const auto& p : kPairs) {
    if (a == p[0] && b == p[1]) return true;
  }
  return false;
}

// "RN" read for "M", "VV" for "W" and the like: `x`,`y` for `one`.
bool confusable_pair(char x, char y, char one) {
  static constexpr char kPairs[][3] = {{'R', 'N', 'M'}, {'V', 'V', 'W'}, {'C', 'L', 'D'},
                                       {'L', 'I', 'H'}, {'I', 'I', 'U'}, {'N', 'I', 'M'}};
  for (const auto& p : kPairs) {
    if (x == p[0] && y == p[1] && one == p[2]) return true;
  }
  return false;
}

constexpr double kLookAlikeCost = 0.4;
constexpr std::string_view kLookAlike = "differs only in letters OCR confuses (rn/m, vv/w, I/l, O/D)";

}  // namespace

double ocr_name_distance(std::string_view a, std::string_view b) {
  // Edit distance where a look-alike substitution (one letter for another,
  // or two for one) costs less than a real change.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  thread_local std::vector<double> d;  // matching compares thousands of names a document
  d.assign((n + 1) * (m + 1), 0.0);
  const auto at = [&](std::size_t i, std::size_t j) -> double& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<double>(i);
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = static_cast<double>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const char x = a[i - 1];
      const char y = b[j - 1];
      double best = at(i - 1, j - 1) + (x == y ? 0.0 : confusable_letters(x, y) ? kLookAlikeCost : 1.0);
      best = std::min({best, at(i - 1, j) + 1.0, at(i, j - 1) + 1.0});
      if (i >= 2 && confusable_pair(a[i - 2], x, y)) best = std::min(best, at(i - 2, j - 1) + kLookAlikeCost);
      if (j >= 2 && confusable_pair(b[j - 2], y, x)) best = std::min(best, at(i - 1, j - 2) + kLookAlikeCost);
      at(i, j) = best;
    }
  }
  return at(n, m);
}

namespace {

// At most two look-alike slips and nothing else.
bool only_look_alikes(std::string_view read, std::string_view other) {
  // Each two-for-one slip changes the length by one: more than two apart,
  // and the names differ by more than look-alikes.
  const std::size_t longer = std::max(read.size(), other.size());
  if (longer - std::min(read.size(), other.size()) > 2) return false;
  return ocr_name_distance(read, other) < 2 * kLookAlikeCost + 0.01;
}

}  // namespace

Comparison compare_family(std::string_view read, std::string_view other) {
  if (read.empty() || other.empty()) return {Agreement::kConflict, "no name"};
  if (read == other) return {Agreement::kExact, "exact"};
  if (only_look_alikes(read, other)) return {Agreement::kClose, std::string(kLookAlike), true};
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
  if (only_look_alikes(read, other)) return {Agreement::kClose, std::string(kLookAlike), true};
  const double jw = jaro_winkler(read, other);
  if (jw >= 0.94) return {Agreement::kClose, "spelt nearly the same"};
  if (jw >= 0.88) return {Agreement::kWeak, "spelt similarly"};
  return {Agreement::kConflict, "a different given name"};
}

}  // namespace detail
}  // namespace chartroom::classify
