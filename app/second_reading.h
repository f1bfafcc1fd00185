// Second readings of a page (private to app/): where the first reading leaves
// a doubt that reading the page once more can settle. Each is bounded to one
// more reading of the page, and counted in `ingest --timings`.
//   - Orientation: capture was unsure which way up the page is; it is read
//     turned half a turn as well and the clearly more confident reading wins.
//   - Broken strokes: a page scanned 1-bit read with low confidence (faint
//     toner that a fax or G4 scanner thresholded into broken letters) is
//     cleaned again with its strokes closed and read again; that reading wins
//     where the first mostly failed.
// The winning reading's one-page PDF replaces the first one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "capture/capture.h"
#include "core/core.h"
#include "ocr/ocr.h"

namespace chartroom::app::detail {

// The store or the work folder cannot be written (disk full, read-only): not
// the page's fault, so the page is not quarantined; the run stops filing.
bool is_environment_failure(const Error& error);

// A page PDF is durable before its page is recorded as read.
Status sync_file(const std::filesystem::path& path);

struct Settled {
  std::string note;                   // what the second opinion did, for the page's reason
  std::optional<std::string> unsure;  // set: its document goes to review with this
  bool read_twice = false;            // false: the first reading was confident enough alone
};

// The orientation capture left unsure, settled by OCR: unless its first
// reading is confident enough alone (OrientationOptions::
// upright_ocr_confidence), the page is read turned half a turn as well, and a
// reading clearly more confident than the other, with more confident words
// too, wins (its PDF replaces the first one, `clean` and `read` become the
// turned page's). When neither does, the page is not filed as if its
// orientation were known.
Result<Settled> settle_orientation(ocr::Engine& engine, capture::CleanPage& clean, PageText& read,
                                   const std::filesystem::path& pdf, ocr::ReadOptions read_options,
                                   const std::string& label, const capture::OrientationOptions& options);

// Words a reader would trust: three or more letters (a trailing stop or comma
// allowed) that OCR read with confidence 60 or more. Garbage read from broken
// strokes is short, mixed with digits and signs, or unsure.
int confident_words(const PageText& read);

// Whether a page calls for the broken-strokes reading: scanned 1-bit (the
// scanner's threshold, not chartroom's, broke the strokes), a text page, and
// read whole with a mean confidence under `below_confidence`.
bool wants_strokes_closed(const Image& scan, const capture::CleanPage& page, const PageText& read,
                          int below_confidence);

struct Reread {
  bool read_again = false;  // false: the page could not be cleaned or read a second time
  bool kept = false;        // the second reading won: `clean.image` and `read` are now its
  std::string note;         // for the page's reason ("" when the first reading stands)
};

// Cleans the scan once more with its strokes closed before specks are removed
// (CleanOptions::close_strokes), reads that, and keeps it only when the first
// reading mostly failed: the second has half as many confident words again
// (and 20 more). Closing also fills the holes of small letters and figures (a
// 0 can read as an 8), so a second reading only somewhat better does not
// replace a first one that read the identifiers right. When it is kept,
// `clean.image` and `read` are the second's and its PDF replaces the first one.
Result<Reread> reread_strokes_closed(ocr::Engine& engine, const Image& scan, capture::CleanOptions options,
                                     capture::CleanPage& clean, PageText& read,
                                     const std::filesystem::path& pdf, ocr::ReadOptions read_options,
                                     const std::string& label);

}  // namespace chartroom::app::detail
