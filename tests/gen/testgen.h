// The test-page generator: renders realistic chart pages with real fonts
// (FreeType, Liberation/DejaVu) at 300 dpi, then "scans" them with the defects
// of real scanners. Every page comes with its ground truth. Used by the tests,
// the benchmarks and the README's sample batch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::testgen {

// Folder of ../shared/data as seen from the source tree (may not exist).
std::filesystem::path shared_data_dir();

// Patients from a Synthea CSV export (patients_dev.csv): digits stripped from
// names, MRN derived deterministically from the Synthea Id (8 digits).
// Falls back to a small built-in list when the file is missing.
std::vector<Patient> load_patients(const std::filesystem::path& synthea_csv);

struct Sample {
  std::string specialty;
  std::string title;  // sample_name
  std::vector<std::string> paragraphs;  // "HEADING: text" split as the data README says
};
// MTSamples transcriptions (mtsamples_dev.csv); `limit` rows at most (0 = all).
// Falls back to a few built-in notes when the file is missing.
std::vector<Sample> load_samples(const std::filesystem::path& mtsamples_csv, std::size_t limit = 0);

// The document type (DESIGN.md's label set) an MTSamples row stands for, by
// its specialty, sample name and headings (as the data README suggests);
// empty when none fits.
std::string sample_doc_type(const Sample& sample);
// The type of every row, the same for all rows of one note: MTSamples lists
// many notes under several specialties that stand for different types (a
// "Dietary Consult" under progress notes and under consults), and one text
// must not carry two truths. A specific kind of document wins over a generic
// visit note (an "ER Consult" is an emergency note), an image-guided
// procedure is an operative report, and between a history and physical and a
// progress note a SOAP layout decides.
std::vector<std::string> sample_doc_types(const std::vector<Sample>& samples);
// The form types MTSamples has no rows for, generated from templates.
std::vector<std::string_view> form_types();
std::string form_title(std::string_view type, std::uint64_t seed);
std::vector<std::string> form_paragraphs(std::string_view type, const Patient& patient, std::uint64_t seed);

// Writes a patient index CSV in chartroom's format (mrn,family_name,given_name,birth_date,sex).
Status write_roster_csv(const std::vector<Patient>& patients, const std::filesystem::path& path);

struct PageSpec {
  Patient patient;
  bool show_mrn = true;         // print "MRN: ..." in the header
  std::string facility = "Riverside General Hospital";
  std::string title;            // document title, on the first page
  std::vector<std::string> paragraphs;  // body text; what does not fit is returned
  int page_number = 1;          // footer "Page N of M"
  int page_count = 1;
  std::string date = "03/14/2024";
};

struct RenderedPage {
  Image image;  // Gray8, 2550 x 3300 at 300 dpi (US Letter), upright, no skew
  std::string ground_truth;  // every line printed, top to bottom, '\n' between lines
  std::vector<std::string> overflow;  // paragraphs (or their rest) that did not fit
};

// Renders one page; body text wraps to the margins.
RenderedPage render_page(const PageSpec& spec, int dpi = 300);

// Renders a whole document: as many pages as the paragraphs need
// ("Page N of M" footers are filled in once M is known).
std::vector<RenderedPage> render_document(PageSpec first_page, int max_pages = 50, int dpi = 300);

// A blank back side: paper tone, scanner noise, optional bleed-through.
RenderedPage render_blank_page(std::uint32_t seed, bool bleed_through = false, int dpi = 300);

// What the scanner did to the page.
struct ScanDefects {
  double skew_degrees = 0;   // counter-clockwise positive, as chartroom reports it
  int orientation = 0;       // clockwise rotation that makes the scan upright (0/90/180/270)
  double noise_sigma = 0;    // gaussian noise, gray levels
  double speckle_density = 0;// fraction of pixels turned into specks
  double blur_sigma = 0;     // gaussian blur, pixels
  int background = 255;      // paper gray level
  bool dark_border = false;  // black scanner edge on two sides
  int output_dpi = 300;      // resampled to this resolution
  bool bilevel = false;      // thresholded to Gray1 like a fax/G4 scanner
  // Defects of the paper and of how it lay on the glass (all on the upright
  // page, so they turn with it):
  int ink = 0;               // gray level of full ink: 0 black, 150+ faint (weak toner, pencil)
  double uneven = 0;         // lighting falls off by this many gray levels towards the bottom right
  double bleed_through = 0;  // 0..1: the back side's text shows through, mirrored and soft
  bool punch_holes = false;  // three punched holes near the left edge, dark like the scanner lid
  bool stamp = false;        // a gray "RECEIVED" rubber stamp, slightly turned, top right (not in the truth)
  double cut_off = 0;        // share of the page height lost past the bottom edge of the glass
  double folded_corner = 0;  // legs of a top-right corner folded over, in inches (0 = none)
};

Image scan(const Image& page, const ScanDefects& defects, std::uint32_t seed);

// Pages that hold almost nothing yet must never be dropped as blank.
enum class NearBlank {
  kHandwrittenLine,   // one line of cursive-like pen strokes
  kSignature,         // a signature scrawl on a line, lower right
  kLeftBlankNotice,   // "This page intentionally left blank", centred
  kShortLine,         // one short typed line ("No known drug allergies."), anywhere on the page
  kLightStamp,        // a light-gray boxed stamp ("RECEIVED"), upper part of the page
};
// Upright, Gray8 at `dpi` on white paper; scan() adds the scanner's defects.
// The ground truth is the printed text ("" for pen strokes).
RenderedPage render_near_blank(NearBlank kind, std::uint32_t seed, int dpi = 300);

enum class Encoding { kTiffG4, kTiffLzw, kTiffJpeg, kTiffNone, kPng, kJpeg, kPdfG4, kPdfJpeg };

// Writes pages to a file: TIFF and PDF encodings make one multi-page file;
// PNG/JPEG take exactly one page. G4 needs Gray1 pages (others are thresholded).
Status write_pages(const std::vector<Image>& pages, const std::filesystem::path& path, Encoding encoding);

// What a PDF may carry beside its scanned images.
struct PdfExtras {
  std::string text_layer;               // invisible Helvetica text on each page, as a scanner's OCR layer
  bool encrypted = false;               // AES-256 (R6), user password "secret"
  bool open_action_javascript = false;  // /OpenAction << /S /JavaScript /JS ... >>
};
// A scanner-style PDF (kPdfG4: CCITT G4 pages, kPdfJpeg: gray JPEG pages),
// each page the size of its image at the image's dpi; written with qpdf.
Status write_pdf(const std::vector<Image>& pages, const std::filesystem::path& path, Encoding encoding,
                 const PdfExtras& extras = {});

// Character error rate: Levenshtein distance over characters of the two texts
// after folding whitespace runs to one space and trimming, divided by the
// length of the truth.
double character_error_rate(std::string_view truth, std::string_view read);

}  // namespace chartroom::testgen
