// Decoding: every format and codec chartroom reads, and every kind of bad file.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "capture/capture.h"
#include "tests/capture/test_pages.h"

namespace chartroom::capture {
namespace {

using test::temp_dir;

Image small_text(int dpi = 200) {
  Image page = test::text_page(8, dpi);
  page.height = dpi * 3;  // keep the first three inches: fast to encode
  page.pixels.resize(static_cast<std::size_t>(page.stride) * page.height);
  return page;
}

Result<Image> read_one(const std::filesystem::path& path, int index = 0) {
  auto reader = open_image(path, path.filename().string());
  if (!reader) return std::unexpected(reader.error());
  return (*reader)->read_page(index);
}

TEST(Decode, MultiPageG4TiffIsGray1WithOneForBlack) {
  const Image gray = small_text();
  const Image bilevel = test::threshold(gray);
  const Image second = test::threshold(test::turned_cw(gray, 180));
  const auto path = temp_dir() / "g4.tif";
  test::write_tiff({bilevel, second, bilevel}, path, test::TiffCodec::kG4);
  auto reader = open_image(path, "g4.tif");
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->page_count(), 3);
  EXPECT_EQ((*reader)->format(), FileFormat::kTiff);
  for (int i : {2, 0, 1}) {  // any order: pages are read on demand
    auto page = (*reader)->read_page(i);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->format, PixelFormat::kGray1);
    EXPECT_EQ(page->dpi_x, 200);
    EXPECT_EQ(test::difference(*page, i == 1 ? second : bilevel), 0.0) << "page " << i;
  }
  auto missing = (*reader)->read_page(3);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("g4.tif, page 4"), std::string::npos);
}

TEST(Decode, MinIsBlackBilevelIsInverted) {
  const Image bilevel = test::threshold(small_text());
  const auto path = temp_dir() / "minisblack.tif";
  test::write_tiff({bilevel}, path, test::TiffCodec::kNone, /*minisblack=*/true);
  auto page = read_one(path);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(test::difference(*page, bilevel), 0.0);
}

TEST(Decode, LzwGrayAndRgb) {
  const Image gray = small_text();
  Image rgb = Image::blank(gray.width, gray.height, PixelFormat::kRgb8, gray.dpi_x);
  for (std::size_t i = 0; i < gray.pixels.size(); ++i) {
    rgb.pixels[3 * i] = gray.pixels[i];
    rgb.pixels[3 * i + 1] = 0;
    rgb.pixels[3 * i + 2] = 255;
  }
  const auto path = temp_dir() / "lzw.tif";
  test::write_tiff({gray, rgb}, path, test::TiffCodec::kLzw);
  auto reader = open_image(path, "lzw.tif");
  ASSERT_TRUE(reader);
  auto p0 = (*reader)->read_page(0);
  auto p1 = (*reader)->read_page(1);
  ASSERT_TRUE(p0 && p1);
  EXPECT_EQ(p0->format, PixelFormat::kGray8);
  EXPECT_EQ(test::difference(*p0, gray), 0.0);
  EXPECT_EQ(p1->format, PixelFormat::kRgb8);
  EXPECT_EQ(test::difference(*p1, rgb), 0.0);
}

TEST(Decode, JpegInTiffGrayAndYCbCr) {
  const Image gray = small_text();
  Image rgb = Image::blank(gray.width, gray.height, PixelFormat::kRgb8, gray.dpi_x);
  for (std::size_t i = 0; i < gray.pixels.size(); ++i) {
    for (int c = 0; c < 3; ++c) rgb.pixels[3 * i + static_cast<std::size_t>(c)] = gray.pixels[i];
  }
  const auto path = temp_dir() / "jpeg.tif";
  test::write_tiff({gray, rgb}, path, test::TiffCodec::kJpeg);
  auto reader = open_image(path, "jpeg.tif");
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ((*reader)->page_count(), 2);
  auto p0 = (*reader)->read_page(0);
  auto p1 = (*reader)->read_page(1);
  ASSERT_TRUE(p0) << p0.error().message;
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_EQ(p0->format, PixelFormat::kGray8);
  EXPECT_EQ(p1->format, PixelFormat::kRgb8);
  // Lossy: compare ink after thresholding.
  EXPECT_LT(test::difference(test::threshold(*p0), test::threshold(gray)), 0.01);
  EXPECT_LT(test::difference(test::threshold(to_gray(*p1)), test::threshold(gray)), 0.01);
}

