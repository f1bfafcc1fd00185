// Reading patient identifiers out of OCR text and barcodes.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "classify/classify.h"
#include "classify/identifiers_internal.h"
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

using detail::barcode_mrn;
using detail::digit_look_alike;
using detail::is_separator_value;
using detail::parse_name;
using detail::read_mrn;

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
  static const std::regex pattern(
      R"((^|\s)(Patient\s*Name|Patient|Pt\.?\s*Name|Pt\.?|Name|RE|Regarding)\s*:\s*)", kFlags);
  return pattern;
}

// An account, visit or billing number: an MRN only where the page prints no
// number labelled as the record number itself.
bool is_account_label(std::string_view label) {
  const std::string upper = to_upper_ascii(label);
  return upper.starts_with("ACC");
}

// Lines that head someone else's block on a face sheet or form: the "Name:"
// under them is a relative's, an insurer's or a doctor's, not the patient's.
bool heads_someone_else(std::string_view line) {
  static constexpr std::array<std::string_view, 20> kWords = {
      "EMERGENCY", "CONTACT",  "GUARANTOR", "SUBSCRIBER", "INSURED",  "KIN",       "RESPONSIBLE",
      "SPOUSE",    "PHYSICIAN", "PROVIDER", "REFERRING",  "ATTENDING", "PCP",      "POLICYHOLDER",
      "EMPLOYER",  "GUARDIAN", "MOTHER",    "FATHER",     "PARENT",   "RELATIONSHIP"};
  std::istringstream in{to_upper_ascii(line)};
  for (std::string word; in >> word;) {
    while (!word.empty() && !std::isalpha(static_cast<unsigned char>(word.back()))) word.pop_back();
    if (std::ranges::find(kWords, word) != kWords.end()) return true;
  }
  return false;
}

// Is the "Name:" field on line `n` (starting at `label_at`) in a block
// headed by someone else (up to four lines above, no "Patient" between)?
bool in_someone_elses_block(const std::vector<std::string>& lines, int n, std::size_t label_at) {
  if (heads_someone_else(std::string_view(lines[static_cast<std::size_t>(n)]).substr(0, label_at))) return true;
  for (int m = n - 1; m >= 0 && m >= n - 4; --m) {
    const std::string& above = lines[static_cast<std::size_t>(m)];
    if (to_upper_ascii(above).find("PATIENT") != std::string::npos) return false;
    if (heads_someone_else(above)) return true;
  }
  return false;
}

// Words of an examination's headings ("EARS, NOSE, MOUTH AND THROAT:"), which
// a line of body text can break into "LAST, FIRST" shape; never a name on a
// sticker.
bool is_heading_word(std::string_view upper) {
  static constexpr std::array<std::string_view, 22> kWords = {
      "EARS",   "EYES",  "NOSE",     "MOUTH",   "THROAT", "HEAD",   "NECK",    "CHEST",
      "HEART",  "LUNGS", "ABDOMEN",  "SPINE",   "SKIN",   "PELVIS", "RECTAL",  "GENERAL",
      "HEENT",  "NEURO", "EXTREMITIES", "GENITOURINARY", "MUSCULOSKELETAL", "PSYCHIATRIC"};
  return std::ranges::find(kWords, upper) != kWords.end();
}

const std::regex& sticker_pattern() {
  // "LAST, FIRST M" or "LAST, First M.": capitals, and what OCR reads for
  // them in a sticker's monospace ("l", "1" or "|" for I, "0" for O).
  static const std::regex pattern(
      R"(^\s*([A-Zl1|][A-Zl10|'-]+(?:\s[A-Zl1|][A-Zl10|'-]+)?)\s*,\s*([A-Zl1|](?:[A-Zl10|'-]+|[a-z'-]+))(\s+[A-Z]\.?)?)"
      R"((\s+(?:JR|SR|II|III|IV|Jr|Sr)\.?)?\s*$)",
      std::regex::ECMAScript | std::regex::optimize);
  return pattern;
}

