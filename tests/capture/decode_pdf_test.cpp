// Scanner PDFs: pages at the scan's own pixels and dpi, and the PDFs that are
// refused (encrypted, damaged, with JavaScript) with a reason a person can act on.
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

using test::temp_dir;
namespace fs = std::filesystem;

// Share of packed bytes (8 pixels each) that may differ from the source on a
// text page: measured 1.5-1.7 %, the ink's edges (0.3 % of the pixels).
constexpr double kEdgeDifference = 0.025;

// A whole US Letter page of text (the size a scanner writes), bilevel.
Image letter_bilevel(int dpi) {
  return test::threshold(test::text_page(12, dpi));
}

Result<std::unique_ptr<PageReader>> open(const fs::path& path, const DecodeLimits& limits = {}) {
  return open_image(path, "scans/" + path.filename().string(), limits);
}

// Rewrites a PDF with qpdf, changing its pages first.
template <typename Change>
void rewrite(const fs::path& in, const fs::path& out, Change change) {
  QPDF pdf;
  pdf.processFile(in.c_str());
  for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(pdf).getAllPages())
    change(pdf, page.getObjectHandle());
  QPDFWriter writer(pdf, out.c_str());
  writer.setStaticID(true);
  writer.write();
}

TEST(DecodePdf, G4PagesComeOutBilevelAtTheirOwnPixelsAndDpi) {
  const Image at300 = letter_bilevel(300);
  const Image at200 = letter_bilevel(200);
  const fs::path path = temp_dir() / "g4.pdf";
  ASSERT_TRUE(testgen::write_pdf({at300, at200}, path, testgen::Encoding::kPdfG4));
  auto reader = open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->format(), FileFormat::kPdf);
  ASSERT_EQ((*reader)->page_count(), 2);
  for (int i : {1, 0}) {
    const Image& source = i == 0 ? at300 : at200;
    auto page = (*reader)->read_page(i);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->format, PixelFormat::kGray1);
    EXPECT_EQ(page->width, source.width);
    EXPECT_EQ(page->height, source.height);
    EXPECT_EQ(page->dpi_x, source.dpi_x);
    EXPECT_EQ(page->dpi_y, source.dpi_x);
    // The scan's pixels up to edges: Poppler (Splash) samples images bilinearly
    // even at 1:1, so an edge pixel may come out on either side of the threshold.
    EXPECT_LT(test::difference(*page, source), kEdgeDifference) << "page " << i;
  }
  EXPECT_EQ(at300.width, 2550);
  EXPECT_EQ(at300.height, 3300);
}

TEST(DecodePdf, JpegPagesComeOutGrayAtTheirOwnPixelsAndDpi) {
  const Image gray = test::text_page(12, 200);
  const fs::path path = temp_dir() / "jpeg.pdf";
  ASSERT_TRUE(testgen::write_pdf({gray}, path, testgen::Encoding::kPdfJpeg));
  auto reader = open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->format, PixelFormat::kGray8);
  EXPECT_EQ(page->width, 1700);
  EXPECT_EQ(page->height, 2200);
  EXPECT_EQ(page->dpi_x, 200);
  EXPECT_LT(test::difference(test::threshold(*page), test::threshold(gray)), 0.04);  // lossy, and sampled
  auto missing = (*reader)->read_page(1);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("jpeg.pdf, page 2: no such page"), std::string::npos);
}

TEST(DecodePdf, ATextLayerIsKeptAsideAndThePageIsTheImage) {
  const Image bilevel = letter_bilevel(200);
  const fs::path path = temp_dir() / "searchable.pdf";
  ASSERT_TRUE(testgen::write_pdf({bilevel}, path, testgen::Encoding::kPdfG4,
                                 {.text_layer = "Embedded words from the scanner"}));
  auto reader = open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_LT(test::difference(*page, bilevel), kEdgeDifference);
  EXPECT_NE((*reader)->embedded_text(0).find("Embedded words from the scanner"), std::string::npos);
}

TEST(DecodePdf, ARotatedPageIsTurnedAsAViewerShowsIt) {
  const Image bilevel = letter_bilevel(200);
  const fs::path plain = temp_dir() / "upright.pdf";
  const fs::path turned = temp_dir() / "rotated.pdf";
  ASSERT_TRUE(testgen::write_pdf({bilevel}, plain, testgen::Encoding::kPdfG4));
  rewrite(plain, turned,
          [](QPDF&, QPDFObjectHandle page) { page.replaceKey("/Rotate", QPDFObjectHandle::newInteger(90)); });
  auto reader = open(turned);
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->width, bilevel.height);
  EXPECT_EQ(page->height, bilevel.width);
  EXPECT_EQ(page->dpi_x, 200);
  EXPECT_LT(test::difference(*page, test::turned_cw(bilevel, 90)), kEdgeDifference);
}

