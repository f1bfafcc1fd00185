// classify/: splits a batch into documents, says what each is and whose it is,
// and says when it does not know. Pure C++ over OCR results; the patient index
// is reached through a small interface (lookups, never scans).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
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
  std::string label;    // the words that introduced it ("MRN:", "DOB:", "barcode Code128")
  std::string text;     // the characters as read, before any correction
  int page = 0;         // 0-based page within the document (or batch)
  int line = 0;         // 0-based text line on that page (-1 for a barcode)
  Box box;              // where on the page (zero when the words were not located)
  bool corrected = false;    // OCR look-alikes were fixed (O->0, l->1, S->5, B->8, Z->2)
  bool from_barcode = false; // read from a barcode, not from text
  std::string suffix;   // JR, SR, II, III, IV of a name, when printed
  // An MRN labelled as an account number ("Acct #"): evidence when it agrees
  // with an entry's MRN, never against one (it may be the visit's number).
  bool account = false;
};

enum class CheckDigit { kNone, kLuhn, kMod11 };

struct IdentifierOptions {
  int min_mrn_length = 4;
  int max_mrn_length = 15;
  // The site's MRN shape as an ECMAScript regular expression the whole value
  // must match (e.g. "[0-9]{8}" or "A[0-9]{7}"); empty = mostly digits.
  std::string mrn_pattern;
  CheckDigit check_digit = CheckDigit::kNone;  // the last character checks the rest
  // Barcode values of separator sheets (any page carrying one is a separator).
  std::vector<std::string> separator_values = {"CHARTROOM-SEP", "PATCHT"};
};

// Finds MRNs ("MRN", "Med Rec #", "Medical Record No.", "MR#", "Acct",
// "Patient ID", "Chart #"), patient names ("Patient: Last, First", "Name:
// First M. Last Jr.", sticker lines "LAST, FIRST" beside an MRN), dates of
// birth ("DOB", "Date of Birth", "Born"; numeric, ISO, written months) in a
// page's text, and MRNs in its barcodes (not separator sheets).
std::vector<Identifier> find_identifiers(const PageText& page, int page_number,
                                         const IdentifierOptions& options = {});

// Normalises a date written in a common format to YYYY-MM-DD (US month-first
// for ambiguous numeric dates); nullopt when it is not a valid date.
std::optional<std::string> normalize_date(std::string_view text);

// Does the MRN have the site's shape and a right check digit?
bool mrn_is_valid(std::string_view mrn, const IdentifierOptions& options);

// Is this page a separator sheet (a barcode with a separator value)? When the
// sheet also carries an MRN barcode, `mrn` receives it.
bool is_separator_page(const PageText& page, const IdentifierOptions& options, std::string* mrn = nullptr);

// ---------------------------------------------------------------- patient index

// The patient index as classify sees it: index lookups only.
class PatientIndex {
 public:
  virtual ~PatientIndex() = default;
  virtual Result<std::optional<Patient>> by_mrn(std::string_view mrn) = 0;
  // Patients born on this date (YYYY-MM-DD), at most `limit`.
  virtual Result<std::vector<Patient>> by_birth_date(std::string_view date, int limit) = 0;
  // Patients whose family name, upper-cased, is `family` (letters, ' and -
  // as stored), at most `limit`.
  virtual Result<std::vector<Patient>> by_family_name(std::string_view family, int limit) = 0;
  // How many patients the index holds (for the prior).
  virtual Result<std::int64_t> size() = 0;
  // How many patients carry this family name (upper-cased, as by_family_name
  // takes it): a rare name is strong evidence, a common one weak. By default
  // counted through by_family_name, up to 10,000.
  virtual Result<std::int64_t> family_name_count(std::string_view family);
};

// Jaro-Winkler similarity of two strings (0..1).
double jaro_winkler(std::string_view a, std::string_view b);

// ---------------------------------------------------------------- patient match

struct MatchOptions {
  double file_threshold = 0.95;    // at or above: filed
  double review_threshold = 0.30;  // below: review without a suggested patient
  // Population a document may come from (the prior); the index size when larger.
  double population = 1'000'000;
  double prior_in_index = 0.9;     // share of documents whose patient is in the index
  int max_candidates = 3;          // shown to a reviewer
  // Without an MRN that agrees, a document is filed on name and date of
  // birth when both are read and agree with exactly one entry and no other
  // entry comes near (twins need their given names read; a contradicting
  // MRN or date sends it to review). A site that files only on an MRN sets
  // this false.
  bool file_without_mrn = true;
  IdentifierOptions identifiers;
};

// One index entry considered for a document, with how well it fits.
struct Candidate {
  Patient patient;
  double weight = 0;      // Fellegi-Sunter log2 likelihood ratio over all fields
  double confidence = 0;  // posterior probability (0..1)
  bool mrn_agrees = false; // an MRN read on the pages is this entry's (look-alikes fixed)
  // Name and date of birth, the two identifiers of health-information
  // practice: read the same (names but for OCR look-alikes; the date exactly).
  bool name_agrees = false;
  bool birth_date_agrees = false;
  std::vector<std::string> agreements;  // "MRN exact (page 1, line 3)", "DOB day/month swapped"
  std::vector<std::string> conflicts;   // fields read that contradict this entry
};

struct PatientDecision {
  std::optional<PatientRef> patient;  // best candidate (also when it goes to review)
  bool file = false;                  // confident enough to file without a person
  std::vector<std::string> review_reasons;
  std::vector<Identifier> evidence;
  std::vector<Candidate> candidates;  // best first, at most max_candidates
};

