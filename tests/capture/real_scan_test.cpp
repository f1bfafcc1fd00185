// A real scan from a Debian package: Leptonica's documentation ships
// dave-orig.png, a gray scan of a pencil drawing on ruled paper with a
// signature (libleptonica-dev, BSD-style licence). Skipped when not installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"

namespace chartroom::capture {
namespace {

const std::filesystem::path kDave = "/usr/share/doc/libleptonica-dev/dave-orig.png";

Image dave() {
  auto reader = open_image(kDave, kDave.string());
  if (!reader) return {};
  auto page = (*reader)->read_page(0);
  return page ? *page : Image{};
}

TEST(RealScan, PencilDrawingIsNotBlankAndItsRulingGivesTheSkew) {
  const Image scan = dave();
  if (scan.empty()) GTEST_SKIP() << kDave << " not installed (libleptonica-dev)";
  // Faint pencil strokes and a signature: never a blank back side.
  EXPECT_FALSE(check_blank(scan).blank);
  // The ruled lines are text-like lines: turning the scan by a known angle
  // (OpenCV, independent of capture) moves the measured skew by that angle.
  const Skew as_scanned = find_skew(scan);
  ASSERT_GE(as_scanned.confidence, 0.3);
  for (const double turn : {-4.0, 2.5}) {
    const Skew turned = find_skew(test::turned_ccw(scan, turn));
    EXPECT_NEAR(turned.degrees - as_scanned.degrees, turn, 0.15) << turn;
  }
  // The whole chain runs and keeps the page.
  auto cleaned = clean_page(scan);
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_FALSE(cleaned->blank.blank);
  EXPECT_FALSE(cleaned->image.empty());
}

}  // namespace
}  // namespace chartroom::capture
