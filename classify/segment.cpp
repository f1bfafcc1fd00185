// Document boundaries inside a batch. A separator sheet is certain; without
// one, cues are added as log-odds: "Page 1 of N" footers, a change of patient
// identity, a new title or form header, a change of the page's header lines.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <regex>
#include <sstream>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/match_internal.h"
#include "classify/text_util.h"

namespace chartroom::classify {

namespace {

using detail::Agreement;

struct PageFacts {
  bool separator = false;
  std::string separator_mrn;
  std::vector<Identifier> ids;
  int page_of = 0;   // "Page N of M": N (0 = no footer)
  int page_count = 0;  // M
  std::vector<std::string> top_lines;  // first non-empty lines, spaces folded
  std::string title;  // a title line not repeated from the previous page's top
};

std::string fold(std::string_view line) {
  std::string out;
  bool space = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Digits with OCR look-alikes fixed ("l" -> 1, "O" -> 0).
int number(std::string text) {
  for (char& c : text) {
    if (c == 'l' || c == 'I' || c == '|') c = '1';
    if (c == 'O' || c == 'o') c = '0';
  }
  try {
    return std::stoi(text);
  } catch (...) {
    return 0;
  }
}

// A section heading of a note standing on a line of its own at the top of a
// continuation page ("PHYSICAL EXAMINATION"), not the title of a new
// document. Compared as letters with OCR's I/l folded.
bool is_section_heading(const std::string& line) {
  // (Not "CURRENT MEDICATIONS" and the like: a medication list is a document.)
  static constexpr std::array<std::string_view, 23> kHeadings = {
      "HISTORY OF PRESENT ILLNESS", "PAST MEDICAL HISTORY", "PAST SURGICAL HISTORY", "FAMILY HISTORY",
      "SOCIAL HISTORY",             "REVIEW OF SYSTEMS",    "PHYSICAL EXAMINATION",  "PHYSICAL EXAM",
      "ASSESSMENT AND PLAN",        "ASSESSMENT",           "IMPRESSION",            "PLAN",
      "HOSPITAL COURSE",            "DISCHARGE INSTRUCTIONS", "ALLERGIES",           "LABORATORY DATA",
      "DIAGNOSTIC DATA",            "DESCRIPTION OF PROCEDURE", "PROCEDURE IN DETAIL", "FINDINGS",
      "RECOMMENDATIONS",            "CHIEF COMPLAINT",      "VITAL SIGNS"};
  const auto folded = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      if (u >= 'A' && u <= 'Z') out += u == 'I' ? 'L' : u;
    }
    return out;
  };
  const std::string read = folded(line);
  return std::ranges::any_of(kHeadings, [&](std::string_view heading) { return folded(heading) == read; });
}

bool looks_like_title(const std::string& line) {
  if (line.size() < 6 || line.size() > 60 || line.find(':') != std::string::npos) return false;
  // "1. DARVOCET." is an item of a list; a sentence ends with a period.
  if ((line[0] >= '0' && line[0] <= '9') || line.back() == '.' || is_section_heading(line)) return false;
  int letters = 0;
  int digits = 0;
  for (char c : line) {
    letters += (c >= 'A' && c <= 'Z') ? 1 : 0;
    digits += (c >= '0' && c <= '9') ? 1 : 0;
  }
  return letters >= 6 && digits * 4 < letters && line.find(' ') != std::string::npos;
}

// Is this line a patient's name read on the page (its family and given
// names both in it)?
bool is_name_read(const std::string& line, const std::vector<Identifier>& ids) {
  const std::string upper = detail::letters(line);
  return std::ranges::any_of(ids, [&](const Identifier& id) {
    if (id.kind != IdentifierKind::kName) return false;
    const detail::NameParts name = detail::split_name(id.value);
    return !name.family.empty() && upper.find(name.family) != std::string::npos &&
           (name.given.empty() || upper.find(name.given) != std::string::npos);
  });
}

PageFacts facts_of(const PageText& page, int index, const IdentifierOptions& options) {
  PageFacts f;
  f.separator = is_separator_page(page, options, &f.separator_mrn);
  if (f.separator) return f;
  f.ids = find_identifiers(page, index, options);
  static const std::regex footer(R"(\bPage\s+([0-9lIO|]{1,3})\s+(?:of|/)\s+([0-9lIO|]{1,3})\b)", std::regex::icase);
  std::istringstream in(page.text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    std::string folded = fold(line);
    if (!folded.empty()) lines.push_back(std::move(folded));
  }
  // The footer is near the end; the last match wins.
  for (std::size_t i = lines.size() > 6 ? lines.size() - 6 : 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_search(lines[i], m, footer)) {
      f.page_of = number(m[1]);
      f.page_count = number(m[2]);
      if (f.page_of <= 0 || f.page_count <= 0 || f.page_of > f.page_count) f.page_of = f.page_count = 0;
    }
  }
  for (std::size_t i = 0; i < lines.size() && i < 10; ++i) f.top_lines.push_back(lines[i]);
  return f;
}

