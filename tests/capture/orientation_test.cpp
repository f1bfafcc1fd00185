// Orientation: pages turned by cv::rotate must come back with the clockwise
// turn that makes them upright, and rotate_orthogonal must agree with OpenCV.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

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

// A short operative note: header, a title in capitals and one line, most of
// it capitals and digits, which give the ascender count little to go on (the
// capture bench's seed-1 pages 96 and 230 were such pages left upside down).
// The left edges of its lines tell up from down.
class ShortCapitalsPage : public ::testing::TestWithParam<int> {};

TEST_P(ShortCapitalsPage, IsTurnedUprightAndSure) {
  testgen::PageSpec spec;
  spec.patient = {"41328892", "Emmerich", "Trent", "", "1920-03-31", 'M'};
  spec.title = "LAPAROSCOPIC CHOLECYSTECTOMY";
  spec.paragraphs = {"PREOPERATIVE DIAGNOSIS: Biliary colic."};
  testgen::ScanDefects defects;
  defects.orientation = GetParam();
  defects.skew_degrees = 6.2;
  defects.noise_sigma = 4;
  defects.background = 235;
  auto cleaned = clean_page(testgen::scan(testgen::render_page(spec).image, defects, 96));
  ASSERT_TRUE(cleaned) << cleaned.error().message;
  EXPECT_EQ(cleaned->orientation.degrees, GetParam());
  EXPECT_GE(cleaned->orientation.confidence, OrientationOptions{}.min_confidence);
}

INSTANTIATE_TEST_SUITE_P(AllFour, ShortCapitalsPage, ::testing::Values(0, 90, 180, 270));

TEST(Orientation, BlankPageIsUnsure) {
  EXPECT_LT(detect_orientation(Image::blank(2550, 3300, PixelFormat::kGray8, 300)).confidence, 0.5);
}

}  // namespace
}  // namespace chartroom::capture

namespace chartroom::capture {
namespace {

// Upside-down and upright pages of layouts the orientation cues find hard
// (forms of short label lines, sparse pages, all-capitals text), from seeds
// 700 on, which nothing in capture was tuned on. A page may be unsure (ingest
// then reads it both ways and sends it to review if OCR cannot tell), but it
// is never sure and wrong.
TEST(Orientation, HardLayoutsAreNeverSureAndWrong) {
  const auto patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  const auto samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 40);
  ASSERT_FALSE(patients.empty());
  ASSERT_FALSE(samples.empty());
  const auto forms = testgen::form_types();
  int sure_right = 0, unsure = 0, pages = 0;
  for (std::uint32_t seed = 700; seed < 708; ++seed) {
    testgen::PageSpec spec;
    spec.patient = patients[seed % patients.size()];
    const int layout = static_cast<int>(seed % 3);
    if (layout == 0) {  // a form
      const auto type = forms[seed % forms.size()];
      spec.title = testgen::form_title(type, seed);
      spec.paragraphs = testgen::form_paragraphs(type, spec.patient, seed);
    } else {
      const auto& sample = samples[seed % samples.size()];
      spec.title = sample.title;
      spec.paragraphs = {sample.paragraphs.front()};  // sparse: one paragraph
      if (layout == 2) {
        for (auto& p : spec.paragraphs) {
          for (char& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        for (char& c : spec.title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    const Image upright = testgen::render_page(spec).image;
    for (const int turn : {180, 0}) {
      testgen::ScanDefects defects;
      defects.orientation = turn;
      defects.skew_degrees = static_cast<double>(seed % 9) - 4.0;
      defects.noise_sigma = 3;
      defects.background = 240;
      defects.bilevel = seed % 4 == 0;
      auto cleaned = clean_page(testgen::scan(upright, defects, seed));
      ASSERT_TRUE(cleaned) << cleaned.error().message;
      ++pages;
      if (cleaned->orientation.confidence < OrientationOptions{}.min_confidence) {
        ++unsure;
        continue;
      }
      EXPECT_EQ(cleaned->orientation.degrees, turn) << "seed " << seed << ", layout " << layout << ", sure at "
                                                    << cleaned->orientation.confidence;
      sure_right += cleaned->orientation.degrees == turn ? 1 : 0;
    }
  }
  std::printf("hard layouts: %d of %d pages sure and right, %d unsure\n", sure_right, pages, unsure);
  EXPECT_GE(sure_right, 16);  // recorded (all 16 today): may only go up
}

}  // namespace
}  // namespace chartroom::capture
