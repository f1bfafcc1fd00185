// Private to indexer/: joining one-page PDFs into a document PDF with qpdf.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::indexer {

struct PdfPageInput {
  std::filesystem::path pdf;
  std::string label;  // "page 2 of scan.tif", for error messages
};

// Writes the pages, in order, to `out` (mode 0600, fsynced by the caller's
// commit_file_atomic). kIo if an input is missing or `out` cannot be written,
// kCorrupt if qpdf cannot read an input. On error `out` is removed.
Status assemble_pdf(const std::vector<PdfPageInput>& pages, const std::filesystem::path& out);

// One page of an existing PDF, for a decision that rewrites a document.
struct PdfPagePick {
  std::filesystem::path pdf;
  int page = 0;          // 0-based page in `pdf`
  int rotate = 0;        // extra clockwise turn: 0, 90, 180, 270 (image and text layer together)
  std::string label;     // "page 2 of document 3f9a...", for error messages
};

// Writes the picked pages, in order, to `out` (as assemble_pdf; each input
// file is read once however many of its pages are picked).
Status compose_pdf(const std::vector<PdfPagePick>& pages, const std::filesystem::path& out);

// How many pages a PDF has (kCorrupt when qpdf cannot read it).
Result<int> pdf_page_count(const std::filesystem::path& pdf);

}  // namespace chartroom::indexer
