// capture/ over generated chart pages with known defects (tests/gen): quality
// checks that ask for a rescan, border and punch-hole removal, despeckle,
// near-blank pages that must be kept, pictures kept gray, debug images.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

const testgen::RenderedPage& chart_page() {
  static const testgen::RenderedPage page = [] {
    testgen::PageSpec spec;
    spec.patient = {"12345678", "Halvorsen", "Margit", "", "1948-02-11", 'F'};
    spec.title = "Progress Note";
    // Enough text to run down to the bottom margin.
    for (const testgen::Sample& sample : testgen::load_samples({}, 0)) {
      spec.paragraphs.insert(spec.paragraphs.end(), sample.paragraphs.begin(), sample.paragraphs.end());
    }
    return testgen::render_page(spec);
  }();
  return page;
}

testgen::ScanDefects ordinary() {
  testgen::ScanDefects d;
  d.noise_sigma = 4;
  d.background = 240;
  return d;
}

std::string problems_of(const QualityCheck& check) {
  std::string all;
  for (const std::string& p : check.problems) all += p + "; ";
  return all;
}

bool mentions(const QualityCheck& check, const std::string& word) {
  return std::any_of(check.problems.begin(), check.problems.end(),
                     [&](const std::string& p) { return p.find(word) != std::string::npos; });
}

TEST(Quality, OrdinaryScanNeedsNoRescan) {
  testgen::ScanDefects d = ordinary();
  d.skew_degrees = 3;
  d.speckle_density = 2e-4;
  d.dark_border = true;
  d.punch_holes = true;
  const QualityCheck check = check_quality(testgen::scan(chart_page().image, d, 1));
  EXPECT_FALSE(check.rescan) << problems_of(check);
  EXPECT_LT(check.blur_mm, 0.12);
  RecordProperty("blur_mm", std::to_string(check.blur_mm));
}

TEST(Quality, FaintButReadableTextNeedsNoRescan) {
  testgen::ScanDefects d = ordinary();
  d.ink = 120;
  const QualityCheck check = check_quality(testgen::scan(chart_page().image, d, 2));
  EXPECT_FALSE(check.rescan) << problems_of(check);
}

struct Bad {
  const char* word;
  testgen::ScanDefects defects;
};

class QualityProblem : public ::testing::TestWithParam<Bad> {};

TEST_P(QualityProblem, IsReportedWithItsReason) {
  const Bad& bad = GetParam();
  const Image scan = testgen::scan(chart_page().image, bad.defects, 3);
  const QualityCheck check = check_quality(scan);
  EXPECT_TRUE(check.rescan);
  EXPECT_TRUE(mentions(check, bad.word)) << "expected '" << bad.word << "' in: " << problems_of(check)
                                         << " blur " << check.blur_mm << " paper " << check.paper_level
                                         << " ink " << check.ink_level << " cut " << check.cut_marks;
  // And clean_page carries it.
  auto cleaned = clean_page(scan);
  ASSERT_TRUE(cleaned);
  EXPECT_TRUE(cleaned->quality.rescan);
}

testgen::ScanDefects with(auto change) {
  testgen::ScanDefects d = ordinary();
  change(d);
  return d;
}

INSTANTIATE_TEST_SUITE_P(
    Defects, QualityProblem,
    ::testing::Values(Bad{"blurred", with([](auto& d) { d.blur_sigma = 3.5; })},
                      Bad{"too dark", with([](auto& d) { d.background = 90; })},
                      Bad{"too light", with([](auto& d) { d.ink = 200; })},
                      Bad{"resolution", with([](auto& d) { d.output_dpi = 100; })},
                      Bad{"cut off at the bottom edge", with([](auto& d) { d.cut_off = 0.2; })},
                      Bad{"folded corner", with([](auto& d) { d.folded_corner = 1.2; })}),
    [](const ::testing::TestParamInfo<Bad>& param) {
      std::string name = param.param.word;
      std::replace(name.begin(), name.end(), ' ', '_');
      return name;
    });

