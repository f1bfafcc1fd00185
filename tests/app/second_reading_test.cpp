// The second readings of a page (app/second_reading.h) with the real
// Tesseract: an upside-down page capture could not turn is turned by OCR, an
// upright page read well is not read turned, a clean page's first reading
// stands against the broken-strokes reading, and each leaves one page PDF, the
// winner's, and nothing beside it.
#include "app/second_reading.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/gen/testgen.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

class SecondReading : public testing::Test {
 protected:
  void SetUp() override {
    ocr::limit_openmp_threads();
    dir_ = fs::temp_directory_path() / ("chartroom_second_reading_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    testgen::PageSpec spec;
    spec.patient = Patient{"48213377", "Halvorsen", "Margit", "", "1948-02-11", 'F'};
    const auto samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 2);
    ASSERT_FALSE(samples.empty());
    spec.title = samples.back().title;
    spec.paragraphs = samples.back().paragraphs;
    rendered_ = testgen::render_page(spec);
    auto engine = ocr::Engine::create();
    ASSERT_TRUE(engine) << engine.error().message;
    engine_ = std::move(*engine);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  // The files in the work folder, by name.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::ranges::sort(names);
    return names;
  }

  fs::path dir_;
  testgen::RenderedPage rendered_;
  std::unique_ptr<ocr::Engine> engine_;
};

TEST_F(SecondReading, AnUpsideDownPageCaptureLeftAsFoundIsTurnedByOcr) {
  const Image scan = testgen::scan(rendered_.image, {.skew_degrees = 0.4, .noise_sigma = 4}, 7);
  auto clean = capture::clean_page(scan);
  ASSERT_TRUE(clean) << clean.error().message;
  // As if capture had been unsure and left the page upside down.
  capture::turn_clean_page(*clean, 180);
  const fs::path pdf = dir_ / "page-1.pdf";
  auto read = engine_->read(clean->image, {pdf, "t"}, "page 1");
  ASSERT_TRUE(read) << read.error().message;
  const double before = testgen::character_error_rate(rendered_.ground_truth, read->text);
  auto settled = app::detail::settle_orientation(*engine_, *clean, *read, pdf, {pdf, "t"}, "page 1", {});
  ASSERT_TRUE(settled) << settled.error().message;
  EXPECT_TRUE(settled->read_twice);
  EXPECT_FALSE(settled->unsure) << *settled->unsure;
  EXPECT_NE(settled->note.find("turned half a turn by OCR"), std::string::npos) << settled->note;
  EXPECT_EQ(clean->orientation.degrees % 360, 0);  // upright again, as rendered
  const double after = testgen::character_error_rate(rendered_.ground_truth, read->text);
  EXPECT_GT(before, 0.5);
  EXPECT_LT(after, 0.05) << read->text;
  EXPECT_EQ(files(), std::vector<std::string>{"page-1.pdf"});
}

TEST_F(SecondReading, AnUprightPageReadWellIsNotReadTurned) {
  const Image scan = testgen::scan(rendered_.image, {.noise_sigma = 4}, 9);
  auto clean = capture::clean_page(scan);
  ASSERT_TRUE(clean) << clean.error().message;
  const fs::path pdf = dir_ / "page-3.pdf";
  auto read = engine_->read(clean->image, {pdf, "t"}, "page 3");
  ASSERT_TRUE(read) << read.error().message;
  const capture::OrientationOptions options;
  ASSERT_GE(read->mean_confidence, options.upright_ocr_confidence);
  auto settled = app::detail::settle_orientation(*engine_, *clean, *read, pdf, {pdf, "t"}, "page 3", options);
  ASSERT_TRUE(settled) << settled.error().message;
  EXPECT_FALSE(settled->read_twice);
  EXPECT_FALSE(settled->unsure);
  EXPECT_NE(settled->note.find("orientation confirmed by OCR"), std::string::npos) << settled->note;
  EXPECT_EQ(files(), std::vector<std::string>{"page-3.pdf"});
}

TEST_F(SecondReading, ACleanPagesFirstReadingStandsAgainstTheStrokesClosed) {
  const Image scan = testgen::scan(rendered_.image, {.noise_sigma = 4, .bilevel = true}, 8);
  auto clean = capture::clean_page(scan);
  ASSERT_TRUE(clean) << clean.error().message;
  const fs::path pdf = dir_ / "page-2.pdf";
  auto read = engine_->read(clean->image, {pdf, "t"}, "page 2");
  ASSERT_TRUE(read) << read.error().message;
  const std::string first = read->text;
  const Image first_image = clean->image;
  EXPECT_FALSE(app::detail::wants_strokes_closed(scan, *clean, *read, 70)) << read->mean_confidence;
  // Asked anyway, the second reading is no better, so nothing changes.
  auto again =
      app::detail::reread_strokes_closed(*engine_, scan, {}, *clean, *read, pdf, {pdf, "t"}, "page 2");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->kept) << again->note;
  EXPECT_EQ(read->text, first);
  EXPECT_EQ(clean->image.pixels, first_image.pixels);
  EXPECT_EQ(files(), std::vector<std::string>{"page-2.pdf"});
}

}  // namespace
}  // namespace chartroom
