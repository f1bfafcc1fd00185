// FolderTracker: the completeness rules, batch rules and duplex order, with
// real files and an explicit clock (mtimes are set, not waited for).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "scanners/scanners.h"

namespace chartroom::scanners {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

const std::string kPng = "\x89PNG\r\n\x1a\n....";

class WatchRules : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("chartroom-watch-rules-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& path, std::string_view bytes, Clock::time_point mtime) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
    fs::last_write_time(path, std::chrono::file_clock::from_sys(mtime));
  }
  ScannerProfile profile(CompleteRule complete, BatchRule batch = BatchRule::kFile) const {
    ScannerProfile p;
    p.name = "test";
    p.folder = root_;
    p.complete = complete;
    p.batch = batch;
    p.stable_seconds = 10;
    return p;
  }
  fs::path root_;
};

TEST_F(WatchRules, StableWaitsUntilNothingChangedForTheWholePeriod) {
  FolderTracker tracker(profile(CompleteRule::kStable));
  const auto t0 = Clock::now();
  write(root_ / "a.png", kPng, t0);
  EXPECT_TRUE(tracker.poll(t0 + 1s).empty());
  EXPECT_EQ(tracker.waiting(), 1);
  write(root_ / "a.png", "more", t0 + 8s);  // still growing
  EXPECT_TRUE(tracker.poll(t0 + 9s).empty());
  EXPECT_TRUE(tracker.poll(t0 + 15s).empty());  // unchanged since 9 s: only 6 s
  auto ready = tracker.poll(t0 + 20s);
  ASSERT_EQ(ready.size(), 1U);
  EXPECT_EQ(ready[0].batch.files.at(0).path, root_ / "a.png");
  EXPECT_TRUE(tracker.poll(t0 + 30s).empty());  // handed out once
  EXPECT_EQ(tracker.waiting(), 0);
}

TEST_F(WatchRules, MarkerAndRename) {
  const auto t0 = Clock::now();
  FolderTracker marker(profile(CompleteRule::kMarker));
  write(root_ / "a.png", kPng, t0 - 1h);
  EXPECT_TRUE(marker.poll(t0).empty());  // old and stable, but no marker
  write(root_ / "a.png.done", "", t0);
  auto ready = marker.poll(t0);
  ASSERT_EQ(ready.size(), 1U);
  EXPECT_EQ(ready[0].markers, std::vector<fs::path>{root_ / "a.png.done"});

  fs::remove_all(root_);
  fs::create_directories(root_);
  FolderTracker rename(profile(CompleteRule::kRename));
  write(root_ / "b.png.part", kPng, t0);
  write(root_ / ".c.png", kPng, t0);
  EXPECT_TRUE(rename.poll(t0).empty());
  fs::rename(root_ / "b.png.part", root_ / "b.png");
  ready = rename.poll(t0);
  ASSERT_EQ(ready.size(), 1U);
  EXPECT_EQ(ready[0].batch.files.at(0).path, root_ / "b.png");
}

TEST_F(WatchRules, FolderBatchClosesAfterAQuietPeriodInFrontsThenBacksOrder) {
  ScannerProfile p = profile(CompleteRule::kStable, BatchRule::kFolder);
  p.duplex = DuplexOrder::kFrontsThenReversedBacks;
  FolderTracker tracker(p);
  const auto t0 = Clock::now();
  for (int i = 1; i <= 3; ++i) write(root_ / "visit" / ("p" + std::to_string(i) + ".png"), kPng, t0 + std::chrono::seconds(i));
  EXPECT_TRUE(tracker.poll(t0 + 4s).empty());
  write(root_ / "visit" / "p4.png", kPng, t0 + 12s);  // another page arrives
  EXPECT_TRUE(tracker.poll(t0 + 13s).empty());
  EXPECT_TRUE(tracker.poll(t0 + 20s).empty());
  auto ready = tracker.poll(t0 + 30s);
  ASSERT_EQ(ready.size(), 1U);
  std::vector<std::string> names;
  for (const InputFile& f : ready[0].batch.files) names.push_back(f.path.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"p1.png", "p4.png", "p2.png", "p3.png"}));
}

}  // namespace
}  // namespace chartroom::scanners
