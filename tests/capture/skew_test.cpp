// Skew: sign and accuracy against rotations made by OpenCV (independent of
// the code under test), and low confidence where there are no text lines.
#include <gtest/gtest.h>

#include <cmath>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"

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