TEST(Decode, PngAndJpegWithDpi) {
  Image gray = small_text(150);
  cv::Mat m(gray.height, gray.width, CV_8UC1, gray.pixels.data(), static_cast<std::size_t>(gray.stride));
  cv::Mat bgr;
  cv::merge(std::vector<cv::Mat>{m, m, m * 0}, bgr);  // blue = gray, green = gray, red = 0
  std::vector<std::uint8_t> png;
  std::vector<std::uint8_t> jpeg;
  ASSERT_TRUE(cv::imencode(".png", bgr, png));
  ASSERT_TRUE(cv::imencode(".jpg", m, jpeg));
  test::write_bytes(temp_dir() / "page.png", png);
  test::write_bytes(temp_dir() / "page.jpg", jpeg);
  auto p = read_one(temp_dir() / "page.png");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->format, PixelFormat::kRgb8);
  EXPECT_EQ(p->dpi_x, 300);  // none stated: assumed
  EXPECT_EQ(p->pixels[0], 0);  // red first, not OpenCV's blue
  EXPECT_EQ(p->pixels[2], 255);
  auto j = read_one(temp_dir() / "page.jpg");
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->format, PixelFormat::kGray8);
  EXPECT_EQ(j->width, gray.width);
  // OpenCV writes a JFIF header with density 1:1 and no unit: assumed dpi.
  EXPECT_EQ(j->dpi_x, 300);
  // A stated 200 dpi (JFIF units 1) is read.
  jpeg[13] = 1;
  jpeg[14] = 0;
  jpeg[15] = 200;
  test::write_bytes(temp_dir() / "dpi.jpg", jpeg);
  auto d = read_one(temp_dir() / "dpi.jpg");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->dpi_x, 200);
}

TEST(Decode, WriteImageRoundTrips) {
  const Image gray = small_text();
  const Image bilevel = test::threshold(gray);
  ASSERT_TRUE(write_image(bilevel, temp_dir() / "out.tif"));
  ASSERT_TRUE(write_image(gray, temp_dir() / "out.png"));
  auto t = read_one(temp_dir() / "out.tif");
  auto p = read_one(temp_dir() / "out.png");
  ASSERT_TRUE(t && p);
  EXPECT_EQ(test::difference(*t, bilevel), 0.0);
  EXPECT_EQ(test::difference(*p, gray), 0.0);
}

void expect_error(const Result<std::unique_ptr<PageReader>>& result, ErrorCode code, const std::string& part) {
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(part), std::string::npos) << result.error().message;
}

TEST(Decode, ZeroByteFile) {
  test::write_bytes(temp_dir() / "x.tif", {});
  expect_error(open_image(temp_dir() / "x.tif", "x.tif"), ErrorCode::kCorrupt,
               "x.tif: the file is empty (0 bytes)");
}

TEST(Decode, TextFileNamedTif) {
  const std::string text = "Patient list\nSmith, John 1970-01-01\n";
  test::write_bytes(temp_dir() / "notes.tif", {text.begin(), text.end()});
  expect_error(open_image(temp_dir() / "notes.tif", "notes.tif"), ErrorCode::kUnsupported,
               "notes.tif: not an image chartroom can read (it looks like text); chartroom reads TIFF, "
               "PNG, JPEG and PDF");
}

TEST(Decode, PdfWithoutATrailerIsDamaged) {  // scanner PDFs themselves: decode_pdf_test.cpp
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n";
  test::write_bytes(temp_dir() / "chart.pdf", {pdf.begin(), pdf.end()});
  expect_error(open_image(temp_dir() / "chart.pdf", "chart.pdf"), ErrorCode::kCorrupt, "chart.pdf: not a readable PDF");
}

TEST(Decode, OverFileSizeLimit) {
  test::write_bytes(temp_dir() / "big.png", std::vector<std::uint8_t>(2000, 0));
  DecodeLimits limits;
  limits.max_file_bytes = 1000;
  expect_error(open_image(temp_dir() / "big.png", "big.png", limits), ErrorCode::kTooLarge, "big.png");
}

TEST(Decode, PngDeclaringHugeDimensionsIsRefusedBeforeDecoding) {
  // Signature, IHDR 100000 x 100000 8-bit gray, and nothing else.
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                   0, 0x01, 0x86, 0xA0, 0, 0x01, 0x86, 0xA0, 8, 0, 0, 0, 0, 0, 0, 0, 0};
  test::write_bytes(temp_dir() / "bomb.png", png);
  expect_error(open_image(temp_dir() / "bomb.png", "bomb.png"), ErrorCode::kTooLarge,
               "bomb.png, page 1: 100000 x 100000 pixels is over the limit of 150000000 pixels per page");
}

