// Private to capture/: what qpdf finds in a PDF before any page is drawn.
// This header and pdf_structure.cpp are C++17 without core/ types: qpdf 11's
// headers do not compile under clang 16 in C++23 mode (the fuzz build), so
// qpdf stays in this one translation unit, built as C++17.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chartroom::capture::detail {

enum class PdfVerdict {
  kReadable,
  kEncrypted,   // password protected (or encrypted with an empty password)
  kDamaged,     // qpdf could not parse it, or parsed it only with warnings
  kJavaScript,  // carries JavaScript or an action that starts a program
  kTooManyPages,
};

struct PdfPageFacts {
  // The page's crop box (the media box when it has none) in points, before /Rotate.
  double width_pt = 0;
  double height_pt = 0;
  int rotate = 0;  // clockwise 0, 90, 180 or 270
  // The largest image on the page (by pixels); 0 x 0 when the page has none.
  std::int64_t image_width = 0;
  std::int64_t image_height = 0;
  bool bilevel = false;  // 1 bit per pixel: /ImageMask, BitsPerComponent 1, CCITT or JBIG2
  bool colour = false;   // RGB, CMYK, Lab or indexed colour
};

struct PdfFacts {
  PdfVerdict verdict = PdfVerdict::kReadable;
  std::string detail;  // why, for the message: qpdf's words or what was found
  std::size_t page_count = 0;
  std::vector<PdfPageFacts> pages;  // filled only when readable
};

// Never throws: every qpdf exception becomes kDamaged.
PdfFacts inspect_pdf(const std::uint8_t* data, std::size_t size, std::size_t max_pages);

}  // namespace chartroom::capture::detail
