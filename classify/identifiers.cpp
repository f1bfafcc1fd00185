// Reading patient identifiers out of OCR text and barcodes.
#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <sstream>

#include "classify/classify.h"
#include "classify/text_util.h"

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
      R"((\bMRN\b|\bM\.R\.N\.?|\bMR\s*(?:#|No\b\.?)|\bMed(?:ical)?\.?\s*Rec(?:ord)?s?\.?\s*(?:No\b\.?|Number\b|#)?)"
      R"(|\bAcct\b\.?\s*(?:No\b\.?|Number\b|#)?|\bAccount\s*(?:No\b\.?|Number\b|#)|\bPatient\s*ID\b|\bPt\.?\s*ID\b)"
      R"(|\bChart\s*(?:No\b\.?|Number\b|#)|\bUnit\s*(?:No\b\.?|Number\b|#)))"
      R"(\s*[:#.]?\s*([A-Z0-9|][A-Z0-9|-]{2,24}))",
      kFlags);
  return pattern;
}

const std::regex& name_label_pattern() {
  static const std::regex pattern(R"((^|\s)(Patient\s*Name|Patient|Pt\.?\s*Name|Pt\.?|Name)\s*:\s*)", kFlags);
  return pattern;
}

const std::regex& sticker_pattern() {
  static const std::regex pattern(R"(^\s*([A-Z][A-Z'-]+(?:\s[A-Z][A-Z'-]+)?)\s*,\s*([A-Z][A-Z'-]+)(\s+[A-Z]\.?)?\s*$)",
                                  std::regex::ECMAScript | std::regex::optimize);
  return pattern;
}

const std::regex& dob_pattern() {
  static const std::regex pattern(
      R"((\bDOB\b|\bD\.\s?O\.\s?B\b\.?|\bDate\s+of\s+Birth\b|\bBirth\s*Date\b|\bBirthdate\b|\bBorn\b)(?:\s*/\s*Age)?)"
      R"(\s*[:#]?\s*)"
      R"(([0-9OoIlS|]{1,2}[/.-][0-9OoIlS|]{1,2}[/.-][0-9OoIlS|]{2,4}\b|[0-9]{4}[/.-][0-9]{1,2}[/.-][0-9]{1,2}\b)"
      R"(|[A-Za-z]{3,9}\.?\s+[0-9]{1,2},?\s+[0-9]{4}\b|[0-9]{1,2}[\s-]+[A-Za-z]{3,9}\.?[\s-]+[0-9]{2,4}\b)"
      R"(|[0-9]{1,2}[A-Za-z]{3}[0-9]{4}\b|[0-9]{8}\b))",
      kFlags);
  return pattern;
}

// Words that end a name when they follow it on the same line.
bool is_stop_word(std::string_view upper) {
  static constexpr std::array<std::string_view, 24> kStops = {
      "MRN", "DOB", "MED", "MEDICAL", "MR", "ACCT", "ACCOUNT", "SEX", "AGE", "DATE", "CHART", "D.O.B.",
      "BIRTH", "BORN", "ROOM", "GENDER", "VISIT", "ADMIT", "UNIT", "ID", "PATIENT", "PT", "M.R.N.", "DOS"};
  for (std::string_view stop : kStops) {
    if (upper == stop) return true;
  }
  return false;
}

bool is_suffix(std::string_view upper) {
  return upper == "JR" || upper == "SR" || upper == "II" || upper == "III" || upper == "IV";
}

// A name word read by OCR: letters (digits that look like letters are
// mapped back), apostrophes and hyphens.
std::optional<std::string> name_word(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (u >= 'A' && u <= 'Z') {
      out += u;
    } else if (u == '0') {
      out += 'O';
    } else if (u == '1' || u == '|') {
      out += 'I';
    } else if (u == '5') {
      out += 'S';
    } else if (u == '\'' || u == '-') {
      out += u;
    } else if (u == '.' && i + 1 == raw.size()) {
      // "M." / "Jr.": the period is dropped
    } else {
      return std::nullopt;
    }
  }
  if (out.empty() || out.size() > 30) return std::nullopt;
  return out;
}

struct ParsedName {
  std::string family;
  std::string given;
  std::string suffix;
};

