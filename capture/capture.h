// capture/: image files in, clean page images and facts about them out.
// Decoding (libtiff for TIFF, OpenCV for PNG, Leptonica for JPEG, qpdf and
// Poppler for scanner PDFs), orientation, deskew,
// binarization and blank-page detection. Each step is a free function with
// plain Options and a result that says how sure it is.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::capture {

// ---------------------------------------------------------------- decoding

// Limits that protect the pipeline from absurd or hostile files.
struct DecodeLimits {
  std::uint64_t max_file_bytes = 2ULL << 30;  // 2 GiB
  std::uint64_t max_pixels = 150'000'000;     // per page (about 12000 x 12500)
  int max_dimension = 40'000;                 // per side, pixels
  int min_dimension = 16;                     // per side: smaller is no scanned page (a 1 x 1 stub)
  int max_pages = 10'000;                     // per file
  int assumed_dpi = 300;                      // when the file states none (or an absurd one)
};

// Reads the pages of one image file one at a time, so a 2,000-page TIFF never
// sits in memory whole. Not thread-safe; one reader per file.
class PageReader {
 public:
  virtual ~PageReader() = default;
  // Number of pages in the file (1 for PNG/JPEG; a PDF's pages like a TIFF's).
  virtual int page_count() const = 0;
  // Decodes page `index` (0-based). Errors name the file and the page, e.g.
  // "scan_0007.tif, page 3: truncated TIFF strip". Gray1 for bilevel pages,
  // Gray8 for gray, Rgb8 for colour. dpi is filled (assumed_dpi if unknown).
  virtual Result<Image> read_page(int index) = 0;
  virtual FileFormat format() const = 0;
  // The text a PDF page already carries (a scanner's own OCR layer, or a
  // born-digital page), as UTF-8; "" for images. Never used for filing: every
  // page is read by OCR; this is for comparing the two.
  virtual std::string embedded_text(int /*index*/) { return ""; }
};

// Opens an image file: checks size, sniffs the format by content, reads the
// header(s) and checks the limits before any pixel is decoded. The file is
// opened once (links are not followed; it must be a regular file) and every
// later read goes through that descriptor, never the path again and never a
// memory map, so a file renamed, replaced or cut short meanwhile gives an
// error naming it, not a crash.
// `display_name` is used in error messages (the source as the user gave it).
Result<std::unique_ptr<PageReader>> open_image(const std::filesystem::path& path,
                                               const std::string& display_name,
                                               const DecodeLimits& limits = {});
// The same over a file already opened (and perhaps hashed) by the caller: the
// pages decoded are those of the bytes that were hashed, even if the name was
// replaced meanwhile. Errors name it by its display name.
Result<std::unique_ptr<PageReader>> open_image(OpenedFile file, const DecodeLimits& limits = {});

// ---------------------------------------------------------------- steps

// `degrees` is counter-clockwise positive: the angle by which the content sits
// rotated on the image (the correction rotates by -degrees).
struct Skew {
  double degrees = 0;
  double confidence = 0;  // 0..1
};

struct SkewOptions {
  double max_degrees = 15;        // search range, both directions
  double min_confidence = 0.3;    // below this the page is left as it is and flagged
  // Where the first estimate is below min_confidence the page is measured
  // again on its ink thresholded halfway between the paper and the level
  // under which `ink_share` of the (flattened) page lies, if that ink stands
  // out from the paper by at least `min_ink_contrast` gray levels (of a paper
  // flattened to 200): light gray typewriter text is found, flat paper is not.
  // The same when the analysis threshold sees less than `min_ink_seen` of
  // that ink (light text beside a dark stamp, whose lines would decide).
  double ink_share = 0.005;
  int min_ink_contrast = 16;
  double min_ink_seen = 0.5;
};

// Measures the skew of the text lines on a page.
Skew find_skew(const Image& page, const SkewOptions& options = {});