TEST(Decode, TiffDeclaringHugeDimensionsIsRefusedBeforeDecoding) {
  // Little-endian TIFF, one IFD: 100000 x 100000, 1 bps, G4, one 16-byte strip.
  auto le16 = [](std::vector<std::uint8_t>& v, unsigned x) { v.push_back(x & 0xFF); v.push_back(x >> 8); };
  auto le32 = [&](std::vector<std::uint8_t>& v, std::uint32_t x) { le16(v, x & 0xFFFF); le16(v, x >> 16); };
  std::vector<std::uint8_t> t = {'I', 'I', 42, 0};
  le32(t, 8);
  const std::vector<std::array<std::uint32_t, 3>> tags = {
      {256, 4, 100000}, {257, 4, 100000}, {258, 3, 1}, {259, 3, 4}, {262, 3, 0},
      {273, 4, 200},    {277, 3, 1},      {278, 4, 100000}, {279, 4, 16}};
  le16(t, static_cast<unsigned>(tags.size()));
  for (const auto& [tag, type, value] : tags) {
    le16(t, tag);
    le16(t, type);
    le32(t, 1);
    le32(t, value);
  }
  le32(t, 0);
  t.resize(216, 0);
  test::write_bytes(temp_dir() / "big.tif", t);
  auto reader = open_image(temp_dir() / "big.tif", "big.tif");
  ASSERT_TRUE(reader) << reader.error().message;
  auto page = (*reader)->read_page(0);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(page.error().message,
            "big.tif, page 1: 100000 x 100000 pixels is over the limit of 150000000 pixels per page; "
            "rescan at a lower resolution or raise max_pixels");
}

TEST(Decode, TruncatedTiffNeverCrashesAndSaysCorrupt) {
  const Image bilevel = test::threshold(small_text());
  const auto whole = temp_dir() / "scan.tif";
  test::write_tiff({bilevel, bilevel, bilevel}, whole, test::TiffCodec::kLzw);
  const auto bytes = test::read_bytes(whole);
  int corrupt = 0;
  for (const double cut : {0.001, 0.1, 0.34, 0.5, 0.7, 0.9, 0.99}) {
    const auto keep = static_cast<std::size_t>(static_cast<double>(bytes.size()) * cut);
    const auto path = temp_dir() / "cut.tif";
    test::write_bytes(path, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep)});
    auto reader = open_image(path, "scan.tif");
    if (!reader) {
      EXPECT_EQ(reader.error().code, ErrorCode::kCorrupt) << reader.error().message;
      EXPECT_NE(reader.error().message.find("scan.tif"), std::string::npos) << reader.error().message;
      ++corrupt;
      continue;
    }
    int whole_pages = 0;
    for (int i = 0; i < (*reader)->page_count(); ++i) {
      auto page = (*reader)->read_page(i);
      if (!page) {
        EXPECT_EQ(page.error().code, ErrorCode::kCorrupt);
        const std::string page_n = std::to_string(i + 1);
        const std::string& message = page.error().message;
        EXPECT_TRUE(message.find("scan.tif, page " + page_n + ": ") != std::string::npos ||
                    message.starts_with("the file ends inside page " + page_n + " of scan.tif"))
            << message;
        EXPECT_NE(message.find("damaged"), std::string::npos);
        ++corrupt;
      } else {
        ++whole_pages;
      }
    }
    // A cut file never yields all three pages whole, and the page it ends in
    // is counted (as an error), never missing.
    EXPECT_LT(whole_pages, 3);
    EXPECT_GT((*reader)->page_count(), whole_pages);
  }
  EXPECT_GT(corrupt, 0);
}

TEST(Decode, DamagedStripDataIsCorrupt) {
  const Image bilevel = test::threshold(small_text());
  const auto path = temp_dir() / "damaged.tif";
  test::write_tiff({bilevel}, path, test::TiffCodec::kG4);
  auto bytes = test::read_bytes(path);
  for (std::size_t i = 8; i < bytes.size() / 2; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
  test::write_bytes(path, bytes);
  auto page = read_one(path);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(page.error().message.starts_with("damaged.tif, page 1: ")) << page.error().message;
}

TEST(Decode, CorruptPngSaysCorrupt) {
  Image gray = small_text();
  cv::Mat m(gray.height, gray.width, CV_8UC1, gray.pixels.data(), static_cast<std::size_t>(gray.stride));
  std::vector<std::uint8_t> png;
  ASSERT_TRUE(cv::imencode(".png", m, png));
  png.resize(png.size() / 2);
  test::write_bytes(temp_dir() / "half.png", png);
  auto page = read_one(temp_dir() / "half.png");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(page.error().message.starts_with("half.png: ")) << page.error().message;
}

}  // namespace
}  // namespace chartroom::capture