const std::regex& dob_pattern() {
  static const std::regex pattern(
      R"((\bDOB\b|\bD\.\s?O\.\s?B\b\.?|\bDate\s+of\s+Birth\b|\bBirth\s*Date\b|\bBirthdate\b|\bBorn\b|\bBD\b)(?:\s*/\s*Age)?)"
      R"(\s*[:#]?\s*)"
      R"(([0-9OoIlS|]{1,2}[/.-][0-9OoIlS|]{1,2}[/.-][0-9OoIlS|]{2,4}\b|[0-9]{4}[/.-][0-9]{1,2}[/.-][0-9]{1,2}\b)"
      R"(|[A-Za-z]{3,9}\.?\s+[0-9lIO|]{1,2},?\s+[0-9lIOS|]{4}\b|[0-9]{1,2}[\s-]+[A-Za-z]{3,9}\.?[\s-]+[0-9]{2,4}\b)"
      R"(|[0-9]{1,2}[A-Za-z]{3}[0-9]{4}\b|[0-9]{8}\b))",
      kFlags);
  return pattern;
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

}  // namespace

std::vector<Identifier> find_identifiers(const PageText& page, int page_number, const IdentifierOptions& options) {
  std::vector<Identifier> found;
  std::vector<std::string> lines;
  {
    std::istringstream in(page.text);
    for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  }
  std::vector<int> sticker_anchors;  // lines of MRNs (and, below, dates of birth) a sticker's name sits by
  std::vector<Identifier> regarding;  // names on "RE:" lines, kept beside an MRN or a date of birth
  for (int n = 0; n < static_cast<int>(lines.size()); ++n) {
    const std::string& line = lines[static_cast<std::size_t>(n)];
    for (std::sregex_iterator it(line.begin(), line.end(), mrn_pattern()), end; it != end; ++it) {
      auto mrn = read_mrn((*it)[2].str(), options);
      if (!mrn) continue;
      Identifier id = make_id(IdentifierKind::kMrn, mrn->first, trim((*it)[1].str()), (*it)[2].str(), page_number, n);
      id.corrected = mrn->second;
      id.account = is_account_label(id.label);
      id.box = locate(page, id.text);
      found.push_back(std::move(id));
      sticker_anchors.push_back(n);
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
      const std::string label = to_upper_ascii((*it)[2].str());
      if ((label == "NAME" || label == "PT" || label == "PT.") && in_someone_elses_block(lines, n, label_at)) continue;
      auto name = parse_name(std::string_view(line).substr(start));
      if (!name) continue;
      Identifier id = make_id(IdentifierKind::kName, name->family + ", " + name->given, trim((*it)[2].str()),
                    trim(std::string_view(line).substr(start, 40)), page_number, n);
      id.suffix = name->suffix;
      id.box = locate(page, name->family + " " + name->given);  // the whole name, as it is marked for a reviewer
      // A letter's "RE:" line names its subject ("RE: Jane Doe  DOB ..."),
      // but "RE: chest pain" does not: kept only beside an MRN or a date of birth.
      (label == "RE" || label == "REGARDING" ? regarding : found).push_back(std::move(id));
    }
    for (std::sregex_iterator it(line.begin(), line.end(), dob_pattern()), end; it != end; ++it) {
      std::string raw = (*it)[2].str();
      std::string fixed = raw;
      const bool numeric = std::ranges::none_of(raw, [](char c) { return c == ' ' || c == ','; }) &&
                           std::ranges::count_if(raw, [](char c) { return c >= '0' && c <= '9'; }) >= 4 &&
                           std::ranges::count_if(raw, [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) <= 2;
      if (numeric) {
        for (char& c : fixed) c = digit_look_alike(c);
      } else if (std::ranges::count_if(raw, [](char c) { return c >= '0' && c <= '9'; }) >= 3) {
        // "August 3, l999": look-alikes inside the numbers, not in the month.
        for (std::size_t k = 0; k < fixed.size();) {
          const std::size_t stop = std::min(fixed.find_first_of(" \t,.-", k), fixed.size());
          const auto token = std::string_view(fixed).substr(k, stop - k);
          if (std::ranges::any_of(token, [](char c) { return c >= '0' && c <= '9'; })) {
            for (std::size_t j = k; j < stop; ++j) fixed[j] = digit_look_alike(fixed[j]);
          }
          k = stop + 1;
        }
      }
      auto date = normalize_date(fixed);
      if (!date) {
        // A monospace "0" read as "9" makes a day or month past 31
        // ("93-NOV-1982"); a two-digit year at the end is left alone.
        std::string zeroed = fixed;
        for (std::size_t k = 0; k + 2 < zeroed.size(); ++k) {
          const bool starts = k == 0 || !std::isdigit(static_cast<unsigned char>(zeroed[k - 1]));
          const bool two = std::isdigit(static_cast<unsigned char>(zeroed[k + 1])) &&
                           !std::isdigit(static_cast<unsigned char>(zeroed[k + 2]));
          if (zeroed[k] == '9' && starts && two) zeroed[k] = '0';
        }
        if (zeroed != fixed && (date = normalize_date(zeroed))) fixed = zeroed;
      }
      if (date) {
        Identifier id = make_id(IdentifierKind::kBirthDate, *date, trim((*it)[1].str()), raw, page_number, n);
        id.corrected = fixed != raw;
        id.box = locate(page, raw);
        found.push_back(std::move(id));
      }
    }
  }
  for (Identifier& id : regarding) {
    if (std::ranges::any_of(found, [&](const Identifier& other) {
          return other.kind != IdentifierKind::kName && std::abs(other.line - id.line) <= 1;
        })) {
      found.push_back(std::move(id));
    }
  }
  // An account number where the page also prints a record number is the
  // visit's, not a second MRN.
  if (std::ranges::any_of(found, [](const Identifier& id) {
        return id.kind == IdentifierKind::kMrn && !is_account_label(id.label);
      })) {
    std::erase_if(found, [](const Identifier& id) { return id.kind == IdentifierKind::kMrn && is_account_label(id.label); });
    std::erase_if(sticker_anchors, [&](int line) {
      return std::ranges::none_of(found, [&](const Identifier& id) { return id.kind == IdentifierKind::kMrn && id.line == line; });
    });
  }
  // A sticker label: "LAST, FIRST M" on a line of its own within two lines
  // of an MRN or a date of birth (addressograph stickers stack name, MRN,
  // DOB and account in any order).
  for (const Identifier& other : found) {
    if (other.kind == IdentifierKind::kBirthDate) sticker_anchors.push_back(other.line);
  }
  std::ranges::sort(sticker_anchors);
  sticker_anchors.erase(std::ranges::unique(sticker_anchors).begin(), sticker_anchors.end());
  for (int n : sticker_anchors) {
    for (int m : {n - 2, n - 1, n + 1, n + 2}) {
      if (m < 0 || m >= static_cast<int>(lines.size())) continue;
      std::smatch s;
      // The sticker's edge or a box rule read as "|", "[" or "_" beside it.
      std::string line = lines[static_cast<std::size_t>(m)];
      const auto edge = [](char c) { return c == '|' || c == '[' || c == ']' || c == '_' || c == ' ' || c == '\t'; };
      while (!line.empty() && edge(line.front())) line.erase(line.begin());
      while (!line.empty() && edge(line.back())) line.pop_back();
      if (!std::regex_match(line, s, sticker_pattern())) continue;
      if (std::ranges::any_of(found, [&](const Identifier& id) { return id.line == m && id.kind == IdentifierKind::kName; })) {
        continue;
      }
      auto name = parse_name(line);
      if (!name || is_heading_word(name->family) || is_heading_word(name->given)) continue;
      Identifier id = make_id(IdentifierKind::kName, name->family + ", " + name->given, "label", trim(line), page_number, m);
      id.suffix = name->suffix;
      id.box = locate(page, name->family + " " + name->given);  // the whole name, as it is marked for a reviewer
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
