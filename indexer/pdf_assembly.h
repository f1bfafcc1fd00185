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

}  // namespace chartroom::indexer
