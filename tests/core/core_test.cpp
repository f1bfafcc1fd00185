#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

namespace chartroom {
namespace {

TEST(Core, SniffsFormatsByContentNotName) {
  auto sniff = [](std::string bytes) {
    return sniff_format(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  };
  EXPECT_EQ(sniff(std::string("II*\0", 4)), FileFormat::kTiff);
  EXPECT_EQ(sniff(std::string("MM\0*", 4)), FileFormat::kTiff);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1a\n"), FileFormat::kPng);
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE0"), FileFormat::kJpeg);
  EXPECT_EQ(sniff("%PDF-1.7"), FileFormat::kPdf);
  EXPECT_EQ(sniff("hello"), FileFormat::kUnknown);
  EXPECT_EQ(sniff(""), FileFormat::kUnknown);
}

TEST(Core, AtomicWriteReplacesContentAndLeavesNoTemp) {
  const auto dir = std::filesystem::temp_directory_path() / ("chartroom-core-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "f.bin";
  const std::vector<std::uint8_t> a = {1, 2, 3};
  const std::vector<std::uint8_t> b = {4, 5};
  ASSERT_TRUE(write_file_atomic(path, a));
  ASSERT_TRUE(write_file_atomic(path, b));
  EXPECT_EQ(std::filesystem::file_size(path), 2U);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  auto bad = write_file_atomic(dir / "missing" / "x", a);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kIo);
  std::filesystem::remove_all(dir);
}

// What is hashed is what is decoded: an opened file keeps reading the bytes
// it opened when its name is replaced, and a rewrite shows in its identity.
TEST(Core, OpenedFileReadsWhatItOpenedAndSeesItChange) {
  const auto dir = std::filesystem::temp_directory_path() / ("chartroom-opened-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / "scan.tif";
  const auto bytes = [](std::string_view text) { return std::vector<std::uint8_t>(text.begin(), text.end()); };
  ASSERT_TRUE(write_file_atomic(path, bytes("first version")));
  auto file = OpenedFile::open(path, "scan.tif");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->size(), 13U);
  EXPECT_EQ(file->display_name(), "scan.tif");

  ASSERT_TRUE(write_file_atomic(path, bytes("second, longer version")));  // replaced under its name
  auto read = file->read_at(0, 100);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, bytes("first version"));
  auto again = OpenedFile::open(path, "scan.tif");
  ASSERT_TRUE(again);
  EXPECT_NE(again->identity(), file->identity());

  { std::ofstream(path, std::ios::app) << "!"; }  // rewritten in place: same inode, new size
  auto rewritten = OpenedFile::open(path, "scan.tif");
  ASSERT_TRUE(rewritten);
  EXPECT_EQ(rewritten->identity().inode, again->identity().inode);
  EXPECT_NE(rewritten->identity(), again->identity());

  std::filesystem::create_symlink(path, dir / "link.tif");
  auto link = OpenedFile::open(dir / "link.tif", "link.tif");
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(link.error().message.find("link.tif: is a symbolic link"), std::string::npos) << link.error().message;
  auto folder = OpenedFile::open(dir, "a folder");
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("not a regular file"), std::string::npos) << folder.error().message;
  auto missing = OpenedFile::open(dir / "gone.tif", "gone.tif");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("moved or deleted"), std::string::npos) << missing.error().message;
  std::filesystem::remove_all(dir);
}

TEST(Core, PageStatesRoundTripAndTerminalOnesAreKnown) {
  for (PageState s : {PageState::kReceived, PageState::kFiled, PageState::kReview, PageState::kQuarantined,
                      PageState::kDroppedBlank, PageState::kSeparator}) {
    EXPECT_EQ(parse_page_state(page_state_name(s)), s);
  }
  EXPECT_TRUE(is_terminal(PageState::kDroppedBlank));
  EXPECT_FALSE(is_terminal(PageState::kRead));
}

TEST(Core, BlankImageIsWhiteInEveryFormat) {
  Image bw = Image::blank(10, 2, PixelFormat::kGray1, 300);
  EXPECT_EQ(bw.stride, 2);
  EXPECT_EQ(bw.pixels[0], 0);
  Image gray = Image::blank(10, 2, PixelFormat::kGray8, 300);
  EXPECT_EQ(gray.pixels[0], 255);
}

}  // namespace
}  // namespace chartroom