// A fax machine prints its transmit line a few millimetres from the top of
// the paper, and some footers sit as low; both stand a margin apart from the
// page's text and their letters are whole, so the page is not cut off. The
// same page moved up on the glass, its text running into the top edge, is.
TEST(Quality, FaxHeaderAndLowFooterAreNotACutButTextIntoTheTopEdgeIs) {
  Image page = chart_page().image;
  cv::Mat mat(page.height, page.width, CV_8UC1, page.pixels.data(), static_cast<std::size_t>(page.stride));
  cv::putText(mat, "07/18/2025 07:18 FROM: BERKSHIRE MEDICAL LABORATORY FAX (413) 555-2501 P.002/009", {150, 40},
              cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2, cv::LINE_AA);
  cv::putText(mat, "Page 1 of 1", {1150, page.height - 25}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2,
              cv::LINE_AA);
  const QualityCheck faxed = check_quality(testgen::scan(page, ordinary(), 7));
  EXPECT_FALSE(mentions(faxed, "cut off")) << problems_of(faxed);

  testgen::ScanDefects d = ordinary();
  Image moved = chart_page().image;
  const int shift = moved.height / 5;  // the top fifth is past the glass's edge
  cv::Mat from(moved.height, moved.width, CV_8UC1, moved.pixels.data(), static_cast<std::size_t>(moved.stride));
  cv::Mat up(from.size(), CV_8UC1, cv::Scalar(255));
  from.rowRange(shift, from.rows).copyTo(up.rowRange(0, from.rows - shift));
  up.copyTo(from);
  const QualityCheck cut = check_quality(testgen::scan(moved, d, 8));
  EXPECT_TRUE(mentions(cut, "cut off at the top edge")) << problems_of(cut) << " cut " << cut.cut_marks;
}

TEST(Cleanup, DarkBorderAndPunchHolesAreRemoved) {
  testgen::ScanDefects d = ordinary();
  d.dark_border = true;
  d.punch_holes = true;
  const Image scan = testgen::scan(chart_page().image, d, 4);
  const FoundMarks marks = find_marks(scan);
  EXPECT_EQ(marks.found.punch_holes.size(), 3u);
  EXPECT_GE(marks.found.borders.size(), 1u);
  auto cleaned = clean_page(scan);
  ASSERT_TRUE(cleaned);
  ASSERT_EQ(cleaned->image.format, PixelFormat::kGray1);
  // Where the holes and the border were, the page is white now.
  const Image gray = to_gray(cleaned->image);
  auto ink_in = [&](int x0, int y0, int x1, int y1) {
    int ink = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) ink += gray.row(y)[static_cast<std::size_t>(x)] < 128;
    }
    return ink;
  };
  EXPECT_EQ(ink_in(100, 3300 / 2 - 60, 200, 3300 / 2 + 60), 0);  // middle hole
  EXPECT_EQ(ink_in(0, 0, 2550, 20), 0);                          // top border
  EXPECT_EQ(ink_in(2530, 0, 2550, 3300), 0);                     // right border
}

TEST(Cleanup, DespeckleKeepsPunctuation) {
  // Full stops, commas and i-dots of 12 pt print against 1-3 pixel specks.
  const Image clean = test::threshold(chart_page().image);
  testgen::ScanDefects d;
  d.speckle_density = 1e-3;  // heavy
  Image specked = test::threshold(testgen::scan(chart_page().image, d, 5));
  const double before = test::difference(specked, clean);
  const int removed = despeckle(specked);
  EXPECT_GT(removed, 3000);
  const double after = test::difference(specked, clean);
  EXPECT_LT(after, before / 3) << before << " -> " << after;
  // Nothing of the clean page goes.
  Image untouched = clean;
  EXPECT_EQ(despeckle(untouched), 0);
  EXPECT_EQ(test::difference(untouched, clean), 0.0);
}

class NearBlankPage : public ::testing::TestWithParam<testgen::NearBlank> {};

TEST_P(NearBlankPage, IsNeverDroppedAsBlank) {
  testgen::ScanDefects d = ordinary();
  d.skew_degrees = -2;
  d.punch_holes = true;
  d.speckle_density = 1e-4;
  d.orientation = 180;
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    const Image scan = testgen::scan(testgen::render_near_blank(GetParam(), seed).image, d, seed);
    const BlankCheck check = check_blank(scan);
    EXPECT_FALSE(check.blank) << "seed " << seed << " ink " << check.ink_fraction;
  }
}


