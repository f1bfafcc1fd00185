// Files cut short or damaged inside a page's image data: that page is an
// error that says where the file ends, the pages before it decode whole, and
// no damaged page ever comes back as pixels (the missing rows would be white
// paper, and the page blank or "complete").
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "capture/capture.h"
#include "tests/capture/damaged_files.h"
#include "tests/capture/test_pages.h"
#include "tests/gen/testgen.h"

namespace chartroom::capture {
namespace {

struct Codec {
  const char* name;
  testgen::Encoding encoding;
  bool bilevel;
};
const Codec kCodecs[] = {{"G4", testgen::Encoding::kTiffG4, true},
                         {"LZW", testgen::Encoding::kTiffLzw, false},
                         {"JPEG-in-TIFF", testgen::Encoding::kTiffJpeg, false}};

Image short_page(bool bilevel) {
  Image gray = test::text_page(12, 200);
  gray.height = 200 * 4;  // four inches: quick to encode, several strips
  gray.pixels.resize(static_cast<std::size_t>(gray.stride) * gray.height);
  return bilevel ? test::threshold(gray) : gray;
}

// Three pages written the way libtiff writes them (each directory after its
// page's data), or with each directory first, and where each page lies.
std::vector<std::uint8_t> three_pages(const Codec& codec, bool directory_first, std::vector<test::PageBytes>& where) {
  const auto path = test::temp_dir() / "whole.tif";
  const Image page = short_page(codec.bilevel);
  EXPECT_TRUE(testgen::write_pages({page, page, page}, path, codec.encoding));
  const auto bytes = test::read_bytes(path);
  if (directory_first) return test::ifd_first(bytes, &where);
  where = test::page_bytes(bytes);
  return bytes;
}

std::unique_ptr<PageReader> open_bytes(const std::vector<std::uint8_t>& bytes) {
  const auto path = test::temp_dir() / "damaged.tif";
  test::write_bytes(path, bytes);
  auto reader = open_image(path, "scan_0001.tif");
  EXPECT_TRUE(reader) << reader.error().message;
  return reader ? std::move(*reader) : nullptr;
}

TEST(DecodeDamage, AFileCutInsidePage2KeepsPage1AndSaysWhereItEnds) {
  for (const Codec& codec : kCodecs) {
    for (const bool directory_first : {false, true}) {
      SCOPED_TRACE(std::string(codec.name) + (directory_first ? ", directories first" : ", libtiff's layout"));
      std::vector<test::PageBytes> where;
      auto bytes = three_pages(codec, directory_first, where);
      auto whole = open_bytes(bytes)->read_page(0);  // JPEG is lossy: compare with the page as decoded
      ASSERT_TRUE(whole);
      bytes.resize((where[1].data_begin + where[1].data_end) / 2);
      auto reader = open_bytes(bytes);
      ASSERT_NE(reader, nullptr);
      // Page 2 is counted even where its directory went with the end of the
      // file: a page that began is never silently missing.
      ASSERT_GE(reader->page_count(), 2);
      auto first = reader->read_page(0);
      ASSERT_TRUE(first) << first.error().message;
      EXPECT_EQ(test::difference(*first, *whole), 0.0) << "page 1 must decode whole";
      auto second = reader->read_page(1);
      ASSERT_FALSE(second) << "page 2 was decoded as if it were whole";
      EXPECT_EQ(second.error().code, ErrorCode::kCorrupt);
      EXPECT_TRUE(second.error().message.starts_with("the file ends inside page 2 of scan_0001.tif (")) << second.error().message;
      EXPECT_NE(second.error().message.find("rescan or copy the file again"), std::string::npos);
      for (int i = 2; i < reader->page_count(); ++i) EXPECT_FALSE(reader->read_page(i)) << "page " << i + 1;
    }
  }
}

TEST(DecodeDamage, AFileCutInsideItsLastPageKeepsTheOthers) {
  for (const Codec& codec : kCodecs) {
    SCOPED_TRACE(codec.name);
    std::vector<test::PageBytes> where;
    auto bytes = three_pages(codec, false, where);
    bytes.resize(where[2].data_begin + 100);
    auto reader = open_bytes(bytes);
    ASSERT_NE(reader, nullptr);
    ASSERT_EQ(reader->page_count(), 3);
    EXPECT_TRUE(reader->read_page(0));
    EXPECT_TRUE(reader->read_page(1));
    auto last = reader->read_page(2);
    ASSERT_FALSE(last);
    EXPECT_TRUE(last.error().message.starts_with("the file ends inside page 3 of scan_0001.tif")) << last.error().message;
  }
}

TEST(DecodeDamage, AFileCutInsideItsOnlyPageSaysSo) {
  std::vector<test::PageBytes> where;
  auto bytes = three_pages(kCodecs[0], false, where);
  bytes.resize(where[0].data_end / 2);
  const auto path = test::temp_dir() / "cut.tif";
  test::write_bytes(path, bytes);
  auto reader = open_image(path, "scan_0001.tif");
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(reader.error().message.starts_with("the file ends inside page 1 of scan_0001.tif")) << reader.error().message;
}

// Bytes overwritten inside page 2's strips (a bad sector, a broken copy):
// every compressed codec notices, and the pages around it are whole.
TEST(DecodeDamage, OverwrittenStripDataDamagesOnlyThatPage) {
  for (const Codec& codec : kCodecs) {
    for (const std::uint8_t fill : {std::uint8_t{0}, std::uint8_t{37}}) {
      SCOPED_TRACE(std::string(codec.name) + (fill == 0 ? ", zeros" : ", garbage"));
      std::vector<test::PageBytes> where;
      auto bytes = three_pages(codec, true, where);
      for (std::size_t i = (where[1].data_begin + where[1].data_end) / 2; i < where[1].data_end; ++i) {
        bytes[i] = static_cast<std::uint8_t>(fill * i);
      }
      auto reader = open_bytes(bytes);
      ASSERT_NE(reader, nullptr);
      ASSERT_EQ(reader->page_count(), 3);
      EXPECT_TRUE(reader->read_page(0));
      auto damaged = reader->read_page(1);
      ASSERT_FALSE(damaged) << "damaged page 2 was decoded as if it were whole";
      EXPECT_EQ(damaged.error().code, ErrorCode::kCorrupt);
      EXPECT_TRUE(damaged.error().message.starts_with("scan_0001.tif, page 2: ")) << damaged.error().message;
      EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos) << damaged.error().message;
      EXPECT_TRUE(reader->read_page(2));
    }
  }
}

// A strip whose stated length runs past the end of the file (the writer
// recorded the length it meant to write).
TEST(DecodeDamage, StripByteCountPastTheEndIsCutShort) {
  std::vector<test::PageBytes> where;
  auto bytes = three_pages(kCodecs[1], true, where);
  bytes.resize(where[2].data_end - 10);  // the last strip of page 3 lacks its last bytes
  auto reader = open_bytes(bytes);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->page_count(), 3);
  EXPECT_TRUE(reader->read_page(1));
  auto last = reader->read_page(2);
  ASSERT_FALSE(last);
  EXPECT_TRUE(last.error().message.starts_with("the file ends inside page 3 of scan_0001.tif")) << last.error().message;
}

TEST(DecodeDamage, TruncatedPngAndJpegAreDamaged) {
  const Image gray = short_page(false);
  const cv::Mat m(gray.height, gray.width, CV_8UC1, const_cast<std::uint8_t*>(gray.pixels.data()),
                  static_cast<std::size_t>(gray.stride));
  for (const char* ext : {".png", ".jpg"}) {
    std::vector<std::uint8_t> bytes;
    ASSERT_TRUE(cv::imencode(ext, m, bytes));
    for (const double keep : {0.3, 0.6, 0.95}) {
      const std::string name = std::string("scan_0001") + ext;
      const auto path = test::temp_dir() / name;
      test::write_bytes(path, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() * keep)});
      auto reader = open_image(path, name);
      auto page = reader ? (*reader)->read_page(0) : std::unexpected(reader.error());
      ASSERT_FALSE(page) << name << " cut at " << keep << " decoded as if it were whole";
      EXPECT_EQ(page.error().code, ErrorCode::kCorrupt);
      EXPECT_NE(page.error().message.find("truncated or damaged"), std::string::npos) << page.error().message;
    }
  }
}

}  // namespace
}  // namespace chartroom::capture
