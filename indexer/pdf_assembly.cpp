// qpdf throws; everything here is caught at this boundary and becomes an Error.
#include "indexer/pdf_assembly.h"

#include <fcntl.h>
#include <unistd.h>
#include <qpdf/ClosedFileInputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <system_error>

namespace chartroom::indexer {
namespace {

// Opens `pdf` for qpdf without holding a descriptor afterwards: qpdf copies a
// foreign page lazily, when the output is written, so a document of 5,000
// pages would otherwise keep 5,000 files open (far past the usual limit of
// 1,024). ClosedFileInputSource opens the file for each read and closes it
// again; it stays open only while the file is parsed here.
std::unique_ptr<QPDF> open_closed(const std::filesystem::path& pdf) {
  auto input = std::make_unique<QPDF>();
  input->setSuppressWarnings(true);
  auto source = std::make_shared<ClosedFileInputSource>(pdf.c_str());
  source->stayOpen(true);
  input->processInputSource(source);
  source->stayOpen(false);
  return input;
}

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
  // addPage copies foreign pages lazily; the inputs must live until write()
  // (without a descriptor each: open_closed).
  std::vector<std::unique_ptr<QPDF>> inputs;
  for (const PdfPageInput& page : pages) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(page.pdf, ec)) {
      return fail(ErrorCode::kIo, page.label + ": its page PDF " + page.pdf.string() +
                                      " is missing; reprocess the page");
    }
    std::unique_ptr<QPDF> input;
    try {
      input = open_closed(page.pdf);
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

Status compose(const std::vector<PdfPagePick>& picks, const std::filesystem::path& out) {
  QPDF output;
  output.emptyPDF();
  QPDFPageDocumentHelper output_pages(output);
  std::map<std::filesystem::path, std::unique_ptr<QPDF>> inputs;  // live until write()
  for (const PdfPagePick& pick : picks) {
    auto& input = inputs[pick.pdf];
    try {
      if (!input) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(pick.pdf, ec)) {
          return fail(ErrorCode::kIo, pick.label + ": its PDF " + pick.pdf.string() + " is missing from the store");
        }
        input = open_closed(pick.pdf);
      }
      auto pages = QPDFPageDocumentHelper(*input).getAllPages();
      if (pick.page < 0 || static_cast<std::size_t>(pick.page) >= pages.size()) {
        return fail(ErrorCode::kCorrupt, pick.label + ": its PDF " + pick.pdf.string() + " has " +
                                             std::to_string(pages.size()) + " pages, fewer than the store records");
      }
      output_pages.addPage(pages[static_cast<std::size_t>(pick.page)], false);
      if (pick.rotate % 360 != 0) output_pages.getAllPages().back().rotatePage(pick.rotate, true);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kCorrupt, pick.label + ": its PDF " + pick.pdf.string() + " cannot be read (" +
                                           e.what() + ")");
    }
  }
  try {
    return write_pdf(output, out);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kIo, out.string() + ": cannot write the document PDF: " + e.what());
  }
}

// Runs one of the above with qpdf's exceptions caught; `out` goes on failure.
template <typename Fn>
Status guarded(const std::filesystem::path& out, Fn&& fn) {
  Status result;
  try {
    result = fn();
  } catch (const std::exception& e) {
    result = fail(ErrorCode::kInternal, out.string() + ": qpdf failed: " + e.what());
  }
  if (!result) {
    std::error_code ec;
    std::filesystem::remove(out, ec);
  }
  return result;
}

}  // namespace

Status compose_pdf(const std::vector<PdfPagePick>& pages, const std::filesystem::path& out) {
  return guarded(out, [&] { return compose(pages, out); });
}

Result<int> pdf_page_count(const std::filesystem::path& pdf) {
  try {
    QPDF input;
    input.setSuppressWarnings(true);
    input.processFile(pdf.c_str());
    return static_cast<int>(QPDFPageDocumentHelper(input).getAllPages().size());
  } catch (const std::exception& e) {
    return fail(ErrorCode::kCorrupt, pdf.string() + " cannot be read as a PDF (" + std::string(e.what()) + ")");
  }
}

Status check_page_pdf(const std::filesystem::path& pdf) {
  try {
    QPDF input;
    input.setSuppressWarnings(true);
    input.processFile(pdf.c_str());
    const std::size_t pages = QPDFPageDocumentHelper(input).getAllPages().size();
    // qpdf rebuilds a damaged cross-reference table with a warning: a page PDF
    // that needed that was cut short or overwritten, and is read again instead.
    if (input.anyWarnings() || pages != 1) {
      return fail(ErrorCode::kCorrupt, pdf.string() + " is damaged (" +
                                           (pages != 1 ? std::to_string(pages) + " pages" : "repaired by qpdf") +
                                           ")");
    }
    return {};
  } catch (const std::exception& e) {
    return fail(ErrorCode::kCorrupt, pdf.string() + " cannot be read as a PDF (" + std::string(e.what()) + ")");
  }
}

Status assemble_pdf(const std::vector<PdfPageInput>& pages, const std::filesystem::path& out) {
  return guarded(out, [&] { return assemble(pages, out); });
}

}  // namespace chartroom::indexer
