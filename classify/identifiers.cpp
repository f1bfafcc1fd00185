// Reading patient identifiers out of OCR text.
#include <array>
#include <regex>
#include <sstream>

#include "classify/classify.h"

namespace chartroom::classify {

std::string_view identifier_kind_name(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kMrn: return "mrn";
    case IdentifierKind::kName: return "name";
    case IdentifierKind::kBirthDate: return "birth_date";
  }
  return "mrn";
}

namespace {

constexpr auto kFlags = std::regex::ECMAScript | std::regex::icase | std::regex::optimize;

const std::regex& mrn_pattern() {
  static const std::regex pattern(
      R"((\bMRN\b|\bM\.R\.N\.?|\bMR\s*#|\bMed(?:ical)?\.?\s*Rec(?:ord)?\.?\s*(?:No\b\.?|Number\b|#)?))"
      R"(\s*[:#.]?\s*([A-Z0-9][A-Z0-9-]{2,24}))",
      kFlags);
  return pattern;
}

const std::regex& name_pattern() {
  static const std::regex pattern(
      R"((\bPatient(?:\s+Name)?|\bName)\s*:\s*([A-Za-z][A-Za-z'-]*)(\s*,\s*|\s+)([A-Za-z][A-Za-z'-]*))", kFlags);
  return pattern;
}

const std::regex& dob_pattern() {
  static const std::regex pattern(
      R"((\bDOB\b|\bD\.O\.B\.?|\bDate\s+of\s+Birth|\bBirth\s*Date)\s*[:#]?\s*)"
      R"(([0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[A-Za-z]{3,9}\.?\s+[0-9]{1,2},?\s+[0-9]{4}))",
      kFlags);
  return pattern;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

std::optional<std::string> make_date(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1850 || year > 2200 || month < 1 || month > 12 || day < 1) return std::nullopt;
  const int max_day = kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && is_leap(year) ? 1 : 0);
  if (day > max_day) return std::nullopt;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return std::string(buffer);
}

int month_from_name(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                                "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const std::string prefix = to_upper_ascii(name.substr(0, 3));
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (prefix == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

std::optional<std::string> normalize_date(std::string_view text) {
  static const std::regex iso(R"(^([0-9]{4})-([0-9]{2})-([0-9]{2})$)");
  static const std::regex numeric(R"(^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2,4})$)");
  static const std::regex words(R"(^([A-Za-z]{3,9})\.?\s+([0-9]{1,2}),?\s+([0-9]{4})$)");
  const std::string s = trim(text);
  std::smatch m;
  if (std::regex_match(s, m, iso)) {
    return make_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
  }
  if (std::regex_match(s, m, numeric)) {
    int year = std::stoi(m[3]);
    if (m[3].length() == 2) {
      year += year > 30 ? 1900 : 2000;
    } else if (m[3].length() != 4) {
      return std::nullopt;
    }
    return make_date(year, std::stoi(m[1]), std::stoi(m[2]));
  }
  if (std::regex_match(s, m, words)) {
    const int month = month_from_name(m[1].str());
    if (month == 0) return std::nullopt;
    return make_date(std::stoi(m[3]), month, std::stoi(m[2]));
  }
  return std::nullopt;
}

std::vector<Identifier> find_identifiers(const PageText& page, int page_number,
                                         const IdentifierOptions& options) {
  std::vector<Identifier> found;
  std::istringstream lines(page.text);
  std::string line;
  int line_number = 0;
  for (; std::getline(lines, line); ++line_number) {
    for (std::sregex_iterator it(line.begin(), line.end(), mrn_pattern()), end; it != end; ++it) {
      std::string value;
      int digits = 0;
      for (char c : to_upper_ascii((*it)[2].str())) {
        if (c == '-') continue;
        value += c;
        digits += (c >= '0' && c <= '9') ? 1 : 0;
      }
      const int length = static_cast<int>(value.size());
      // An MRN is mostly digits; this keeps words such as "MRN: unknown" out.
      if (length < options.min_mrn_length || length > options.max_mrn_length || digits * 2 < length) continue;
      found.push_back({IdentifierKind::kMrn, value, trim((*it)[1].str()), page_number, line_number});
    }
    for (std::sregex_iterator it(line.begin(), line.end(), name_pattern()), end; it != end; ++it) {
      const bool family_first = (*it)[3].str().find(',') != std::string::npos;
      const std::string first = to_upper_ascii((*it)[2].str());
      const std::string second = to_upper_ascii((*it)[4].str());
      // Labels that follow a name on the same line are not names.
      if (second == "MRN" || second == "DOB" || first == "MRN" || first == "DOB") continue;
      const std::string value = family_first ? first + ", " + second : second + ", " + first;
      found.push_back({IdentifierKind::kName, value, trim((*it)[1].str()), page_number, line_number});
    }
    for (std::sregex_iterator it(line.begin(), line.end(), dob_pattern()), end; it != end; ++it) {
      if (auto date = normalize_date((*it)[2].str())) {
        found.push_back({IdentifierKind::kBirthDate, *date, trim((*it)[1].str()), page_number, line_number});
      }
    }
  }
  return found;
}

}  // namespace chartroom::classify
