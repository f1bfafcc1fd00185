// Never lose a page: the real `chartroom ingest` killed with SIGKILL at random
// (seeded) moments many times over, then run to the end; a store on a full
// disk (RLIMIT_FSIZE) and a read-only store (a read-only bind mount). After
// each, every page is accounted for exactly once and every filed PDF is valid.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

using test::run;
using test::slurp;
using test::spawn;
using test::wait_for;

const fs::path kChartroom = test::chartroom_executable();
const fs::path kTestpages = test::testpages_executable();

class Durability : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("chartroom-crash-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    ASSERT_EQ(run({kTestpages, "--out", (root_ / "gen").string(), "--documents", "3", "--seed", "11"},
                  root_ / "gen.log"),
              0)
        << slurp(root_ / "gen.log");
    const auto truth = nlohmann::json::parse(slurp(root_ / "gen" / "truth.json"), nullptr, false);
    ASSERT_FALSE(truth.is_discarded());
    for (const auto& document : truth["documents"]) expected_pages_ += static_cast<int>(document["pages"].size());
    ASSERT_GT(expected_pages_, 3);
    ASSERT_EQ(chartroom({"patients", "import", (root_ / "gen" / "roster.csv").string()}), 0) << log();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> ingest_args() const {
    return {kChartroom, "ingest", (root_ / "gen" / "batch").string(), "--store", store().string(), "--workers",
            "2"};
  }
  int chartroom(std::vector<std::string> args) {
    args.insert(args.begin(), kChartroom.string());
    args.insert(args.end(), {"--store", store().string()});
    return run(args, root_ / "cmd.log");
  }
  nlohmann::json json_of(const std::vector<std::string>& args) {
    std::vector<std::string> with = args;
    with.push_back("--json");
    chartroom(with);
    return nlohmann::json::parse(slurp(root_ / "cmd.log"), nullptr, false);
  }
  std::string log() const { return slurp(root_ / "cmd.log"); }
  fs::path store() const { return root_ / "store"; }

  // Every page exactly once, in a terminal state; every document's PDF valid and
  // holding exactly its pages; nothing left waiting or half-written.
  void expect_all_accounted() {
    const auto pages = json_of({"pages"});
    ASSERT_TRUE(pages.is_array()) << log();
    std::set<std::pair<std::string, int>> seen;
    std::map<std::string, int> pages_per_document;
    for (const auto& page : pages) {
      const std::pair<std::string, int> key{page["source"].get<std::string>(), page["index"].get<int>()};
      EXPECT_TRUE(seen.insert(key).second) << page.dump();
      const std::string state = page["state"];
      EXPECT_TRUE(state == "filed" || state == "review" || state == "dropped_blank" || state == "separator")
          << page.dump();
      if (page["document"].is_string()) ++pages_per_document[page["document"]];
    }
    EXPECT_EQ(static_cast<int>(seen.size()), expected_pages_);

    const auto documents = json_of({"documents"});
    ASSERT_TRUE(documents.is_array()) << log();
    EXPECT_EQ(documents.size(), pages_per_document.size());
    std::set<fs::path> pdfs;
    for (const auto& document : documents) {
      const fs::path pdf = store() / document["pdf"].get<std::string>();
      pdfs.insert(pdf);
      EXPECT_EQ(run({"/usr/bin/qpdf", "--check", pdf.string()}, root_ / "qpdf.log"), 0) << slurp(root_ / "qpdf.log");
      EXPECT_EQ(document["pages"], pages_per_document[document["id"]]) << document.dump();
    }
    // No stray or half-written PDF beside the filed ones.
    for (const auto& entry : fs::recursive_directory_iterator(store() / "documents")) {
      if (entry.is_regular_file()) {
        EXPECT_TRUE(pdfs.contains(entry.path())) << entry.path();
      }
    }
    const auto status = json_of({"status"});
    EXPECT_TRUE(status["waiting"].empty()) << status.dump();
    std::size_t left = 0;
    if (fs::exists(store() / "work" / "pages")) {
      for (const auto& entry : fs::recursive_directory_iterator(store() / "work" / "pages")) {
        left += entry.is_regular_file() ? 1 : 0;
      }
    }
    EXPECT_EQ(left, 0U) << "page PDFs left in store/work/pages after every batch was filed";
  }

  fs::path root_;
  int expected_pages_ = 0;
};

TEST_F(Durability, KilledAtRandomMomentsThenRestartedLosesAndDuplicatesNothing) {
  std::mt19937 random(20261201);  // seeded: the same moments every run
  std::uniform_int_distribution<int> delay_ms(300, 5000);
  int killed = 0;
  for (int round = 0; round < 10; ++round) {
    const pid_t pid = spawn(ingest_args(), root_ / "ingest.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_for(pid);
  }
  EXPECT_GE(killed, 5) << "the batch was ingested before most kills; the test did not test much";
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
  // And once more: everything is skipped, nothing is filed twice.
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
}

TEST_F(Durability, DiskFullGivesAClearErrorFilesNothingHalfAndResumes) {
  const int status = run(ingest_args(), root_ / "ingest.log", 48 * 1024);
  const std::string out = slurp(root_ / "ingest.log");
  EXPECT_NE(status, 0) << out;
  EXPECT_NE(out.find("run again"), std::string::npos) << out;
  // Whatever was filed before the disk filled is whole; the rest waits.
  const auto documents = json_of({"documents"});
  ASSERT_TRUE(documents.is_array()) << log();
  for (const auto& document : documents) {
    EXPECT_EQ(run({"/usr/bin/qpdf", "--check", (store() / document["pdf"].get<std::string>()).string()},
                  root_ / "qpdf.log"),
              0);
  }
  // Space comes back.
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
}

TEST_F(Durability, ReadOnlyStoreGivesAClearErrorThenResumes) {
  if (run({"/usr/bin/unshare", "--mount", "/bin/true"}, root_ / "unshare.log") != 0) {
    GTEST_SKIP() << "cannot make a mount namespace here (unshare --mount) to mount the store read-only";
  }
  ASSERT_EQ(chartroom({"status"}), 0);  // the store exists
  const std::string script = "mount --bind -o ro '" + store().string() + "' '" + store().string() + "' && exec '" +
                             kChartroom.string() + "' ingest '" + (root_ / "gen" / "batch").string() +
                             "' --store '" + store().string() + "' --workers 2";
  const int status = run({"/usr/bin/unshare", "--mount", "/bin/sh", "-c", script}, root_ / "ingest.log");
  const std::string out = slurp(root_ / "ingest.log");
  EXPECT_NE(status, 0) << out;
  EXPECT_NE(out.find("Read-only file system"), std::string::npos) << out;
  EXPECT_NE(out.find(store().string()), std::string::npos) << out;
  const auto documents = json_of({"documents"});
  ASSERT_TRUE(documents.is_array());
  EXPECT_TRUE(documents.empty());
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
}

}  // namespace
}  // namespace chartroom
