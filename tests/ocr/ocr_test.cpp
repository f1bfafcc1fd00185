// ocr/ over real rendered pages and the real Tesseract engine. Full-page reads
// cost seconds each, so the pages are read once per suite and shared.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <chrono>

#include "ocr/ocr.h"
#include "ocr/pix.h"
#include "tests/gen/testgen.h"

namespace chartroom::ocr {
namespace {

namespace fs = std::filesystem;

Image binarize(const Image& gray, int threshold) {
  Image out = Image::blank(gray.width, gray.height, PixelFormat::kGray1, gray.dpi_y);
  for (int y = 0; y < gray.height; ++y) {
    const auto src = gray.row(y);
    auto dst = out.row(y);
    for (std::size_t x = 0; x < static_cast<std::size_t>(gray.width); ++x) {
      if (src[x] < threshold) dst[x / 8] |= static_cast<std::uint8_t>(0x80u >> (x % 8));
    }
  }
  return out;
}

Image crop(const Image& page, Box box) {
  Image out = Image::blank(box.width, box.height, page.format, page.dpi_y);
  const auto bytes = static_cast<std::size_t>(box.width * bits_per_pixel(page.format) / 8);
  for (int y = 0; y < box.height; ++y) {
    const auto src = page.row(box.y + y).subspan(static_cast<std::size_t>(box.x * bits_per_pixel(page.format) / 8));
    std::copy_n(src.begin(), bytes, out.row(y).begin());
  }
  return out;
}

std::string run(const std::string& command) {
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  if (!pipe) return out;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

std::string slurp(const fs::path& path) {
  std::string data(fs::file_size(path), '\0');
  std::ifstream(path, std::ios::binary).read(data.data(), static_cast<std::streamsize>(data.size()));
  return data;
}

struct ReadPage {
  PageText text;
  fs::path pdf;
};

// Reads are lazy: ctest runs each test in its own process, and a test should
// pay only for the pages it looks at.
class OcrTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    limit_openmp_threads();
    dir_ = fs::temp_directory_path() / ("chartroom_ocr_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    auto engine = Engine::create();
    ASSERT_TRUE(engine) << engine.error().message;
    engine_ = std::move(*engine);
  }
  static void TearDownTestSuite() {
    gray_.reset();
    bilevel_.reset();
    page_.reset();
    engine_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void SetUp() override { ASSERT_TRUE(engine_) << "no OCR engine"; }

  static const testgen::RenderedPage& page() {
    if (!page_) {
      const auto samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 1);
      testgen::PageSpec spec;
      spec.patient = Patient{"48213377", "Halvorsen", "Margit", "", "1948-02-11", 'F'};
      spec.title = samples.at(0).title;
      spec.paragraphs = samples.at(0).paragraphs;
      page_ = testgen::render_page(spec);
    }
    return *page_;
  }
  static const ReadPage& gray() {
    if (!gray_) gray_ = read(page().image, "gray");
    return *gray_;
  }
  static const ReadPage& bilevel() {
    if (!bilevel_) bilevel_ = read(binarize(page().image, 160), "bilevel");
    return *bilevel_;
  }

  static ReadPage read(const Image& image, const std::string& name) {
    ReadOptions options{dir_ / (name + ".pdf"), name};
    auto text = engine_->read(image, options, name);
    EXPECT_TRUE(text) << text.error().message;
    return ReadPage{text ? *text : PageText{}, options.pdf_path};
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<Engine> engine_;
  static inline std::optional<testgen::RenderedPage> page_;
  static inline std::optional<ReadPage> gray_;
  static inline std::optional<ReadPage> bilevel_;
};

TEST(PixAdapter, Gray1BitsKeepTheirPlaceAndMeaning) {
  // 37 pixels wide: the row spans two 32-bit words, so byte order shows.
  Image image = Image::blank(37, 3, PixelFormat::kGray1, 200);
  const std::vector<std::pair<int, int>> black = {{0, 0}, {7, 0}, {8, 1}, {31, 1}, {32, 2}, {36, 2}};
  for (const auto& [x, y] : black) image.row(y)[static_cast<std::size_t>(x / 8)] |= static_cast<std::uint8_t>(0x80u >> (x % 8));
  const auto pix = image_to_pix(image);
  ASSERT_TRUE(pix) << pix.error().message;
  EXPECT_EQ(pixGetDepth(pix->get()), 1);
  EXPECT_EQ(pixGetXRes(pix->get()), 200);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 37; ++x) {
      l_uint32 value = 0;
      pixGetPixel(pix->get(), x, y, &value);
      const bool expected = std::ranges::find(black, std::pair{x, y}) != black.end();
      EXPECT_EQ(value, expected ? 1u : 0u) << "pixel " << x << "," << y;
    }
  }
}

TEST(PixAdapter, Gray8KeepsValuesAndDefaultsTo300Dpi) {
  Image image = Image::blank(5, 2, PixelFormat::kGray8, 0);
  for (int x = 0; x < 5; ++x) image.row(1)[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(x * 50);
  const auto pix = image_to_pix(image);
  ASSERT_TRUE(pix) << pix.error().message;
  EXPECT_EQ(pixGetYRes(pix->get()), 300);
  for (int x = 0; x < 5; ++x) {
    l_uint32 value = 0;
    pixGetPixel(pix->get(), x, 1, &value);
    EXPECT_EQ(value, static_cast<l_uint32>(x * 50));
  }
}

TEST_F(OcrTest, ReadsAGrayPageWithLowErrorRate) {
  const double cer = testgen::character_error_rate(page().ground_truth, gray().text.text);
  RecordProperty("cer_gray", std::to_string(cer));
  EXPECT_LT(cer, 0.03) << gray().text.text;
  EXPECT_GT(gray().text.mean_confidence, 80);
  EXPECT_EQ(gray().text.image_width, 2550);
  EXPECT_EQ(gray().text.image_height, 3300);
}

TEST_F(OcrTest, ReadsTheSamePageAsOneBitImage) {
  const double cer = testgen::character_error_rate(page().ground_truth, bilevel().text.text);
  RecordProperty("cer_bilevel", std::to_string(cer));
  EXPECT_LT(cer, 0.03) << bilevel().text.text;
}

TEST_F(OcrTest, WordBoxesLieOnThePageAndTheMrnIsInTheHeader) {
  const auto& text = gray().text;
  ASSERT_FALSE(text.words.empty());
  int last_line = 0;
  for (const auto& word : text.words) {
    EXPECT_GE(word.box.x, 0);
    EXPECT_GE(word.box.y, 0);
    EXPECT_GT(word.box.width, 0);
    EXPECT_GT(word.box.height, 0);
    EXPECT_LE(word.box.x + word.box.width, text.image_width);
    EXPECT_LE(word.box.y + word.box.height, text.image_height);
    EXPECT_GE(word.line, last_line);  // lines are numbered in reading order
    last_line = word.line;
  }
  EXPECT_GT(last_line, 10);
  const auto mrn = std::ranges::find_if(text.words, [](const Word& w) {
    return w.text.find("48213377") != std::string::npos;
  });
  ASSERT_NE(mrn, text.words.end()) << text.text;
  EXPECT_LT(mrn->box.y + mrn->box.height, text.image_height / 5);
  EXPECT_GT(mrn->confidence, 80);
}

TEST_F(OcrTest, WritesASearchableLetterSizedPdf) {
  const std::string pdf = slurp(gray().pdf);
  ASSERT_TRUE(pdf.starts_with("%PDF")) << gray().pdf;
  EXPECT_NE(pdf.find("/MediaBox [0 0 612.00 792.00]"), std::string::npos);
  EXPECT_NE(pdf.find("/DCTDecode"), std::string::npos);  // gray page embedded as JPEG
  EXPECT_FALSE(fs::exists(fs::path(gray().pdf).replace_extension(".part.pdf")));
  const std::string layer = run("pdftotext -q '" + gray().pdf.string() + "' -");
  EXPECT_LT(testgen::character_error_rate(page().ground_truth, layer), 0.03) << layer;
  EXPECT_NE(run("qpdf --check '" + gray().pdf.string() + "' 2>&1; echo rc=$?").find("rc=0"), std::string::npos);
}

TEST_F(OcrTest, OneBitPageBecomesAMuchSmallerG4Pdf) {
  const std::string pdf = slurp(bilevel().pdf);
  ASSERT_TRUE(pdf.starts_with("%PDF"));
  EXPECT_NE(pdf.find("/CCITTFaxDecode"), std::string::npos);
  const auto bilevel_bytes = fs::file_size(bilevel().pdf);
  const auto gray_bytes = fs::file_size(gray().pdf);
  RecordProperty("pdf_bytes_bilevel", std::to_string(bilevel_bytes));
  RecordProperty("pdf_bytes_gray", std::to_string(gray_bytes));
  EXPECT_LT(bilevel_bytes * 4, gray_bytes);
  EXPECT_NE(run("qpdf --check '" + bilevel().pdf.string() + "' 2>&1; echo rc=$?").find("rc=0"), std::string::npos);
}

// A page that takes Tesseract longer than the limit is stopped there and
// comes back marked, with what was read by then and a valid page PDF (its
// image whole), instead of holding its worker. A 1 ms limit makes any real
// page run over it.
TEST_F(OcrTest, APageOverTheTimeLimitIsStoppedAndMarkedNotLeftToRun) {
  EngineOptions options;
  options.max_seconds_per_page = 0.001;
  auto engine = Engine::create(options);
  ASSERT_TRUE(engine) << engine.error().message;
  const fs::path pdf = dir_ / "stopped.pdf";
  const auto started = std::chrono::steady_clock::now();
  auto text = (*engine)->read(page().image, {pdf, "stopped"}, "stopped.tif, page 1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(text->ocr_stopped);
  auto letters = [](const std::string& t) { return std::ranges::count_if(t, [](unsigned char c) { return c > ' '; }); };
  EXPECT_LT(letters(text->text), letters(page().ground_truth) / 2) << text->text;  // layout only, few or no words
  RecordProperty("stopped_after_seconds", std::to_string(seconds));
  EXPECT_NE(run("qpdf --check '" + pdf.string() + "' 2>&1; echo rc=$?").find("rc=0"), std::string::npos);

  EXPECT_FALSE(gray().text.ocr_stopped);  // the default limit (120 s) is far from a page's time
}

TEST_F(OcrTest, RefusesAPdfPathWithoutPdfExtension) {
  const auto result = engine_->read(crop(page().image, {0, 0, 64, 64}), {dir_ / "page.tif", ""}, "p1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message.find("p1"), std::string::npos);
}

TEST_F(OcrTest, PoolFromFourThreadsReadsLikeOneEngine) {
  // Four bands of the body: a quarter page each keeps the test short.
  std::vector<Image> bands;
  for (int i = 0; i < 4; ++i) bands.push_back(crop(page().image, {0, 450 + i * 600, 2550, 600}));
  std::vector<std::string> serial;
  for (const auto& band : bands) {
    auto text = engine_->read(band, {}, "band");
    ASSERT_TRUE(text) << text.error().message;
    serial.push_back(text->text);
  }
  auto pool = EnginePool::create(2);
  ASSERT_TRUE(pool) << pool.error().message;
  EXPECT_EQ((*pool)->size(), 2);
  std::vector<std::string> parallel(bands.size());
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < bands.size(); ++i) {
      workers.emplace_back([&, i] {
        auto engine = (*pool)->lease();
        auto text = engine->read(bands[i], {}, "band");
        parallel[i] = text ? text->text : text.error().message;
      });
    }
  }
  EXPECT_EQ(parallel, serial);
  EXPECT_FALSE(serial[0].empty());
}

TEST(EngineTest, MissingLanguageSaysWhichPackageToInstall) {
  EngineOptions options;
  options.language = "xyz";
  const auto engine = Engine::create(options);
  ASSERT_FALSE(engine);
  EXPECT_EQ(engine.error().code, ErrorCode::kOcr);
  EXPECT_NE(engine.error().message.find("tesseract-ocr-xyz"), std::string::npos) << engine.error().message;
}

TEST(EngineTest, DescribesItself) {
  const auto engine = Engine::create();
  ASSERT_TRUE(engine) << engine.error().message;
  EXPECT_EQ((*engine)->describe(), "tesseract " + tesseract_version() + ", eng, psm 3");
  EXPECT_TRUE(tesseract_version().starts_with("5."));
}

}  // namespace
}  // namespace chartroom::ocr
