// Barcodes: the separator sheet and cover-sheet codes are read from scanned
// pages in every orientation, and their boxes land on the cleaned page.
#include <gtest/gtest.h>

#include <algorithm>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

const Barcode* find(const std::vector<Barcode>& codes, const std::string& format) {
  auto it = std::ranges::find(codes, format, &Barcode::format);
  return it == codes.end() ? nullptr : &*it;
}

const Image& sheet() {
  static const Image page = [] {
    SeparatorSheet spec;
    spec.mrn = "00012345";
    auto rendered = render_separator_sheet(spec);
    EXPECT_TRUE(rendered) << rendered.error().message;
    return rendered ? *rendered : Image{};
  }();
  return page;
}

// The sheet as a scanner would deliver it: gray paper, noise, a little skew, turned.
Image scanned_sheet(int orientation, double skew) {
  testgen::ScanDefects defects;
  defects.orientation = orientation;
  defects.skew_degrees = skew;
  defects.background = 235;
  defects.noise_sigma = 6;
  defects.blur_sigma = 0.8;
  return testgen::scan(to_gray(sheet()), defects, 41 + static_cast<std::uint32_t>(orientation));
}

class SeparatorScan : public ::testing::TestWithParam<int> {};

TEST_P(SeparatorScan, BothCodesAreReadInAnyOrientation) {
  const std::vector<Barcode> codes = read_barcodes(scanned_sheet(GetParam(), 2.0));
  const Barcode* separator = find(codes, "Code39");
  const Barcode* mrn = find(codes, "Code128");
  ASSERT_NE(separator, nullptr);
  ASSERT_NE(mrn, nullptr);
  EXPECT_EQ(separator->value, "CHARTROOM-SEP");
  EXPECT_EQ(mrn->value, "00012345");
}

INSTANTIATE_TEST_SUITE_P(Orientations, SeparatorScan, ::testing::Values(0, 90, 180, 270));

TEST(Barcodes, CleanPageReportsThemOnTheUprightPage) {
  auto cleaned = clean_page(scanned_sheet(90, -3.0));
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_EQ(cleaned->orientation.degrees, 90);
  EXPECT_FALSE(cleaned->blank.blank);
  const Barcode* separator = find(cleaned->barcodes, "Code39");
  ASSERT_NE(separator, nullptr);
  EXPECT_EQ(separator->value, "CHARTROOM-SEP");
  // Printed 1.7 to 3.0 inches from the top, centred, six inches wide: the box
  // must sit there on the upright page, not where it was on the sideways scan.
  const Box& box = separator->box;
  EXPECT_NEAR(box.x + box.width / 2, cleaned->image.width / 2, 60);
  EXPECT_GT(box.width, 1200);
  EXPECT_GT(box.y + box.height / 2, 400);
  EXPECT_LT(box.y + box.height / 2, 1000);
}

// Cover sheets and labels: a 2-D code pasted onto a page of text, scanned sideways or upside down.
struct Label {
  const char* format;
  const char* value;
  int orientation;
  int size;  // pixels at 300 dpi
};

class LabelScan : public ::testing::TestWithParam<Label> {};

TEST_P(LabelScan, IsReadOffATextPage) {
  const Label label = GetParam();
  auto code = render_barcode(label.format, label.value, label.size, label.size, 300);
  ASSERT_TRUE(code) << code.error().message;
  Image page = test::text_page(20);
  const Image code_gray = to_gray(*code);
  for (int y = 0; y < code_gray.height; ++y) {  // bottom right, clear of the text
    std::copy_n(code_gray.row(y).begin(), code_gray.width,
                page.row(page.height - 600 + y).begin() + (page.width - 700));
  }
  testgen::ScanDefects defects;
  defects.orientation = label.orientation;
  defects.skew_degrees = 1.5;
  defects.noise_sigma = 4;
  const std::vector<Barcode> codes = read_barcodes(testgen::scan(page, defects, 7));
  const Barcode* found = find(codes, label.format);
  ASSERT_NE(found, nullptr) << label.format;
  EXPECT_EQ(found->value, label.value);
}

INSTANTIATE_TEST_SUITE_P(Formats, LabelScan,
                         ::testing::Values(Label{"QRCode", "MRN:00012345|DOB:1961-02-03", 90, 330},
                                           Label{"DataMatrix", "MRN00012345", 180, 120},
                                           Label{"DataMatrix", "MRN00012345", 90, 330},
                                           Label{"PDF417", "CHART 00012345 DISCHARGE", 270, 240},
                                           Label{"Code128", "00012345", 90, 420},
                                           Label{"Code39", "SEP-7", 180, 480}));

TEST(Barcodes, TextPageWithoutCodesHasNone) {
  EXPECT_TRUE(read_barcodes(test::text_page(30)).empty());
}

// A chart page scanned with every defect the capture bench uses (the reader
// looks only where something code-like is, and must still find the label).
TEST(Barcodes, LabelOnADirtySkewedSidewaysScanIsRead) {
  auto code = render_barcode("QRCode", "MRN:00012345", 300, 300, 300);
  ASSERT_TRUE(code) << code.error().message;
  Image page = test::text_page(20);
  const Image code_gray = to_gray(*code);
  for (int y = 0; y < code_gray.height; ++y) {
    std::copy_n(code_gray.row(y).begin(), code_gray.width, page.row(page.height - 600 + y).begin() + 300);
  }
  testgen::ScanDefects defects;
  defects.orientation = 270;
  defects.skew_degrees = -6.5;
  defects.noise_sigma = 7;
  defects.background = 215;
  defects.speckle_density = 8e-4;
  defects.dark_border = true;
  defects.punch_holes = true;
  defects.uneven = 50;
  auto cleaned = clean_page(testgen::scan(page, defects, 11));
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  const Barcode* found = find(cleaned->barcodes, "QRCode");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->value, "MRN:00012345");
  EXPECT_EQ(cleaned->barcodes.size(), 1u);  // once, though seen in more than one area
}

TEST(SeparatorSheetTest, RefusesAValueCode39CannotHold) {
  SeparatorSheet spec;
  spec.value = "chartroom_sep";
  auto sheet = render_separator_sheet(spec);
  ASSERT_FALSE(sheet);
  EXPECT_NE(sheet.error().message.find("Code 39"), std::string::npos) << sheet.error().message;
}

TEST(SeparatorSheetTest, IsWrittenAsASmallBilevelPdf) {
  const auto path = test::temp_dir() / "separator.pdf";
  ASSERT_TRUE(write_image(sheet(), path));
  const std::vector<std::uint8_t> bytes = test::read_bytes(path);
  ASSERT_GT(bytes.size(), 1000U);
  EXPECT_LT(bytes.size(), 60'000U);  // G4: a bilevel sheet is a few kilobytes
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 5), "%PDF-");
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("/CCITTFaxDecode"), std::string::npos);
}

}  // namespace
}  // namespace chartroom::capture
