#include "test_util.h"

#include <sys/stat.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace chartroom::indexer::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "chartroom-indexer-XXXXXX").string();
  if (!mkdtemp(pattern.data())) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void make_page_pdf(const fs::path& path, const std::string& text) {
  QPDF pdf;
  pdf.emptyPDF();
  auto font = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
  auto resources = QPDFObjectHandle::parse("<< /Font << >> >>");
  resources.getKey("/Font").replaceKey("/F1", font);
  auto contents = QPDFObjectHandle::newStream(&pdf, "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET");
  auto page = pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 612 792] >>"));
  page.replaceKey("/Contents", contents);
  page.replaceKey("/Resources", resources);
  QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(page), false);
  QPDFWriter writer(pdf, path.c_str());
  writer.write();
}

std::string run(const std::string& command, int& status) {
  struct Closer {
    int* status;
    void operator()(std::FILE* f) const { *status = pclose(f); }
  };
  std::string out;
  {
    std::unique_ptr<std::FILE, Closer> pipe(popen(command.c_str(), "r"), Closer{&status});
    if (!pipe) {
      status = -1;
      return out;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  }
  return out;
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

BatchRecord three_page_batch(const fs::path& dir) {
  fs::create_directories(dir);
  BatchRecord batch;
  batch.name = "batch_0001";
  batch.files.push_back({"scans/chart.tif", std::string(64, 'a'), 1234, 3, false, "", dir / "chart.tif"});
  const fs::path bad = dir / "broken.tif";
  write_text(bad, "not a tiff");
  batch.files.push_back({"scans/broken.tif", std::string(64, 'b'), 10, 0, true, "truncated TIFF header", bad});
  const std::array<std::string, 3> words{"Hello page 1 admission", "Hello page 2 amoxicillin", "Hello page 3 discharge"};
  for (int i = 0; i < 3; ++i) {
    PageRecord p;
    p.ref = {"scans/chart.tif", i};
    p.file_hash = std::string(64, 'a');
    p.state = PageState::kFiled;
    p.orientation = i == 1 ? 90 : 0;
    p.skew = 0.5 * i;
    p.text = words[static_cast<std::size_t>(i)];
    p.ocr_confidence = 91.5F;
    p.page_pdf = dir / ("page" + std::to_string(i + 1) + ".pdf");
    make_page_pdf(p.page_pdf, words[static_cast<std::size_t>(i)]);
    batch.pages.push_back(p);
  }
  PageRecord q;
  q.ref = {"scans/broken.tif", 0};
  q.file_hash = std::string(64, 'b');
  q.state = PageState::kQuarantined;
  q.reason = "truncated TIFF header";
  batch.pages.push_back(q);

  DocumentRecord doc;
  doc.id = "doc0001";
  doc.state = DocumentState::kFiled;
  doc.patient = PatientRef{"MRN001", 0.97};
  doc.doc_type = DocTypeRef{"discharge_summary", 0.88};
  doc.pages = {0, 1, 2};
  doc.evidence_json = R"({"mrn_read":"MRN001"})";
  batch.documents.push_back(doc);
  return batch;
}

}  // namespace chartroom::indexer::testing
