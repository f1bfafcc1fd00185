// Reading a patient's name as printed after a label or on a sticker.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "classify/classify.h"
#include "classify/identifiers_internal.h"

namespace chartroom::classify::detail {

namespace {

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

}  // namespace

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

}  // namespace chartroom::classify::detail
