#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "scanners/scanners.h"

namespace chartroom::scanners {
namespace {

namespace fs = std::filesystem;

class ScannersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("chartroom-scanners-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "scans" / "clinic");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const fs::path& path, std::string_view bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  fs::path root_;
};

const std::string kPng = "\x89PNG\r\n\x1a\n....";
const std::string kTiff = std::string("II*\0", 4) + "....";
const std::string kPdf = "%PDF-1.7\n....";

TEST(NaturalOrder, ComparesDigitRunsByValue) {
  EXPECT_TRUE(natural_less("page2.png", "page10.png"));
  EXPECT_FALSE(natural_less("page10.png", "page2.png"));
  EXPECT_TRUE(natural_less("a.png", "B.png"));
  EXPECT_TRUE(natural_less("p007", "p8"));
}

TEST_F(ScannersTest, FolderOfImagesIsOneBatchInNaturalOrder) {
  const fs::path clinic = root_ / "scans" / "clinic";
  write(clinic / "page10.png", kPng);
  write(clinic / "page2.png", kPng);
  write(clinic / "page1.jpg", "\xFF\xD8\xFF\xE0....");
  write(clinic / "single.tif", kTiff);
  write(clinic / "scan_one.pdf", kPdf);
  write(root_ / "scans" / "big.tif", kTiff);
  write(root_ / "scans" / "big.pdf", kPdf);
  write(root_ / "scans" / "notes.txt", "hello");
  write(root_ / "scans" / ".DS_Store", "x");

  CollectOptions options;
  options.page_count = [](const fs::path& p) { return p.stem() == "big" ? 12 : 1; };
  const std::string given = (root_ / "scans").string() + "/";
  auto got = collect_batches({given}, options);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->batches.size(), 4U);  // big.pdf, big.tif, notes.txt (to be quarantined), clinic/
  EXPECT_EQ(got->batches[0].files[0].source, (root_ / "scans" / "big.pdf").string());
  EXPECT_EQ(got->batches[1].files[0].source, (root_ / "scans" / "big.tif").string());
  EXPECT_EQ(got->batches[2].files[0].source, (root_ / "scans" / "notes.txt").string());
  const Batch& images = got->batches[3];
  ASSERT_EQ(images.files.size(), 5U);
  EXPECT_EQ(images.files[0].path.filename(), "page1.jpg");
  EXPECT_EQ(images.files[1].path.filename(), "page2.png");
  EXPECT_EQ(images.files[2].path.filename(), "page10.png");
  EXPECT_EQ(images.files[3].path.filename(), "scan_one.pdf");
  EXPECT_EQ(images.files[4].path.filename(), "single.tif");
  EXPECT_EQ(images.files[1].source, (root_ / "scans" / "clinic" / "page2.png").string());
  ASSERT_EQ(got->ignored.size(), 1U);
}

TEST_F(ScannersTest, SymlinksAreRejectedNotFollowed) {
  write(root_ / "outside.png", kPng);
  fs::create_symlink(root_ / "outside.png", root_ / "scans" / "link.png");
  auto got = collect_batches({root_ / "scans"}, {});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->rejected.size(), 1U);
  EXPECT_NE(got->rejected[0].reason.find("symbolic link"), std::string::npos);
  EXPECT_TRUE(got->batches.empty());
}

TEST_F(ScannersTest, AFileGivenByNameIsOneBatch) {
  write(root_ / "one.tif", kTiff);
  auto got = collect_batches({root_ / "one.tif"}, {});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->batches.size(), 1U);
  EXPECT_EQ(got->batches[0].files[0].source, (root_ / "one.tif").string());
}

TEST_F(ScannersTest, MissingInputIsAClearError) {
  auto got = collect_batches({root_ / "nope"}, {});
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("no such file or folder"), std::string::npos);
}

}  // namespace
}  // namespace chartroom::scanners
