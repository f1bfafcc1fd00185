// Reading MRNs: look-alike digits, the site's pattern and check digit, MRNs
// and separator values carried by barcodes.
#include <algorithm>
#include <regex>

#include "classify/classify.h"
#include "classify/identifiers_internal.h"

namespace chartroom::classify {

namespace {

bool matches_site_pattern(std::string_view mrn, const IdentifierOptions& options) {
  if (options.mrn_pattern.empty()) return true;
  // Compiled once per distinct pattern (a site has one).
  static thread_local std::string compiled_for;
  static thread_local std::regex compiled;
  if (compiled_for != options.mrn_pattern) {
    compiled = std::regex(options.mrn_pattern, std::regex::ECMAScript | std::regex::icase);
    compiled_for = options.mrn_pattern;
  }
  return std::regex_match(mrn.begin(), mrn.end(), compiled);
}

}  // namespace

namespace detail {

char digit_look_alike(char c) {
  switch (c) {
    case 'O': case 'o': case 'Q': case 'D': return '0';
    case 'I': case 'l': case 'i': case '|': case 'L': return '1';
    case 'S': case 's': return '5';
    case 'B': return '8';
    case 'Z': case 'z': return '2';
    case 'G': return '6';
    default: return c;
  }
}

std::optional<std::pair<std::string, bool>> read_mrn(std::string_view raw, const IdentifierOptions& options) {
  std::string value;
  std::string fixed;
  int digits = 0;
  for (char c : raw) {
    if (c == '-') continue;
    const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    value += u == '|' ? 'I' : u;
    fixed += digit_look_alike(c);
    digits += (c >= '0' && c <= '9') ? 1 : 0;
  }
  const int length = static_cast<int>(value.size());
  if (length < options.min_mrn_length || length > options.max_mrn_length) return std::nullopt;
  // An MRN is mostly digits; this keeps words such as "MRN: unknown" out.
  if (digits * 2 < length) return std::nullopt;
  if (!options.mrn_pattern.empty()) {
    if (matches_site_pattern(value, options)) return std::pair{value, false};
    if (matches_site_pattern(fixed, options)) return std::pair{fixed, fixed != value};
    return std::nullopt;
  }
  const bool fixed_all_digits = std::ranges::all_of(fixed, [](char c) { return c >= '0' && c <= '9'; });
  // Letters in a number that is otherwise all digits are OCR look-alikes.
  if (fixed_all_digits && fixed != value && length - digits <= 2) return std::pair{fixed, true};
  return std::pair{value, false};
}

bool is_separator_value(std::string_view value, const IdentifierOptions& options) {
  const std::string upper = to_upper_ascii(trim(value));
  for (const std::string& v : options.separator_values) {
    if (upper == to_upper_ascii(v)) return true;
  }
  return false;
}

std::optional<std::string> barcode_mrn(const Barcode& code, const IdentifierOptions& options) {
  std::string value = trim(code.value);
  const std::string upper = to_upper_ascii(value);
  for (std::string_view prefix : {"MRN:", "MRN", "MR:"}) {
    if (upper.starts_with(prefix)) {
      value = trim(std::string_view(value).substr(prefix.size()));
      break;
    }
  }
  auto mrn = read_mrn(value, options);
  if (!mrn || mrn->second) return std::nullopt;  // barcodes are exact; no look-alikes
  if (!mrn_is_valid(mrn->first, options)) return std::nullopt;
  return mrn->first;
}

}  // namespace detail

using detail::barcode_mrn;
using detail::is_separator_value;

bool mrn_is_valid(std::string_view mrn, const IdentifierOptions& options) {
  if (!matches_site_pattern(mrn, options)) return false;
  if (options.check_digit == CheckDigit::kNone) return true;
  if (mrn.size() < 2) return false;
  if (options.check_digit == CheckDigit::kLuhn) {
    int sum = 0;
    bool twice = false;
    for (auto it = mrn.rbegin(); it != mrn.rend(); ++it) {
      if (*it < '0' || *it > '9') return false;
      int d = *it - '0';
      if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }
  // Mod 11, weights 2, 3, 4... from the right of the body; 10 is written X.
  int sum = 0;
  int weight = 2;
  for (std::size_t i = mrn.size() - 1; i-- > 0;) {
    if (mrn[i] < '0' || mrn[i] > '9') return false;
    sum += (mrn[i] - '0') * weight++;
  }
  const int check = (11 - sum % 11) % 11;
  const char last = mrn.back();
  return check == 10 ? (last == 'X' || last == 'x') : last == static_cast<char>('0' + check);
}

bool is_separator_page(const PageText& page, const IdentifierOptions& options, std::string* mrn) {
  bool separator = false;
  std::string carried;
  for (const Barcode& code : page.barcodes) {
    if (is_separator_value(code.value, options)) {
      separator = true;
    } else if (auto m = barcode_mrn(code, options)) {
      carried = *m;
    }
  }
  if (separator && mrn != nullptr) *mrn = carried;
  return separator;
}

}  // namespace chartroom::classify