// Two "FAMILY, GIVEN" readings: their family names compared, and their given
// names when both have one (nullopt otherwise).
std::pair<Agreement, std::optional<Agreement>> compare_names(std::string_view a, std::string_view b) {
  const auto comma_a = a.find(',');
  const auto comma_b = b.find(',');
  const Agreement family =
      detail::compare_family(detail::letters(a.substr(0, comma_a)), detail::letters(b.substr(0, comma_b))).level;
  if (comma_a == std::string_view::npos || comma_b == std::string_view::npos) return {family, std::nullopt};
  return {family,
          detail::compare_given(detail::letters(a.substr(comma_a + 1)), detail::letters(b.substr(comma_b + 1))).level};
}

// What `page` says against the document so far.
struct IdentityCheck {
  bool conflict = false;      // something read contradicts the pages before
  bool mrn_conflict = false;  // an MRN does
  bool mrn_agrees = false;    // the page's MRN is the document's (or an OCR look-alike of it)
  std::string why;
};

IdentityCheck identity_conflict(const std::vector<Identifier>& document, const std::vector<Identifier>& page) {
  IdentityCheck check;
  for (const Identifier& a : page) {
    for (const Identifier& b : document) {
      if (a.kind != b.kind) continue;
      // An account number may be the visit's: it never counts against.
      if (a.kind == IdentifierKind::kMrn && (a.account || b.account) && a.value != b.value) continue;
      Agreement level = Agreement::kConflict;
      if (a.kind == IdentifierKind::kMrn) {
        level = detail::compare_mrn(a.value, b.value).level;
      } else if (a.kind == IdentifierKind::kBirthDate) {
        level = detail::compare_birth_date(a.value, b.value).level;
      } else {
        const auto [family, given] = compare_names(a.value, b.value);
        level = given ? std::max(family, *given) : family;
      }
      if (level == Agreement::kConflict) {
        check.conflict = true;
        check.mrn_conflict = check.mrn_conflict || a.kind == IdentifierKind::kMrn;
        check.why = std::string(identifier_kind_name(a.kind)) + " on this page differs from the pages before";
      } else if (a.kind == IdentifierKind::kMrn && level <= Agreement::kClose) {
        check.mrn_agrees = true;
      }
    }
  }
  return check;
}