// `degrees` is the clockwise rotation (0, 90, 180, 270) that makes the page upright.
struct Orientation {
  int degrees = 0;
  double confidence = 0;  // 0..1
};

struct OrientationOptions {
  double min_confidence = 0.5;  // below this the page is left as it is
  // A page whose orientation stays unsure is read by OCR both ways (as found
  // and turned half a turn); the reading whose mean word confidence (0..100)
  // is higher by `ocr_margin` and at least `min_ocr_confidence` decides.
  // Otherwise its document goes to review to be checked upright.
  double ocr_margin = 10;
  double min_ocr_confidence = 50;
  // A page read as found with this mean confidence or more (over 10 words or
  // more that a reader would trust) is upright and is not read turned: an
  // upside-down page reads as noise (at most 77 on the development sets,
  // 2026-12-06, against 87-94 for those pages upright).
  double upright_ocr_confidence = 88;
};

// Finds how the text on a (deskewed) page must be rotated to stand upright.
Orientation detect_orientation(const Image& page, const OrientationOptions& options = {});

// The second opinion on a page whose orientation is unsure: OCR's mean word
// confidence (0..100) on the page as found and turned half a turn.
enum class OcrOrientation { kAsFound, kHalfTurn, kUnsure };
OcrOrientation judge_by_ocr(double as_found, double half_turn, const OrientationOptions& options = {});

// Rotates clockwise by a multiple of 90 degrees.
Image rotate_orthogonal(const Image& page, int clockwise_degrees);

// Rotates by an arbitrary angle (counter-clockwise positive), bringing in white.
Image rotate(const Image& page, double degrees);

// Turns any page into 8-bit gray.
Image to_gray(const Image& page);

struct BinarizeOptions {
  int window = 0;        // adaptive window in pixels; 0 = derived from the dpi
  double factor = 0.34;  // Sauvola k
  // Faint ink: when the level under which `faint_ink_share` of the page lies
  // (on paper flattened to 200) is less than `faint_contrast` below the
  // paper, yet at least `min_ink_contrast` (else it is paper noise), the page
  // is stretched to put that ink at black before Sauvola's threshold.
  // faint_contrast 0 turns this off.
  int faint_contrast = 100;
  double faint_ink_share = 0.005;
  int min_ink_contrast = 16;
};

// Adaptive binarization of a gray or colour page into Gray1.
Image binarize(const Image& page, const BinarizeOptions& options = {});

// A 1-bit page whose strokes are broken (faint toner thresholded by a fax or
// G4 scanner) with the gaps closed: a morphological closing with a `size` x
// `size` brick (0 = 3 at 250 dpi and over, else 2). Other pages come back as they are.
Image thicken_strokes(const Image& binary, int size = 0);

struct CleanupOptions {
  bool remove_borders = true;      // dark scanner edges connected to the image border
  bool remove_punch_holes = true;  // round holes (about 1/4 inch) near an edge
  double max_speck_mm = 0.3;       // marks no larger than this either way are specks (0 = keep all)
};

// What cleanup removed, in the coordinates of the page it was given.
struct Cleanup {
  std::vector<Box> borders;
  std::vector<Box> punch_holes;
  int specks = 0;
};

// Finds dark scanner borders and punch holes on a gray (or colour) page; their
// boxes, and a mask of their pixels for erase_marks.
struct FoundMarks {
  Cleanup found;
  Image mask;  // Gray1, set = a pixel to paint white; empty when nothing was found
};
FoundMarks find_marks(const Image& page, const CleanupOptions& options = {});

// Paints the found marks over with paper: white on Gray1 and Rgb8 pages, the
// surrounding paper's shade on Gray8 pages; the page has the size find_marks saw.
void erase_marks(Image& page, const FoundMarks& marks);

// Removes specks (dust, toner dots, scanner noise) from a Gray1 page; full
// stops, commas and the dots of i and j are larger and stay. Returns how many.
int despeckle(Image& binary, const CleanupOptions& options = {});

