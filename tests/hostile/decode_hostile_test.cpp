// The decoders against the hostile corpus, directly: every bad file gives an
// error that names it and says what is wrong; no truncation of any format
// crashes or passes as a whole page; a file cut short or deleted while it is
// being read is handled through the descriptor opened first.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "tests/hostile/corpus.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

class HostileDecode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("chartroom-hostile-decode-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    originals_ = new hostile::Originals(hostile::make_originals());
    cases_ = new std::vector<hostile::Case>(hostile::write_corpus(*originals_, *root_ / "in", *root_ / "out"));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete originals_;
    delete cases_;
  }

  // Opens and decodes every page; the first error, or nothing.
  static Status decode_all(const fs::path& path, const std::string& name) {
    auto reader = capture::open_image(path, name);
    if (!reader) return std::unexpected(reader.error());
    for (int i = 0; i < (*reader)->page_count(); ++i) {
      auto page = (*reader)->read_page(i);
      if (!page) return std::unexpected(page.error());
    }
    return {};
  }

  static fs::path* root_;
  static hostile::Originals* originals_;
  static std::vector<hostile::Case>* cases_;
};

fs::path* HostileDecode::root_ = nullptr;
hostile::Originals* HostileDecode::originals_ = nullptr;
std::vector<hostile::Case>* HostileDecode::cases_ = nullptr;

TEST_F(HostileDecode, TheUndamagedOriginalsDecode) {
  const std::vector<std::pair<std::string, const std::vector<std::uint8_t>*>> originals = {
      {"g4.tif", &originals_->g4_tiff}, {"lzw.tif", &originals_->lzw_tiff}, {"jpeg.tif", &originals_->jpeg_tiff},
      {"page.png", &originals_->png},   {"page.jpg", &originals_->jpeg}};
  for (const auto& [name, bytes] : originals) {
    hostile::write_file(*root_ / name, *bytes);
    EXPECT_TRUE(decode_all(*root_ / name, name)) << name << ": " << decode_all(*root_ / name, name).error().message;
  }
}

TEST_F(HostileDecode, EveryBadFileIsRefusedWithItsNameAndAReason) {
  ASSERT_GE(cases_->size(), 25U);
  for (const hostile::Case& c : *cases_) {
    auto status = decode_all(*root_ / "in" / c.name, c.name);
    ASSERT_FALSE(status) << c.name << " (" << c.kind << ") was decoded as if it were whole";
    const std::string& message = status.error().message;
    EXPECT_NE(message.find(c.name), std::string::npos) << c.kind << ": " << message;
    EXPECT_NE(message.find(c.expect), std::string::npos) << c.kind << ": " << message;
  }
}

// Every prefix of every format (a stride of offsets, plus the first 64 bytes
// one by one): never a crash; an error naming the file wherever the cut loses
// pixels or the directory. (A TIFF cut only in the out-of-line tag values that
// follow its directory, such as the Software string, may still be read whole.)
TEST_F(HostileDecode, NoTruncationOfAnyFormatPassesAsAWholePage) {
  const std::vector<std::pair<std::string, const std::vector<std::uint8_t>*>> originals = {
      {"g4.tif", &originals_->g4_tiff}, {"lzw.tif", &originals_->lzw_tiff}, {"jpeg.tif", &originals_->jpeg_tiff},
      {"page.png", &originals_->png},   {"page.jpg", &originals_->jpeg}};
  int tried = 0;
  for (const auto& [name, bytes] : originals) {
    std::vector<std::size_t> offsets;
    for (std::size_t at = 1; at < 64; ++at) offsets.push_back(at);
    for (std::size_t at = 64; at + 16 < bytes->size(); at += std::max<std::size_t>(1, bytes->size() / 150)) {
      offsets.push_back(at);
    }
    std::size_t must_fail_below = bytes->size() - 16;
    if (name.ends_with(".tif")) {
      const std::size_t ifd = (*bytes)[4] | (*bytes)[5] << 8 | (*bytes)[6] << 16 | std::size_t{(*bytes)[7]} << 24;
      const std::size_t entries = (*bytes)[ifd] | (*bytes)[ifd + 1] << 8;
      must_fail_below = ifd + 2 + 12 * entries;
      offsets.push_back(must_fail_below - 1);
    }
    for (const std::size_t at : offsets) {
      const fs::path path = *root_ / ("cut-" + name);
      hostile::write_file(path, {bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(at)});
      auto status = decode_all(path, "cut-" + name);
      ++tried;
      if (status) {
        ASSERT_GE(at, must_fail_below) << name << " cut at " << at << " of " << bytes->size() << " decoded";
        continue;
      }
      EXPECT_NE(status.error().message.find("cut-" + name), std::string::npos) << status.error().message;
    }
  }
  EXPECT_GT(tried, 700);
}

TEST_F(HostileDecode, AFileCutShortWhileBeingReadGivesAnErrorNotACrash) {
  // Three strips of LZW at least: the reader is opened on the whole file, then
  // another process truncates it before the pixels are read (no mmap: no SIGBUS).
  const fs::path path = *root_ / "shrinking.tif";
  hostile::write_file(path, originals_->lzw_tiff);
  auto reader = capture::open_image(path, "shrinking.tif");
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(originals_->lzw_tiff.size() / 4)), 0);
  auto page = (*reader)->read_page(0);
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("shrinking.tif, page 1"), std::string::npos) << page.error().message;
}

TEST_F(HostileDecode, AFileDeletedOrReplacedAfterOpeningIsReadAsItWasOpened) {
  const fs::path path = *root_ / "vanishing.tif";
  hostile::write_file(path, originals_->g4_tiff);
  auto reader = capture::open_image(path, "vanishing.tif");
  ASSERT_TRUE(reader) << reader.error().message;
  fs::remove(path);
  hostile::write_file(path, {'n', 'o', 't', ' ', 'a', ' ', 't', 'i', 'f', 'f'});  // a new file under the old name
  auto page = (*reader)->read_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_GT(page->width, 100);
  fs::remove(path);
  auto gone = capture::open_image(path, "vanishing.tif");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_NE(gone.error().message.find("moved or deleted"), std::string::npos) << gone.error().message;
}

TEST_F(HostileDecode, LinksAndPipesAreRefusedWithoutFollowingOrBlocking) {
  auto link = capture::open_image(*root_ / "in" / "link out of the folder.tif", "link out of the folder.tif");
  ASSERT_FALSE(link);
  EXPECT_NE(link.error().message.find("symbolic link"), std::string::npos) << link.error().message;
  if (fs::exists(*root_ / "in" / "pipe.tif")) {
    auto pipe = capture::open_image(*root_ / "in" / "pipe.tif", "pipe.tif");  // would block without O_NONBLOCK
    ASSERT_FALSE(pipe);
    EXPECT_NE(pipe.error().message.find("not a regular file"), std::string::npos) << pipe.error().message;
  }
}

TEST_F(HostileDecode, LimitsFromTheConfigurationApply) {
  const fs::path path = *root_ / "limits.tif";
  hostile::write_file(path, originals_->g4_tiff);
  capture::DecodeLimits small;
  small.max_pixels = 1000;
  auto pixels = capture::open_image(path, "limits.tif", small);
  ASSERT_TRUE(pixels);  // the TIFF header is read lazily per page
  auto page = (*pixels)->read_page(0);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kTooLarge);
  capture::DecodeLimits bytes;
  bytes.max_file_bytes = 100;
  auto big = capture::open_image(path, "limits.tif", bytes);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("over the limit of 100 bytes"), std::string::npos) << big.error().message;
}

}  // namespace
}  // namespace chartroom