// Parses "LAST, FIRST M" or "First M. Last Jr." from the text after a label.
std::optional<ParsedName> parse_name(std::string_view rest) {
  // The name ends at a run of two spaces, a stop word or a digit-bearing word.
  std::vector<std::string> raw_words;
  std::string current;
  int spaces = 0;
  for (char c : rest) {
    if (c == ' ' || c == '\t') {
      ++spaces;
      if (!current.empty()) raw_words.push_back(std::move(current));
      current.clear();
      if (spaces >= 3 && !raw_words.empty()) break;
      continue;
    }
    spaces = 0;
    current += c;
  }
  if (!current.empty()) raw_words.push_back(std::move(current));

  std::vector<std::string> before;  // words before the comma (or all words)
  std::vector<std::string> after;
  bool comma = false;
  for (std::string word : raw_words) {
    const std::string upper = to_upper_ascii(word);
    std::string bare = upper;
    while (!bare.empty() && (bare.back() == ':' || bare.back() == ',' || bare.back() == '.')) bare.pop_back();
    if (is_stop_word(bare) || is_stop_word(upper)) break;
    bool ends_comma = !word.empty() && word.back() == ',';
    if (ends_comma) word.pop_back();
    // "SMITH,JOHN" without a space
    if (const auto pos = word.find(','); pos != std::string::npos && !comma) {
      auto a = name_word(word.substr(0, pos));
      auto b = name_word(word.substr(pos + 1));
      if (!a) break;
      before.push_back(*a);
      comma = true;
      if (b) after.push_back(*b);
      continue;
    }
    auto w = name_word(word);
    if (!w) break;
    (comma ? after : before).push_back(*w);
    if (ends_comma && !comma) comma = true;
    if (before.size() + after.size() >= 6) break;
  }
  ParsedName name;
  const auto take_suffix = [&](std::vector<std::string>& words) {
    std::erase_if(words, [&](const std::string& w) {
      if (!is_suffix(w)) return false;
      name.suffix = w;
      return true;
    });
  };
  take_suffix(before);
  take_suffix(after);
  if (comma) {
    if (before.empty() || after.empty()) return std::nullopt;
    for (const std::string& w : before) name.family += (name.family.empty() ? "" : " ") + w;
    name.given = after.front();
  } else {
    if (before.size() < 2) return std::nullopt;
    name.given = before.front();
    name.family = before.back();
    // "John M Smith": a one-letter middle initial is skipped; "Mary Ann Smith"
    // keeps "Ann" out of the family name too.
  }
  if (name.given.size() < 1 || name.family.size() < 2) return std::nullopt;
  return name;
}

// O, l, I, S, B, Z, G read where a digit belongs.
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

// Finds the words of `raw` on the page (first token, then its neighbours on
// the same OCR line) and returns the box around them.
Box locate(const PageText& page, std::string_view raw) {
  std::vector<std::string> tokens;
  std::istringstream in{std::string(raw)};
  for (std::string t; in >> t;) tokens.push_back(to_upper_ascii(t));
  if (tokens.empty()) return {};
  for (std::size_t i = 0; i < page.words.size(); ++i) {
    if (to_upper_ascii(page.words[i].text).find(tokens.front()) == std::string::npos &&
        tokens.front().find(to_upper_ascii(page.words[i].text)) == std::string::npos) {
      continue;
    }
    if (page.words[i].text.size() < 2 && tokens.front().size() > 2) continue;
    Box box = page.words[i].box;
    std::size_t t = 1;
    for (std::size_t j = i + 1; j < page.words.size() && t < tokens.size(); ++j, ++t) {
      if (page.words[j].line != page.words[i].line) break;
      const Box& b = page.words[j].box;
      const int right = std::max(box.x + box.width, b.x + b.width);
      const int bottom = std::max(box.y + box.height, b.y + b.height);
      box.x = std::min(box.x, b.x);
      box.y = std::min(box.y, b.y);
      box.width = right - box.x;
      box.height = bottom - box.y;
    }
    return box;
  }
  return {};
}

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

// Reads an MRN value as printed; nullopt when it cannot be one.
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

Identifier make_id(IdentifierKind kind, std::string value, std::string label, std::string text, int page, int line) {
  Identifier id;
  id.kind = kind;
  id.value = std::move(value);
  id.label = std::move(label);
  id.text = std::move(text);
  id.page = page;
  id.line = line;
  return id;
}