// The hard cases of the capture bench: heavy speckle (touching specks make
// letter-high marks at half size), punch holes that a 7 degree skew brings
// inside the margins, dark paper with strong noise, sideways scans.
testgen::ScanDefects rough(int orientation, double skew, std::uint32_t seed) {
  testgen::ScanDefects d;
  d.orientation = orientation;
  d.skew_degrees = skew;
  d.noise_sigma = 7;
  d.background = 215 + static_cast<int>(seed % 3) * 15;
  d.speckle_density = 1e-3;
  d.punch_holes = true;
  d.dark_border = seed % 2 == 0;
  return d;
}

TEST(Blank, HeavilySpeckledPunchedSkewedBacksideIsBlank) {
  std::uint32_t seed = 0;
  for (int orientation : {0, 90, 180, 270}) {
    ++seed;
    const double skew = seed % 2 ? 7.0 : -7.0;
    const Image scan =
        testgen::scan(testgen::render_blank_page(seed, seed % 2 == 1).image, rough(orientation, skew, seed), seed);
    const BlankCheck check = check_blank(scan);
    EXPECT_TRUE(check.blank) << "orientation " << orientation << " ink " << check.ink_fraction;
    EXPECT_GE(check.confidence, 0.75) << "orientation " << orientation;
  }
}

TEST_P(NearBlankPage, IsKeptUnderHeavySpeckleHolesAndSkew) {
  std::uint32_t seed = 10;
  for (int orientation : {0, 90, 180, 270}) {
    ++seed;
    const double skew = seed % 2 ? 7.0 : -7.0;
    const Image scan =
        testgen::scan(testgen::render_near_blank(GetParam(), seed).image, rough(orientation, skew, seed), seed);
    const BlankCheck check = check_blank(scan);
    EXPECT_FALSE(check.blank) << "orientation " << orientation << " ink " << check.ink_fraction;
    // Clearly kept, not by a hair.
    EXPECT_GE(check.confidence, 0.75) << "orientation " << orientation;
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, NearBlankPage,
                         ::testing::Values(testgen::NearBlank::kHandwrittenLine, testgen::NearBlank::kSignature,
                                           testgen::NearBlank::kLeftBlankNotice));

TEST(Blank, BacksideWithBleedThroughHolesAndNoiseIsBlank) {
  testgen::ScanDefects d = ordinary();
  d.punch_holes = true;
  d.dark_border = true;
  d.speckle_density = 3e-4;
  d.skew_degrees = 4;
  for (std::uint32_t seed : {1u, 2u}) {
    const Image scan = testgen::scan(testgen::render_blank_page(seed, /*bleed_through=*/true).image, d, seed);
    const BlankCheck check = check_blank(scan);
    EXPECT_TRUE(check.blank) << "seed " << seed << " ink " << check.ink_fraction;
  }
}

TEST(Output, PhotographStaysGrayTextGoesBilevel) {
  Image page = chart_page().image;
  // A photograph-like patch: smooth shading with texture, 3 x 2 inches.
  for (int y = 1800; y < 2400; ++y) {
    for (int x = 700; x < 1600; ++x) {
      page.row(y)[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(70 + (x - 700) / 9 + (x * y) % 23);
    }
  }
  auto photo = clean_page(page);
  ASSERT_TRUE(photo);
  EXPECT_TRUE(photo->picture);
  EXPECT_EQ(photo->image.format, PixelFormat::kGray8);
  auto text = clean_page(chart_page().image);
  ASSERT_TRUE(text);
  EXPECT_FALSE(text->picture);
  EXPECT_EQ(text->image.format, PixelFormat::kGray1);
}

TEST(Debug, EachStageIsWrittenWhenAsked) {
  CleanOptions options;
  options.debug_dir = test::temp_dir() / "debug";
  options.debug_name = "scan.tif-p2";
  std::filesystem::remove_all(options.debug_dir);
  testgen::ScanDefects d = ordinary();
  d.skew_degrees = 2;
  d.punch_holes = true;
  d.speckle_density = 2e-4;
  auto cleaned = clean_page(testgen::scan(chart_page().image, d, 6), options);
  ASSERT_TRUE(cleaned);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(options.debug_dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  const std::vector<std::string> expected{"scan.tif-p2-1-scan.png",          "scan.tif-p2-2-deskewed.png",
                                          "scan.tif-p2-3-marks-removed.png", "scan.tif-p2-4-binary.png",
                                          "scan.tif-p2-5-despeckled.png",    "scan.tif-p2-6-final.png"};
  EXPECT_EQ(names, expected);
}

}  // namespace
}  // namespace chartroom::capture
