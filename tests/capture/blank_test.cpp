// Blank pages and binarization.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

TEST(Blank, WhitePageIsBlank) {
  const BlankCheck check = check_blank(Image::blank(2550, 3300, PixelFormat::kGray8, 300));
  EXPECT_TRUE(check.blank);
  EXPECT_GE(check.confidence, 0.9);
}

TEST(Blank, ScannerNoiseAndSpecksAreBlank) {
  const BlankCheck check = check_blank(test::noise_page(400, 3));
  EXPECT_TRUE(check.blank) << check.ink_fraction;
  EXPECT_TRUE(check_blank(test::threshold(test::noise_page(400, 4), 100)).blank);
}

TEST(Blank, OneShortLineIsNotBlank) {
  const BlankCheck check = check_blank(test::one_line_page("This page intentionally left blank"));
  EXPECT_FALSE(check.blank) << check.ink_fraction;
}

TEST(Blank, TextPageIsNotBlank) {
  const BlankCheck check = check_blank(test::text_page());
  EXPECT_FALSE(check.blank);
  EXPECT_GE(check.confidence, 0.9);
}

TEST(Blank, DarkBorderInTheMarginIsIgnored) {
  Image page = Image::blank(2550, 3300, PixelFormat::kGray8, 300);
  for (int y = 0; y < page.height; ++y) {
    for (int x = 0; x < 60; ++x) page.row(y)[static_cast<std::size_t>(x)] = 10;
  }
  EXPECT_TRUE(check_blank(page).blank);
}

TEST(Binarize, TextOnGrayNoisyPaperStaysCrispAndPaperStaysWhite) {
  const Image clean = test::text_page(20);
  Image dirty = test::noise_page(0, 9);  // paper 225 with noise
  for (std::size_t i = 0; i < dirty.pixels.size(); ++i) {
    // Darken the right half further (uneven lighting) and lay the ink on top.
    const auto x = static_cast<int>(i % static_cast<std::size_t>(dirty.stride));
    int v = dirty.pixels[i] - (x > dirty.width / 2 ? 60 : 0);
    v = std::min(v, static_cast<int>(clean.pixels[i]) + (dirty.pixels[i] - 225));
    dirty.pixels[i] = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
  }
  const Image binary = binarize(dirty);
  ASSERT_EQ(binary.format, PixelFormat::kGray1);
  EXPECT_EQ(binary.dpi_x, 300);
  EXPECT_LT(test::difference(binary, test::threshold(clean)), 0.03);
}

}  // namespace
}  // namespace chartroom::capture

namespace chartroom::capture {
namespace {

// Pages drawn here with OpenCV's fonts (not the generator the blank rules
// were set on), scanned on gray paper with noise, from faint to very faint.
TEST(Blank, AShortOrFaintLineIsNeverDroppedUnread) {
  for (const int ink : {0, 120, 170, 200, 215}) {
    testgen::ScanDefects d{.noise_sigma = 4, .background = 240};
    d.ink = ink;
    for (const char* text : {"No known allergies.", "OK"}) {
      const BlankCheck check = check_blank(testgen::scan(test::one_line_page(text), d, 3));
      EXPECT_TRUE(!check.blank || check.read_before_dropping)
          << "\"" << text << "\" in ink " << ink << " would be dropped without OCR (" << check.letter_marks << " marks)";
    }
  }
}

TEST(Blank, ClearlyBlankBacksidesAreDroppedUnreadAndBleedThroughIsBlank) {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    testgen::ScanDefects d{.noise_sigma = 2.0 + seed % 5, .speckle_density = seed % 3 == 0 ? 8e-4 : 1e-4,
                           .background = static_cast<int>(215 + seed * 3)};
    d.punch_holes = seed % 2 == 0;
    d.dark_border = seed % 4 == 1;
    d.skew_degrees = static_cast<double>(seed % 7) - 3.0;
    const BlankCheck plain = check_blank(testgen::scan(testgen::render_blank_page(seed, false).image, d, seed + 50));
    EXPECT_TRUE(plain.blank) << "seed " << seed;
    EXPECT_FALSE(plain.read_before_dropping) << "seed " << seed << ": " << plain.letter_marks << " marks";
    // Show-through is faint mirrored text: blank by the ink rules; it may be
    // read first (OCR finds no word on it), never kept for its ink.
    EXPECT_TRUE(check_blank(testgen::scan(testgen::render_blank_page(seed, true).image, d, seed)).blank) << seed;
  }
}

TEST(Blank, HoldsWordsWantsAConfidentWordOfTwoCharacters) {
  PageText text;
  text.words = {{"I", {}, 95}, {"~", {}, 90}, {"allergies", {}, 40}};
  EXPECT_FALSE(holds_words(text));
  text.words.push_back({"OK", {}, 88});
  EXPECT_TRUE(holds_words(text));
}

}  // namespace
}  // namespace chartroom::capture