TEST(DecodePdf, APageWithoutAnImageIsDrawnAt300Dpi) {
  const fs::path with_image = temp_dir() / "image.pdf";
  const fs::path born_digital = temp_dir() / "born_digital.pdf";
  ASSERT_TRUE(testgen::write_pdf({letter_bilevel(200)}, with_image, testgen::Encoding::kPdfG4));
  rewrite(with_image, born_digital, [](QPDF& pdf, QPDFObjectHandle page) {
    page.replaceKey("/Resources", QPDFObjectHandle::parse("<< /Font << /F1 << /Type /Font /Subtype /Type1 "
                                                          "/BaseFont /Helvetica >> >> >>"));
    page.replaceKey("/Contents",
                    QPDFObjectHandle::newStream(&pdf, "BT /F1 24 Tf 72 700 Td (Born digital) Tj ET"));
  });
  auto reader = open(born_digital);
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->dpi_x, 300);
  EXPECT_EQ(page->width, 2550);
  EXPECT_EQ(page->height, 3300);
  EXPECT_EQ(page->format, PixelFormat::kGray8);
  std::size_t ink = 0;
  for (const std::uint8_t v : page->pixels) ink += v < 128;
  EXPECT_GT(ink, 500U);  // the words were drawn
}

TEST(DecodePdf, APageOverTheLimitsIsRefusedBeforeItIsDrawn) {
  const fs::path path = temp_dir() / "big.pdf";
  ASSERT_TRUE(testgen::write_pdf({letter_bilevel(300)}, path, testgen::Encoding::kPdfG4));
  DecodeLimits limits;
  limits.max_pixels = 1'000'000;
  auto reader = open(path, limits);
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(page.error().message.find("scans/big.pdf, page 1: 2550 x 3300 pixels"), std::string::npos)
      << page.error().message;
}

TEST(DecodePdf, EncryptedPdfIsRefusedWithWhatToDo) {
  const fs::path path = temp_dir() / "locked.pdf";
  ASSERT_TRUE(testgen::write_pdf({letter_bilevel(200)}, path, testgen::Encoding::kPdfG4,
                                 {.text_layer = {}, .encrypted = true}));
  auto reader = open(path);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(reader.error().message.find("scans/locked.pdf: the PDF is encrypted (password protected)"),
            std::string::npos)
      << reader.error().message;
  EXPECT_NE(reader.error().message.find("without a password"), std::string::npos);
}

TEST(DecodePdf, TruncatedPdfIsRefusedAsDamaged) {
  const fs::path whole = temp_dir() / "whole.pdf";
  ASSERT_TRUE(
      testgen::write_pdf({letter_bilevel(200), letter_bilevel(200)}, whole, testgen::Encoding::kPdfG4));
  std::vector<std::uint8_t> bytes = test::read_bytes(whole);
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 40, std::size_t{200}}) {
    const fs::path cut = temp_dir() / "cut.pdf";
    test::write_bytes(cut, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep)});
    auto reader = open(cut);
    ASSERT_FALSE(reader) << keep << " bytes";
    EXPECT_EQ(reader.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(reader.error().message.find("scans/cut.pdf: not a readable PDF"), std::string::npos)
        << reader.error().message;
    EXPECT_NE(reader.error().message.find("damaged"), std::string::npos);
  }
}

TEST(DecodePdf, PdfWithJavaScriptIsRefused) {
  const fs::path open_action = temp_dir() / "script.pdf";
  ASSERT_TRUE(testgen::write_pdf({letter_bilevel(200)}, open_action, testgen::Encoding::kPdfG4,
                                 {.text_layer = {}, .encrypted = false, .open_action_javascript = true}));
  const fs::path launch = temp_dir() / "launch.pdf";
  rewrite(open_action, launch, [](QPDF& pdf, QPDFObjectHandle page) {
    pdf.getRoot().removeKey("/OpenAction");
    page.replaceKey("/AA", QPDFObjectHandle::parse("<< /O << /S /Launch /F (calc.exe) >> >>"));
  });
  for (const fs::path& path : {open_action, launch}) {
    auto reader = open(path);
    ASSERT_FALSE(reader) << path;
    EXPECT_EQ(reader.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(reader.error().message.find("scans/" + path.filename().string() + ": the PDF carries "),
              std::string::npos)
        << reader.error().message;
  }
  EXPECT_NE(open(open_action).error().message.find("JavaScript"), std::string::npos);
}

}  // namespace
}  // namespace chartroom::capture
