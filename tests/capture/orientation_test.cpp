// Orientation: pages turned by cv::rotate must come back with the clockwise
// turn that makes them upright, and rotate_orthogonal must agree with OpenCV.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"

namespace chartroom::capture {
namespace {

const Image& page() {
  static const Image p = test::text_page(30);
  return p;
}

class Turned : public ::testing::TestWithParam<int> {};

TEST_P(Turned, DetectsTheTurnThatMakesItUpright) {
  const int upright_turn = GetParam();
  // Scanned upside down etc.: the scan is the page turned back by that much.
  const Image scan = test::turned_cw(page(), (360 - upright_turn) % 360);
  const Orientation found = detect_orientation(scan);
  EXPECT_EQ(found.degrees, upright_turn);
  EXPECT_GE(found.confidence, 0.5);
}

INSTANTIATE_TEST_SUITE_P(AllFour, Turned, ::testing::Values(0, 90, 180, 270));

TEST(Orientation, RotateOrthogonalIsClockwise) {
  const Image bilevel = test::threshold(page());
  for (int degrees : {90, 180, 270}) {
    EXPECT_EQ(test::difference(rotate_orthogonal(bilevel, degrees), test::turned_cw(bilevel, degrees)), 0.0);
    EXPECT_EQ(test::difference(rotate_orthogonal(page(), degrees), test::turned_cw(page(), degrees)), 0.0);
  }
}

TEST(Orientation, BlankPageIsUnsure) {
  EXPECT_LT(detect_orientation(Image::blank(2550, 3300, PixelFormat::kGray8, 300)).confidence, 0.5);
}

}  // namespace
}  // namespace chartroom::capture
