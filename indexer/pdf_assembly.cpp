// qpdf throws; everything here is caught at this boundary and becomes an Error.
#include "indexer/pdf_assembly.h"

#include <fcntl.h>
#include <unistd.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <system_error>

namespace chartroom::indexer {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Status write_pdf(QPDF& pdf, const std::filesystem::path& out) {
  // Open it ourselves so the file is 0600 from the first byte (QPDFWriter would use the umask).
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::kIo, out.string() + ": cannot create: " + std::strerror(errno));
  std::unique_ptr<std::FILE, FileCloser> file(::fdopen(fd, "wb"));
  if (!file) {
    ::close(fd);
    return fail(ErrorCode::kIo, out.string() + ": cannot open for writing: " + std::strerror(errno));
  }
  QPDFWriter writer(pdf);
  writer.setOutputFile(out.c_str(), file.get(), false);
  writer.setObjectStreamMode(qpdf_o_preserve);
  // The /ID derives from the content: re-filing the same pages gives the same bytes.
  writer.setDeterministicID(true);
  writer.write();
  if (std::fflush(file.get()) != 0 || std::ferror(file.get())) {
    return fail(ErrorCode::kIo, out.string() + ": write failed: " + std::strerror(errno));
  }
  return {};
}

Status assemble(const std::vector<PdfPageInput>& pages, const std::filesystem::path& out) {
  QPDF output;
  output.emptyPDF();
  QPDFPageDocumentHelper output_pages(output);
  // addPage copies foreign pages lazily; the inputs must live until write().
  std::vector<std::unique_ptr<QPDF>> inputs;
  for (const PdfPageInput& page : pages) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(page.pdf, ec)) {
      return fail(ErrorCode::kIo, page.label + ": its page PDF " + page.pdf.string() +
                                      " is missing; reprocess the page");
    }
    auto input = std::make_unique<QPDF>();
    input->setSuppressWarnings(true);
    try {
      input->processFile(page.pdf.c_str());
      auto input_pages = QPDFPageDocumentHelper(*input).getAllPages();
      // One page in, one page out: pdf_page numbers in the store depend on it.
      if (input_pages.size() != 1) {
        return fail(ErrorCode::kCorrupt, page.label + ": its page PDF " + page.pdf.string() + " has " +
                                             std::to_string(input_pages.size()) + " pages, expected 1");
      }
      output_pages.addPage(input_pages.front(), false);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kCorrupt, page.label + ": its page PDF " + page.pdf.string() +
                                           " cannot be read (" + e.what() + "); reprocess the page");
    }
    inputs.push_back(std::move(input));
  }
  try {
    return write_pdf(output, out);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kIo, out.string() + ": cannot write the document PDF: " + e.what());
  }
}

}  // namespace

Status assemble_pdf(const std::vector<PdfPageInput>& pages, const std::filesystem::path& out) {
  Status result;
  try {
    result = assemble(pages, out);
  } catch (const std::exception& e) {
    result = fail(ErrorCode::kInternal, out.string() + ": qpdf failed: " + e.what());
  }
  if (!result) {
    std::error_code ec;
    std::filesystem::remove(out, ec);
  }
  return result;
}

}  // namespace chartroom::indexer
