// clean_page end to end: skewed, upside-down and sideways scans come out
// upright and straight; blank pages are recognised; unsure steps warn.
#include <gtest/gtest.h>

#include <chrono>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"

namespace chartroom::capture {
namespace {

const Image& page() {
  static const Image p = test::text_page(35);
  return p;
}

struct Case {
  double skew;
  int upright_turn;
};

class CleanScan : public ::testing::TestWithParam<Case> {};

TEST_P(CleanScan, ComesOutUprightAndStraight) {
  const auto [skew, turn] = GetParam();
  const Image scan = test::turned_cw(test::turned_ccw(page(), skew), (360 - turn) % 360);
  const auto start = std::chrono::steady_clock::now();
  auto cleaned = clean_page(scan);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_NEAR(cleaned->skew.degrees, skew, 0.15);  // a quarter turn keeps the angle
  EXPECT_EQ(cleaned->skew_applied, std::abs(skew) > 0.05);
  EXPECT_EQ(cleaned->orientation.degrees, turn);
  EXPECT_FALSE(cleaned->blank.blank);
  EXPECT_TRUE(cleaned->warnings.empty()) << cleaned->warnings.front();
  ASSERT_EQ(cleaned->image.format, PixelFormat::kGray1);
  EXPECT_EQ(cleaned->image.width, page().width);  // portrait again
  // Upright and straight: close to the clean page binarized.
  EXPECT_LT(test::difference(cleaned->image, binarize(page())), 0.08);
  EXPECT_NEAR(find_skew(cleaned->image).degrees, 0.0, 0.15);
}

INSTANTIATE_TEST_SUITE_P(Scans, CleanScan,
                         ::testing::Values(Case{0, 0}, Case{2.5, 0}, Case{-6, 180}, Case{1.5, 90},
                                           Case{-3, 270}));

TEST(Clean, BlankBackIsBlankWithoutWarnings) {
  auto cleaned = clean_page(test::noise_page(200, 11));
  ASSERT_TRUE(cleaned);
  EXPECT_TRUE(cleaned->blank.blank);
  EXPECT_TRUE(cleaned->warnings.empty());
  EXPECT_EQ(cleaned->image.format, PixelFormat::kGray1);
}

TEST(Clean, GrayOutputWhenAsked) {
  CleanOptions options;
  options.output_bilevel = false;
  auto cleaned = clean_page(test::turned_ccw(page(), 2), options);
  ASSERT_TRUE(cleaned);
  EXPECT_EQ(cleaned->image.format, PixelFormat::kGray8);
  EXPECT_TRUE(cleaned->skew_applied);
}

TEST(Clean, UnsureSkewWarnsAndLeavesThePage) {
  CleanOptions options;
  options.skew.min_confidence = 1.01;  // nothing can be sure enough
  auto cleaned = clean_page(test::turned_ccw(page(), 2), options);
  ASSERT_TRUE(cleaned);
  EXPECT_FALSE(cleaned->skew_applied);
  ASSERT_FALSE(cleaned->warnings.empty());
  EXPECT_NE(cleaned->warnings.front().find("skew estimate unsure"), std::string::npos);
}

TEST(Clean, EmptyImageIsAnError) {
  EXPECT_FALSE(clean_page(Image{}));
}

}  // namespace
}  // namespace chartroom::capture