struct BlankCheck {
  bool blank = false;
  double ink_fraction = 0;  // share of dark pixels inside the margins after speckle removal
  double confidence = 0;
  int letter_marks = 0;     // letter-sized marks inside the margins (also faint ones)
  int very_faint_marks = 0; // the same at `very_faint_level` (counted only on a page found blank)
  // Blank by the ink rules, yet with marks that could be words (one short or
  // faint line, a light stamp): OCR reads it first, and a page on which OCR
  // finds a word is kept (`holds_words`). Only a page clearly blank (specks,
  // borders, punch holes, bleed-through) is dropped without reading.
  bool read_before_dropping = false;
};

struct BlankOptions {
  double margin_fraction = 0.06;   // ignored border on each side (scanner edges, punch holes)
  double max_ink_fraction = 0.0015;
  // A page with at least this many letter-sized marks inside the margins is
  // not blank however little ink it has ("This page intentionally left blank").
  int min_text_marks = 12;
  // A blank page is read before it is dropped when it has this many
  // letter-sized marks (counting very faint ones: `very_faint_level`), or ink
  // or pen strokes reaching `read_from_evidence` of their "not blank" limits.
  int read_from_marks = 2;
  double read_from_evidence = 0.5;
  // Gray level (paper flattened to 200) below which a mark counts as very
  // faint ink for `read_from_marks`: about 5 % darker than the paper.
  int very_faint_level = 190;
  // What OCR must find on such a page to keep it: one word of at least
  // `min_word_characters` letters or digits, read with at least
  // `min_word_confidence` (0..100, Tesseract's scale).
  int min_word_characters = 2;
  double min_word_confidence = 60;
  // Where OCR finds no word but the page has this many letter-sized marks
  // (not counting very faint ones: bleed-through), it is kept for a person
  // to look at (a boxed stamp, handwriting OCR cannot read), never dropped.
  int look_from_marks = 4;
};

BlankCheck check_blank(const Image& page, const BlankOptions& options = {});

// Whether OCR found a word on a page.
bool holds_words(const PageText& text, const BlankOptions& options = {});

// A page blank by the ink rules but `read_before_dropping`, once read: kept
// with its document (OCR found a word), kept for a person to look at (marks
// like letters that OCR could not read), or dropped as blank.
enum class NearBlank { kKeep, kLook, kDrop };
NearBlank judge_near_blank(const BlankCheck& check, const PageText& text, const BlankOptions& options = {});

// ---------------------------------------------------------------- image quality

struct QualityOptions {
  bool enabled = true;
  int min_dpi = 150;            // below this OCR misreads ordinary print
  double max_blur_mm = 0.16;    // edge spread (gaussian sigma) beyond which text is too soft
  int min_paper_level = 110;    // paper darker than this gray is too dark a scan
  int min_contrast = 70;        // paper minus ink below this is too light (washed out)
  // A page found too light or blurred that OCR then reads with at least this
  // mean word confidence (0..100) was read well: it is not sent back to be
  // rescanned for its lightness or softness alone (other problems still count).
  double light_read_well_confidence = 70;
  int min_cut_marks = 8;        // letters this close to one image edge: the page is cut off
  double min_fold_inches = 0.3; // a dark triangle at a corner this large: a folded corner
};

// Whether the scan is fit to file, judged on the scan as it came. Each problem
// is one short reason for the operator ("blurred (edge spread 0.25 mm)").
struct QualityCheck {
  bool rescan = false;
  std::vector<std::string> problems;
  bool too_light = false;   // one of the problems is "too light"
  double blur_mm = 0;       // estimated edge spread of the text (gaussian sigma)
  int paper_level = 255;    // typical gray of the paper
  int ink_level = 0;        // typical gray of the darkest ink
  int cut_marks = 0;        // letter-sized marks within ~5 mm of the worst edge
};

