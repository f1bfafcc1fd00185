// Dates of birth as people write them, normalised to YYYY-MM-DD.
#include <array>
#include <cstdio>
#include <regex>

#include "classify/classify.h"

namespace chartroom::classify {

namespace {

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
  if (name.size() < 3) return 0;
  const std::string prefix = to_upper_ascii(name.substr(0, 3));
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (prefix == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

// Two-digit years: 00-30 are 2000-2030, the rest 1900s.
int full_year(const std::string& digits) {
  const int year = std::stoi(digits);
  if (digits.size() == 2) return year + (year > 30 ? 1900 : 2000);
  return digits.size() == 4 ? year : -1;
}

}  // namespace

std::optional<std::string> normalize_date(std::string_view text) {
  static const std::regex iso(R"(^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$)");
  static const std::regex numeric(R"(^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})$)");
  static const std::regex words(R"(^([A-Za-z]{3,9})\.?\s+([0-9]{1,2}),?\s+([0-9]{4})$)");
  static const std::regex day_first_words(R"(^([0-9]{1,2})[\s-]*([A-Za-z]{3,9})\.?[\s-]*([0-9]{2}|[0-9]{4})$)");
  static const std::regex packed(R"(^([0-9]{8})$)");
  const std::string s = trim(text);
  std::smatch m;
  if (std::regex_match(s, m, iso)) return make_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
  if (std::regex_match(s, m, numeric)) {
    const int year = full_year(m[3]);
    const int first = std::stoi(m[1]);
    const int second = std::stoi(m[2]);
    // Month first (US) unless the first number cannot be a month.
    if (first > 12 && second <= 12) return make_date(year, second, first);
    return make_date(year, first, second);
  }
  if (std::regex_match(s, m, words)) {
    const int month = month_from_name(m[1].str());
    if (month == 0) return std::nullopt;
    return make_date(std::stoi(m[3]), month, std::stoi(m[2]));
  }
  if (std::regex_match(s, m, day_first_words)) {
    const int month = month_from_name(m[2].str());
    if (month == 0) return std::nullopt;
    return make_date(full_year(m[3]), month, std::stoi(m[1]));
  }
  if (std::regex_match(s, m, packed)) {
    const std::string d = m[1];
    // YYYYMMDD when it starts like a year, else MMDDYYYY.
    if (d.starts_with("19") || d.starts_with("20")) {
      if (auto date = make_date(std::stoi(d.substr(0, 4)), std::stoi(d.substr(4, 2)), std::stoi(d.substr(6, 2)))) {
        return date;
      }
    }
    return make_date(std::stoi(d.substr(4, 4)), std::stoi(d.substr(0, 2)), std::stoi(d.substr(2, 2)));
  }
  return std::nullopt;
}

}  // namespace chartroom::classify