// Does something read on `page` agree with the document so far: the same MRN
// or date of birth, or a name that is the same but for OCR's look-alikes?
// (Called only when nothing conflicts.)
bool identity_agrees(const std::vector<Identifier>& document, const std::vector<Identifier>& page) {
  for (const Identifier& a : page) {
    for (const Identifier& b : document) {
      if (a.kind != b.kind) continue;
      if (a.value == b.value) return true;
      if (a.kind != IdentifierKind::kName) continue;
      const auto [family, given] = compare_names(a.value, b.value);
      if (given && family <= Agreement::kClose && *given <= Agreement::kClose) return true;
    }
  }
  return false;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

Segmentation split_documents(std::span<const PageText> pages, const IdentifierOptions& identifiers,
                             const BoundaryOptions& options) {
  Segmentation out;
  std::vector<PageFacts> facts;
  facts.reserve(pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) facts.push_back(facts_of(pages[i], static_cast<int>(i), identifiers));

  Segment current;
  std::vector<Identifier> document_ids;  // read on the current document so far
  const PageFacts* previous = nullptr;   // previous content page
  bool after_separator = false;
  std::string pending_separator_mrn;
  const auto close = [&](bool unsure_end) {
    if (current.pages.empty()) return;
    current.unsure_end = unsure_end;
    out.documents.push_back(std::move(current));
    current = Segment{};
    document_ids.clear();
  };

  for (std::size_t i = 0; i < pages.size(); ++i) {
    PageFacts& f = facts[i];
    if (f.separator) {
      out.separators.push_back(static_cast<int>(i));
      close(false);
      after_separator = true;
      pending_separator_mrn = f.separator_mrn;
      continue;
    }
    // Title: a title-like line at the top that the previous page did not
    // have, and not the patient's name on a sticker ("GRIJALVA, HORACIO").
    for (const std::string& line : f.top_lines) {
      if (!looks_like_title(line) || is_name_read(line, f.ids)) continue;
      const bool repeated = previous != nullptr && std::ranges::find(previous->top_lines, line) != previous->top_lines.end();
      if (!repeated) {
        f.title = to_upper_ascii(line);
        break;
      }
    }
    if (previous == nullptr || after_separator) {
      current.pages.push_back(static_cast<int>(i));
      current.separator_mrn = pending_separator_mrn;
      if (after_separator) current.reasons.push_back("separator sheet");
      document_ids.insert(document_ids.end(), f.ids.begin(), f.ids.end());
      pending_separator_mrn.clear();
      after_separator = false;
      previous = &f;
      continue;
    }

    Boundary b;
    b.page = static_cast<int>(i);
    double score = -1.5;  // most neighbouring pages belong together
    if (f.page_of == 1) {
      score += 6;
      b.reasons.push_back("\"Page 1 of " + std::to_string(f.page_count) + "\" footer");
    } else if (f.page_of > 1) {
      const bool follows = previous->page_of == f.page_of - 1 && previous->page_count == f.page_count;
      score -= follows ? 8 : 5;
      b.reasons.push_back("footer continues (page " + std::to_string(f.page_of) + " of " +
                          std::to_string(f.page_count) + ")");
    }
    if (previous->page_of > 0 && previous->page_of == previous->page_count && f.page_of != 2) {
      score += 3;
      b.reasons.push_back("the page before was the last of its document");
    } else if (previous->page_of > 0 && previous->page_of < previous->page_count && f.page_of == 0) {
      score -= 3;
      b.reasons.push_back("the page before announced more pages");
    }
    if (const IdentityCheck identity = identity_conflict(document_ids, f.ids); identity.conflict) {
      // A name or date misread on a page whose MRN agrees is weak evidence of
      // another patient (the matcher still sees both readings).
      const bool weak = identity.mrn_agrees && !identity.mrn_conflict;
      score += weak ? 1.5 : 9;
      b.reasons.push_back((weak ? "the MRN agrees, but " : "another patient: ") + identity.why);
    } else if (identity_agrees(document_ids, f.ids)) {
      score -= 1.5;
    }
    if (!f.title.empty()) {
      const bool continued = f.title.find("CONTINU") != std::string::npos || f.title.find("CONT'D") != std::string::npos;
      score += continued ? -2 : 4.5;
      b.reasons.push_back((continued ? "title says continued: \"" : "a new title: \"") + f.title + "\"");
    }
    // Layout: the header lines at the top of the page changed.
    const auto header_like = [](const std::string& line) { return line.size() <= 50 && !line.ends_with("."); };
    if (!f.top_lines.empty() && !previous->top_lines.empty() && header_like(f.top_lines.front()) &&
        header_like(previous->top_lines.front())) {
      if (f.top_lines.front() != previous->top_lines.front()) {
        score += 1.0;  // alone, not enough to split: continuation pages often carry a shorter header
        b.reasons.push_back("the page header changed");
      } else {
        score -= 0.5;
      }
    }
    b.probability = logistic(score);
    out.boundaries.push_back(b);

    const bool split = b.probability >= 0.5;
    const bool unsure = b.probability > options.join_threshold && b.probability < options.split_threshold;
    if (split) {
      close(unsure);
      current.unsure_start = unsure;
      current.reasons = b.reasons;
    } else if (unsure) {
      current.unsure_end = true;  // kept together, but the join is not sure
      current.unsure_start = true;
      current.reasons.push_back("possible boundary before batch page " + std::to_string(i + 1) + " kept together");
    }
    current.pages.push_back(static_cast<int>(i));
    document_ids.insert(document_ids.end(), f.ids.begin(), f.ids.end());
    previous = &f;
  }
  close(false);
  return out;
}

}  // namespace chartroom::classify