bool is_separator_value(std::string_view value, const IdentifierOptions& options) {
  const std::string upper = to_upper_ascii(trim(value));
  for (const std::string& v : options.separator_values) {
    if (upper == to_upper_ascii(v)) return true;
  }
  return false;
}

// An MRN carried by a barcode: the bare value or "MRN:value".
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

}  // namespace

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

std::vector<Identifier> find_identifiers(const PageText& page, int page_number, const IdentifierOptions& options) {
  std::vector<Identifier> found;
  std::vector<std::string> lines;
  {
    std::istringstream in(page.text);
    for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  }
  std::vector<int> mrn_lines;
  for (int n = 0; n < static_cast<int>(lines.size()); ++n) {
    const std::string& line = lines[static_cast<std::size_t>(n)];
    for (std::sregex_iterator it(line.begin(), line.end(), mrn_pattern()), end; it != end; ++it) {
      auto mrn = read_mrn((*it)[2].str(), options);
      if (!mrn) continue;
      Identifier id = make_id(IdentifierKind::kMrn, mrn->first, trim((*it)[1].str()), (*it)[2].str(), page_number, n);
      id.corrected = mrn->second;
      id.box = locate(page, id.text);
      found.push_back(std::move(id));
      mrn_lines.push_back(n);
    }
    for (std::sregex_iterator it(line.begin(), line.end(), name_label_pattern()), end; it != end; ++it) {
      const std::size_t start = static_cast<std::size_t>(it->position(0) + it->length(0));
      // "Name:" alone belongs to the patient only at the start of a field
      // ("Physician Name:" is someone else).
      const std::size_t label_at = static_cast<std::size_t>(it->position(2));
      if (to_upper_ascii((*it)[2].str()) == "NAME" && label_at > 0 && trim(line.substr(0, label_at)).size() > 0 &&
          !line.substr(0, label_at).ends_with("  ")) {
        continue;
      }
      auto name = parse_name(std::string_view(line).substr(start));
      if (!name) continue;
      Identifier id = make_id(IdentifierKind::kName, name->family + ", " + name->given, trim((*it)[2].str()),
                    trim(std::string_view(line).substr(start, 40)), page_number, n);
      id.suffix = name->suffix;
      id.box = locate(page, name->family);
      found.push_back(std::move(id));
    }
    for (std::sregex_iterator it(line.begin(), line.end(), dob_pattern()), end; it != end; ++it) {
      std::string raw = (*it)[2].str();
      std::string fixed = raw;
      const bool numeric = std::ranges::none_of(raw, [](char c) { return c == ' ' || c == ','; }) &&
                           std::ranges::count_if(raw, [](char c) { return c >= '0' && c <= '9'; }) >= 4 &&
                           std::ranges::count_if(raw, [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) <= 2;
      if (numeric) {
        for (char& c : fixed) c = digit_look_alike(c);
      }
      if (auto date = normalize_date(fixed)) {
        Identifier id = make_id(IdentifierKind::kBirthDate, *date, trim((*it)[1].str()), raw, page_number, n);
        id.corrected = fixed != raw;
        id.box = locate(page, raw);
        found.push_back(std::move(id));
      }
    }
  }
  // A sticker label: "LAST, FIRST M" on a line of its own beside an MRN line.
  for (int n : mrn_lines) {
    for (int m : {n - 1, n + 1}) {
      if (m < 0 || m >= static_cast<int>(lines.size())) continue;
      std::smatch s;
      const std::string& line = lines[static_cast<std::size_t>(m)];
      if (!std::regex_match(line, s, sticker_pattern())) continue;
      if (std::ranges::any_of(found, [&](const Identifier& id) { return id.line == m && id.kind == IdentifierKind::kName; })) {
        continue;
      }
      auto name = parse_name(line);
      if (!name) continue;
      Identifier id = make_id(IdentifierKind::kName, name->family + ", " + name->given, "label", trim(line), page_number, m);
      id.suffix = name->suffix;
      id.box = locate(page, name->family);
      found.push_back(std::move(id));
    }
  }
  for (const Barcode& code : page.barcodes) {
    if (is_separator_value(code.value, options)) continue;
    if (auto mrn = barcode_mrn(code, options)) {
      Identifier id = make_id(IdentifierKind::kMrn, *mrn, "barcode " + code.format, code.value, page_number, -1);
      id.from_barcode = true;
      id.box = code.box;
      found.push_back(std::move(id));
    }
  }
  return found;
}

}  // namespace chartroom::classify
