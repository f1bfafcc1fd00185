// Document type: the trained model (type_model.cpp) over the document's text,
// with a printed title that names a type (the rules below) as strong evidence;
// below the abstain threshold no type is given and a person chooses.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "classify/classify.h"

namespace chartroom::classify {

namespace {

constexpr std::array<std::string_view, 12> kTypes = {
    "progress_note",   "discharge_summary", "history_and_physical", "operative_report",
    "radiology_report", "pathology_report", "emergency_note",       "correspondence",
    "lab_result",      "medication_list",   "consent_form",         "face_sheet"};

struct TitleRule {
  std::string_view phrase;  // upper case
  std::string_view label;
};

// Longer, more specific phrases first; a phrase matches whole words only.
constexpr std::array<TitleRule, 40> kRules = {{
    {"DISCHARGE SUMMARY", "discharge_summary"},
    {"HISTORY AND PHYSICAL", "history_and_physical"},
    {"HISTORY & PHYSICAL", "history_and_physical"},
    {"ADMISSION HISTORY", "history_and_physical"},
    {"OPERATIVE REPORT", "operative_report"},
    {"OPERATIVE NOTE", "operative_report"},
    {"PROCEDURE NOTE", "operative_report"},
    {"SURGICAL PATHOLOGY", "pathology_report"},
    {"PATHOLOGY REPORT", "pathology_report"},
    {"CYTOLOGY REPORT", "pathology_report"},
    {"RADIOLOGY REPORT", "radiology_report"},
    {"IMAGING REPORT", "radiology_report"},
    {"EMERGENCY DEPARTMENT", "emergency_note"},
    {"EMERGENCY ROOM", "emergency_note"},
    {"ER VISIT", "emergency_note"},
    {"ER REPORT", "emergency_note"},
    {"ED REPORT", "emergency_note"},
    {"ED NOTE", "emergency_note"},
    {"ED VISIT", "emergency_note"},
    {"EMERGENCY NOTE", "emergency_note"},
    {"LABORATORY RESULTS", "lab_result"},
    {"LABORATORY REPORT", "lab_result"},
    {"LAB RESULTS", "lab_result"},
    {"MEDICATION ADMINISTRATION RECORD", "medication_list"},
    {"MEDICATION LIST", "medication_list"},
    {"MEDICATION RECORD", "medication_list"},
    {"MEDICATION PROFILE", "medication_list"},
    {"MEDICATION RECONCILIATION", "medication_list"},
    {"CONSENT FOR", "consent_form"},
    {"INFORMED CONSENT", "consent_form"},
    {"FACE SHEET", "face_sheet"},
    {"FACESHEET", "face_sheet"},
    {"PROGRESS NOTE", "progress_note"},
    {"FOLLOW-UP NOTE", "progress_note"},
    {"FOLLOWUP NOTE", "progress_note"},
    {"SOAP", "progress_note"},
    {"LETTER", "correspondence"},
    {"H&P", "history_and_physical"},
    {"CONSULTATION", "history_and_physical"},
    {"CONSULT", "history_and_physical"},
}};

// Words that are a title only when they are the whole line: as a heading
// inside a note they are followed by a colon or by text ("CURRENT
// MEDICATIONS: lisinopril 10 mg"), and in a letterhead by more words
// ("Department of Radiology").
constexpr std::array<TitleRule, 4> kWholeLineRules = {{
    {"CURRENT MEDICATIONS", "medication_list"},
    {"HOME MEDICATIONS", "medication_list"},
    {"RADIOLOGY", "radiology_report"},
    {"IMAGING", "radiology_report"},
}};

bool is_word_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The line without the marks OCR leaves at its ends (a quote, a dash, a
// bar), but with a colon kept: "MEDICATIONS:" is a heading, not a title.
std::string_view bare_line(std::string_view line) {
  const auto mark = [](char c) { return !is_word_char(c) && c != ':'; };
  while (!line.empty() && mark(line.front())) line.remove_prefix(1);
  while (!line.empty() && mark(line.back())) line.remove_suffix(1);
  return line;
}

// The column headings of a medication table ("Medication  Dose  Route
// Frequency"): three of the four on one line.
bool is_medication_table_header(std::string_view upper_line) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : upper_line) {
    if (c >= 'A' && c <= 'Z') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  const auto has = [&](std::initializer_list<std::string_view> any) {
    return std::ranges::any_of(words, [&](const std::string& w) { return std::ranges::find(any, w) != any.end(); });
  };
  return (has({"MEDICATION", "MEDICATIONS", "DRUG"}) ? 1 : 0) + (has({"DOSE", "DOSAGE", "STRENGTH"}) ? 1 : 0) +
             (has({"ROUTE"}) ? 1 : 0) + (has({"FREQUENCY", "SIG"}) ? 1 : 0) >=
         3;
}

bool has_medication_table(const PageText& page) {
  std::istringstream in(page.text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() <= 120 && is_medication_table_header(to_upper_ascii(line))) return true;
  }
  return false;
}

// `phrase` in `line` as whole words ("ER VISIT" is not in "LASER VISIT").
bool has_phrase(std::string_view line, std::string_view phrase) {
  for (std::size_t at = line.find(phrase); at != std::string_view::npos; at = line.find(phrase, at + 1)) {
    const std::size_t end = at + phrase.size();
    const bool starts = at == 0 || !is_word_char(line[at - 1]) || !is_word_char(phrase.front());
    const bool ends = end == line.size() || !is_word_char(line[end]) || !is_word_char(phrase.back());
    if (starts && ends) return true;
  }
  return false;
}

// A letter's form: a salutation at the start of a line near the top of the
// first page ("Dear Dr. Patel,", "To Whom It May Concern:"), a closing
// ("Sincerely,") on the last. 0, 1 or 2 of them.
int letter_cues(std::span<const PageText> pages) {
  static const std::regex salutation(R"(^\s*(Dear\s+(Dr|Mr|Mrs|Ms|Miss|Doctor|Colleague|Sir|Madam|[A-Z][a-z]+)\b.{0,40}[,:]\s*$|To\s+Whom\s+It\s+May\s+Concern))",
                                     std::regex::ECMAScript | std::regex::icase);
  static const std::regex closing(R"(^\s*(Sincerely|Yours\s+(truly|sincerely)|(Best|Kind|Warm)\s+regards|Respectfully|With\s+(best\s+)?regards)\s*,?\s*$)",
                                  std::regex::ECMAScript | std::regex::icase);
  const auto any_line = [](const std::string& text, const std::regex& pattern, int max_lines) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; n < max_lines && std::getline(in, line); ++n) {
      if (line.size() <= 80 && std::regex_search(line, pattern)) return true;
    }
    return false;
  };
  if (pages.empty()) return 0;
  return (any_line(pages.front().text, salutation, 40) ? 1 : 0) +
         (any_line(pages.back().text, closing, 10'000) ? 1 : 0);
}

}  // namespace

