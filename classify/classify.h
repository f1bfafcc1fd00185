// classify/: what each document in a batch is and whose it is. Pure C++ over
// OCR results; the patient index is reached through a small interface.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::classify {

// ---------------------------------------------------------------- identifiers

enum class IdentifierKind { kMrn, kName, kBirthDate };
std::string_view identifier_kind_name(IdentifierKind kind);

// An identifier read on a page: the evidence shown to a reviewer.
struct Identifier {
  IdentifierKind kind = IdentifierKind::kMrn;
  std::string value;    // MRN as digits/letters; name as "FAMILY, GIVEN"; DOB as YYYY-MM-DD
  std::string label;    // the words that introduced it ("MRN:", "DOB:")
  int page = 0;         // 0-based page within the document
  int line = 0;         // 0-based text line on that page
};

struct IdentifierOptions {
  int min_mrn_length = 4;
  int max_mrn_length = 15;
};

// Finds MRNs ("MRN", "Med Rec #", "Medical Record No.", "MR#"), patient names
// ("Patient: Last, First", "Name: First Last") and dates of birth ("DOB",
// "Date of Birth"; MM/DD/YYYY, YYYY-MM-DD, "March 4, 1962") in a page's text.
std::vector<Identifier> find_identifiers(const PageText& page, int page_number,
                                         const IdentifierOptions& options = {});

// Normalises a date written in a common format to YYYY-MM-DD (US month-first
// for ambiguous numeric dates); nullopt when it is not a valid date.
std::optional<std::string> normalize_date(std::string_view text);

// ---------------------------------------------------------------- patient

// The patient index as classify sees it.
class PatientIndex {
 public:
  virtual ~PatientIndex() = default;
  virtual Result<std::optional<Patient>> by_mrn(std::string_view mrn) = 0;
};

struct MatchOptions {
  double file_threshold = 0.95;  // at or above: filed; below: review
  IdentifierOptions identifiers;
};

struct PatientDecision {
  std::optional<PatientRef> patient;  // best candidate (also when it goes to review)
  bool file = false;                  // confident enough to file without a person
  std::vector<std::string> review_reasons;
  std::vector<Identifier> evidence;
};

// Matches a document to a patient. At this stage only an exact MRN match that
// is confirmed by the name or the date of birth on the pages is filed; every
// other case goes to review with the reason (no MRN, two MRNs, MRN not in the
// index, a name or date of birth that contradicts the index).
Result<PatientDecision> match_patient(std::span<const PageText> pages, PatientIndex& index,
                                      const MatchOptions& options = {});

// ---------------------------------------------------------------- type

// Default label set (DESIGN.md).
std::span<const std::string_view> default_document_types();

struct TypeOptions {
  int title_lines = 12;  // lines at the top of the first page searched for a title
};

// Recognises the document type from the title on the first page; nullopt when
// no known title is found.
std::optional<DocTypeRef> classify_document_type(const PageText& first_page, const TypeOptions& options = {});

}  // namespace chartroom::classify