QualityCheck check_quality(const Image& page, const QualityOptions& options = {});

struct BarcodeOptions {
  bool enabled = true;
  bool try_harder = true;  // slower, finds small or damaged codes
};

// Code 39, Code 128, QR, DataMatrix and PDF417 codes on a page, in any
// orientation; boxes in the pixel coordinates of `page`.
std::vector<Barcode> read_barcodes(const Image& page, const BarcodeOptions& options = {});

// Draws one barcode (Gray1, `width` x `height` pixels or the symbol's natural
// size if larger, no quiet zone). `format` as in core's Barcode ("Code39", ...).
Result<Image> render_barcode(const std::string& format, const std::string& value, int width, int height,
                             int dpi);

// ---------------------------------------------------------------- separator sheets

struct SeparatorSheet {
  std::string value = "CHARTROOM-SEP";  // Code 39: A-Z, 0-9, space, - . $ / + %
  std::string mrn;                      // printed as Code 128 when set
  int dpi = 300;
};

// A US Letter page (Gray1) to print and put in front of each document:
// the separator value as Code 39, the MRN as Code 128, and plain words.
Result<Image> render_separator_sheet(const SeparatorSheet& spec);

// ---------------------------------------------------------------- whole page

struct CleanOptions {
  SkewOptions skew;
  OrientationOptions orientation;
  BinarizeOptions binarize;
  CleanupOptions cleanup;
  BlankOptions blank;
  BarcodeOptions barcodes;
  QualityOptions quality;
  bool output_bilevel = true;  // store text pages as Gray1 (CCITT G4 in the PDF)
  // A page whose skew confidence is below this many times
  // skew.min_confidence is measured turned a quarter too (a sideways page).
  double sideways_check = 2;
  // Close broken strokes (thicken_strokes) right after binarization, before
  // specks are removed: the second cleaning of a faint 1-bit page, whose
  // letters the scanner's threshold broke into speck-sized pieces.
  bool close_strokes = false;
  // When set, each stage's image is written there as a PNG named
  // "<debug_name>-<N>-<stage>.png" (scan, gray, deskewed, marks-removed,
  // binary, strokes-closed, despeckled, final), so a person can see why a
  // page came out as it did.
  std::filesystem::path debug_dir;
  std::string debug_name = "page";
};

struct CleanPage {
  Image image;  // upright, deskewed; Gray1 when output_bilevel and a text page, else Gray8/Rgb8
  Orientation orientation;
  Skew skew;              // as measured on the scan
  bool skew_applied = false;
  BlankCheck blank;
  QualityCheck quality;           // rescan = the operator should scan the page again
  Cleanup cleanup;                // borders, holes and specks removed
  bool picture = false;           // photographs or colour: kept gray/colour, not bilevel
  std::vector<Barcode> barcodes;  // boxes in the coordinates of `image`
  std::vector<std::string> warnings;  // e.g. "skew estimate unsure (confidence 0.12); page left as scanned"
};

// The whole cleaning chain for one page: blank check, quality checks, skew
// (also of sideways pages), deskew, border and punch-hole removal, barcodes,
// background-flattening adaptive binarization, despeckle, orientation. Text
// pages come out Gray1; pages with photographs or colour stay Gray8/Rgb8.
Result<CleanPage> clean_page(const Image& scan, const CleanOptions& options = {});

// Turns a cleaned page by a further clockwise multiple of 90 degrees: its
// image, its barcodes' boxes and its orientation (a second opinion on it).
void turn_clean_page(CleanPage& page, int clockwise_degrees);

// ---------------------------------------------------------------- file I/O for tools and tests

// Writes a page as a TIFF (Gray1 -> CCITT G4, others -> LZW), PNG, or a
// one-page PDF at the page's resolution (Gray1 -> G4), by extension.
Status write_image(const Image& page, const std::filesystem::path& path);

}  // namespace chartroom::capture