std::span<const std::string_view> default_document_types() { return kTypes; }

std::optional<DocTypeRef> classify_document_type(const PageText& first_page, const TypeOptions& options) {
  std::istringstream lines(first_page.text);
  std::string line;
  for (int n = 0; n < options.title_lines && std::getline(lines, line); ++n) {
    const std::string upper_line = to_upper_ascii(line);
    // A title stands on a short line of its own, not inside a sentence.
    if (trim(upper_line).size() > 60) continue;
    for (const TitleRule& rule : kRules) {
      if (has_phrase(upper_line, rule.phrase)) {
        return DocTypeRef{std::string(rule.label), 0.8};
      }
    }
    for (const TitleRule& rule : kWholeLineRules) {
      if (bare_line(upper_line) == rule.phrase) return DocTypeRef{std::string(rule.label), 0.8};
    }
  }
  return std::nullopt;
}

}  // namespace chartroom::classify

namespace chartroom::classify {

namespace {

// Multiplies one label's odds by `factor`, makes the probabilities sum to one
// again and ranks them, most likely first.
template <typename Probabilities>
void boost(Probabilities& probabilities, const std::string& label, double factor) {
  double total = 0;
  for (auto& [name, p] : probabilities) {
    if (name == label) p *= factor;
    total += p;
  }
  if (total <= 0) return;
  for (auto& entry : probabilities) entry.second /= total;
  std::ranges::sort(probabilities, [](const auto& a, const auto& b) { return a.second > b.second; });
}

}  // namespace

std::vector<DocTypeRef> rank_document_types(std::span<const PageText> pages, const TypeOptions& options) {
  if (pages.empty()) return {};
  const std::optional<DocTypeRef> title = classify_document_type(pages.front(), TypeOptions{options.title_lines, 0, nullptr});
  const TypeModel* model = options.model != nullptr ? options.model : default_type_model();
  if (model == nullptr) return title ? std::vector<DocTypeRef>{*title} : std::vector<DocTypeRef>{};
  std::string text;
  for (const PageText& page : pages) {
    if (text.size() > 20000) break;  // the first pages say what a document is
    text += page.text;
    text += '\n';
  }
  auto probabilities = model->predict(text);
  // A salutation and a closing make a letter whatever it is about (a
  // consultant's letter reads like a history and physical).
  if (const int cues = letter_cues(pages); cues > 0) {
    boost(probabilities, "correspondence", cues == 2 ? 30 : 6);
  }
  // A table with medication, dose, route and frequency columns on the first
  // page is a medication list or administration record; a note that lists
  // medicines does so in sentences or short lines.
  if (has_medication_table(pages.front())) boost(probabilities, "medication_list", 20);
  if (title) {
    // A printed title that names a type is strong evidence (its phrases name
    // the type on well over 90% of the MTSamples notes carrying them): its
    // label's odds are multiplied, enough to outweigh a body that reads like
    // another type, not enough to outweigh a model that is nearly sure.
    boost(probabilities, title->label, 20);
  }
  std::vector<DocTypeRef> ranked;
  ranked.reserve(probabilities.size());
  for (const auto& [label, p] : probabilities) ranked.push_back({label, p});
  return ranked;
}

std::optional<DocTypeRef> classify_document_type(std::span<const PageText> pages, const TypeOptions& options) {
  const std::vector<DocTypeRef> ranked = rank_document_types(pages, options);
  if (ranked.empty() || ranked.front().confidence < options.abstain_threshold) return std::nullopt;
  return ranked.front();
}

}  // namespace chartroom::classify