// Matches a document to a patient: every identifier on its pages is compared
// with the index entries found by lookup (MRN and its OCR variants, date of
// birth and its swaps, family name), scored Fellegi-Sunter style and turned
// into one posterior probability. Always review: no identifier, patient not
// in the index, two identities in one document, two entries that fit equally.
Result<PatientDecision> match_patient(std::span<const PageText> pages, PatientIndex& index,
                                      const MatchOptions& options = {});
// The same over identifiers already read (page numbers as in `evidence`).
Result<PatientDecision> match_identifiers(std::vector<Identifier> evidence, PatientIndex& index,
                                          const MatchOptions& options = {});

// ---------------------------------------------------------------- boundaries

struct BoundaryOptions {
  double split_threshold = 0.8;   // a boundary at or above this is sure
  double join_threshold = 0.2;    // at or below this, sure there is none; between: unsure
};

// Where one document ends and the next begins, between page i-1 and page i.
struct Boundary {
  int page = 0;             // the first page of the new document
  double probability = 0;   // that a new document begins here
  std::vector<std::string> reasons;  // "separator sheet", "page 1 of 3 footer", "another patient's MRN"
};

struct Segment {
  std::vector<int> pages;        // indexes into the input pages, separator sheets left out
  bool unsure_start = false;     // the boundary before it was unsure
  bool unsure_end = false;       // the boundary after it was unsure
  std::string separator_mrn;     // MRN carried by the separator sheet in front of it
  std::vector<std::string> reasons;  // why it starts where it does
};

struct Segmentation {
  std::vector<Segment> documents;
  std::vector<int> separators;   // pages that are separator sheets
  std::vector<Boundary> boundaries;  // one per pair of neighbouring content pages
};

// Splits the pages of a batch into documents: separator sheets first; without
// them a change of patient identity, a new title or form header, "Page 1 of N"
// footers and a change of layout. Pages are in batch order.
Segmentation split_documents(std::span<const PageText> pages, const IdentifierOptions& identifiers = {},
                             const BoundaryOptions& options = {});

// ---------------------------------------------------------------- type

// Default label set (DESIGN.md).
std::span<const std::string_view> default_document_types();

// A trained linear model over TF-IDF word and character n-grams (hashed,
// the most frequent kept) plus the words of the title lines, with softmax
// probabilities calibrated (temperature) on held-out documents.
class TypeModel {
 public:
  // Parses a model file's content (the format `serialize` writes).
  static Result<TypeModel> parse(std::string_view text);
  static Result<TypeModel> load(const std::filesystem::path& path);
  std::string serialize() const;

  // Probability of each label, best first.
  std::vector<std::pair<std::string, double>> predict(std::string_view text) const;
  const std::vector<std::string>& labels() const { return labels_; }
  std::size_t features() const { return idf_.size(); }

 private:
  friend struct TypeModelBuilder;
  std::vector<std::string> labels_;
  double temperature_ = 1;
  std::vector<std::pair<std::uint32_t, float>> idf_;  // bucket -> idf, sorted by bucket
  std::vector<std::vector<float>> weights_;           // per feature (idf_ order): one weight per label
  std::vector<float> bias_;                           // per label
};

// The model shipped in the repository (classify/models/doctype.model, built
// into the program), parsed once; nullptr when it cannot be read.
const TypeModel* default_type_model();

struct TrainOptions {
  double holdout = 0.2;       // share of each label kept out to calibrate and measure
  double c = 32;               // liblinear cost (L1-regularised logistic regression)
  int max_features = 20000;   // most frequent hashed features kept
  std::uint64_t seed = 1;
};

struct TrainReport {
  int train_documents = 0;
  int holdout_documents = 0;
  int holdout_sources = 0;          // distinct source documents among them
  double holdout_accuracy = 0;      // best label right, on documents the model never saw
  double temperature = 1;
  double abstain_threshold = 0.5;
  double answered_share = 0;        // held-out documents at or above the threshold
  double answered_accuracy = 0;     // accuracy on those
  int nonzero_weights = 0;
  std::vector<std::string> confusions;  // "discharge_summary -> progress_note: 3"
  struct PerLabel {
    std::string label;
    int held = 0;         // held-out documents of this type
    int predicted = 0;    // held-out documents given this type
    int right = 0;        // of those, right
  };
  std::vector<PerLabel> per_label;  // precision = right / predicted, recall = right / held
  struct Bin {
    double from = 0, to = 0;  // confidence of the best label in [from, to)
    int documents = 0;
    int right = 0;
  };
  std::vector<Bin> calibration;  // held-out documents by confidence: is p about the share right?
};

// One training document. Documents with the same `source` (renderings of one
// note with different page headers or OCR noise) are held out together, so
// the held-out figures are for notes the model never saw in any form; an
// empty source stands for the document alone.
struct LabelledText {
  std::string label;
  std::string text;
  std::string source;
};

// Trains a model from labelled documents with liblinear.
Result<TypeModel> train_type_model(const std::vector<LabelledText>& labelled, const TrainOptions& options,
                                   TrainReport* report = nullptr);

struct TypeOptions {
  int title_lines = 12;           // lines at the top of the first page searched for a title
  double abstain_threshold = 0.5; // below: no type (the reviewer chooses)
  const TypeModel* model = nullptr;  // nullptr: the default model (titles only if there is none)
};

// Every type with its probability, most likely first, from the model (when
// given) and the title on the first page; empty when there is nothing to go on.
std::vector<DocTypeRef> rank_document_types(std::span<const PageText> pages, const TypeOptions& options = {});
// The most likely type; nullopt when it is below the abstain threshold.
std::optional<DocTypeRef> classify_document_type(std::span<const PageText> pages, const TypeOptions& options = {});
std::optional<DocTypeRef> classify_document_type(const PageText& first_page, const TypeOptions& options = {});

}  // namespace chartroom::classify
