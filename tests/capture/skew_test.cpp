// Skew: sign and accuracy against rotations made by OpenCV (independent of
// the code under test), and low confidence where there are no text lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

const Image& page() {
  static const Image p = test::text_page();
  return p;
}

class SkewAngle : public ::testing::TestWithParam<double> {};

TEST_P(SkewAngle, SignAndAccuracy) {
  const double truth = GetParam();
  // OpenCV turns the content counter-clockwise for positive angles: chartroom's sign.
  const Skew skew = find_skew(test::turned_ccw(page(), truth));
  EXPECT_NEAR(skew.degrees, truth, 0.15);
  EXPECT_GE(skew.confidence, 0.3);
  RecordProperty("measured", std::to_string(skew.degrees));
}

INSTANTIATE_TEST_SUITE_P(BothDirections, SkewAngle,
                         ::testing::Values(-12.0, -7.0, -3.0, -1.0, 0.0, 1.0, 3.0, 7.0, 12.0));

TEST(Skew, BilevelPageToo) {
  const Skew skew = find_skew(test::threshold(test::turned_ccw(page(), 4.5)));
  EXPECT_NEAR(skew.degrees, 4.5, 0.15);
}

TEST(Skew, NoiseHasLowConfidence) {
  EXPECT_LT(find_skew(test::noise_page(3000, 7)).confidence, 0.3);
  EXPECT_LT(find_skew(Image::blank(2550, 3300, PixelFormat::kGray8, 300)).confidence, 0.3);
}

TEST(Skew, FewLinesHaveLowConfidence) {
  EXPECT_LT(find_skew(test::one_line_page("signed")).confidence, 0.3);
}

// Issue 22: light gray typewriter-like ink on gray paper, punch holes and a
// dark RECEIVED stamp, at -4.5 degrees. The analysis threshold sees only the
// stamp (turned 8 degrees on the page), whose lines then decided the angle.
Image faint_stamped_page(double skew, int ink, std::uint32_t seed) {
  testgen::PageSpec spec;
  spec.patient = testgen::load_patients({}).front();
  spec.title = "Progress Note";
  spec.paragraphs = testgen::load_samples({}, 1).front().paragraphs;
  testgen::ScanDefects defects;
  defects.skew_degrees = skew;
  defects.ink = ink;
  defects.background = 210;
  defects.noise_sigma = 3;
  defects.punch_holes = true;
  defects.stamp = true;
  return testgen::scan(testgen::render_page(spec).image, defects, seed);
}

class FaintSkew : public ::testing::TestWithParam<int> {};

TEST_P(FaintSkew, LightInkBesideADarkStampIsMeasuredSure) {
  const int ink = GetParam();
  for (const double truth : {-4.5, 3.0}) {
    const Skew skew = find_skew(faint_stamped_page(truth, ink, 11));
    EXPECT_NEAR(skew.degrees, truth, 0.15) << "ink " << ink;
    EXPECT_GE(skew.confidence, SkewOptions{}.min_confidence) << "ink " << ink;
  }
}

INSTANTIATE_TEST_SUITE_P(InkLevels, FaintSkew, ::testing::Values(150, 170, 190));

TEST(Skew, APhotographHasLowConfidence) {
  // Smooth shading with texture over the whole page: no text lines.
  Image page = Image::blank(2550, 3300, PixelFormat::kGray8, 300);
  for (int y = 0; y < page.height; ++y) {
    auto row = page.row(y);
    for (int x = 0; x < page.width; ++x) {
      const double shade = 120 + 60 * std::sin(x / 170.0) * std::cos(y / 230.0) + 25 * std::sin((x + 2 * y) / 23.0);
      row[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(std::clamp(shade, 0.0, 255.0));
    }
  }
  EXPECT_LT(find_skew(page).confidence, SkewOptions{}.min_confidence);
}

TEST(Skew, FlatGrayPaperWithNoiseHasLowConfidence) {
  // Faint paper texture alone must not be stretched into lines.
  EXPECT_LT(find_skew(test::noise_page(0, 3)).confidence, SkewOptions{}.min_confidence);
}

TEST(Skew, RotateUndoesTheMeasuredSkew) {
  const Image skewed = test::turned_ccw(page(), 5.0);
  const Skew before = find_skew(skewed);
  const Skew after = find_skew(rotate(skewed, -before.degrees));
  EXPECT_NEAR(after.degrees, 0.0, 0.15);
  // And rotate() turns counter-clockwise for positive angles, like OpenCV.
  EXPECT_NEAR(find_skew(rotate(page(), 2.0)).degrees, 2.0, 0.15);
  EXPECT_NEAR(find_skew(rotate(test::threshold(page()), -2.0)).degrees, -2.0, 0.15);
}

}  // namespace
}  // namespace chartroom::capture
