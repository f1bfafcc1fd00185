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

#include "tests/app/durability_fixture.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

using durability::Durability;
using durability::kChartroom;
using durability::kTestpages;
namespace fs = std::filesystem;
using test::run;
using test::slurp;
using test::spawn;
using test::wait_for;

TEST_F(Durability, KilledAtRandomMomentsThenRestartedLosesAndDuplicatesNothing) {
  std::mt19937 random(20261201);  // seeded: the same moments every run
  std::uniform_int_distribution<int> delay_ms(300, 5000);
  int killed = 0;
  // Random kills often land while the same first pages are read: a kill -9
  // is never held against a page, so even at the lowest limit none is given
  // up (expect_all_accounted allows no quarantined page).
  const std::string config = "[limits]\nocr_attempts_per_page = 1\n";
  for (int round = 0; round < 10; ++round) {
    const pid_t pid = spawn(ingest_args(config), root_ / "ingest.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_for(pid);
  }
  EXPECT_GE(killed, 5) << "the batch was ingested before most kills; the test did not test much";
  ASSERT_EQ(run(ingest_args(config), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
  // And once more: everything is skipped, nothing is filed twice.
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
}

// A page that kills the run each time it is read (a crash or a hang inside
// Tesseract, then a restart by systemd) is given up after [limits]
// ocr_attempts_per_page runs: quarantined with the reason, while the rest of
// the batch is filed and every page is still accounted for once. The run dies
// of SIGABRT, as a Tesseract assertion or systemd's watchdog ends it (the test
// above shows that kill -9 counts for nothing).
TEST_F(Durability, APageThatKeepsKillingTheRunIsQuarantinedAfterTheLimit) {
  const std::string config = "[limits]\nocr_attempts_per_page = 2\n";
  std::string victim;  // file_hash:page of the page read when the run died
  for (int attempt = 1; attempt <= 2; ++attempt) {
    // One worker: a signal from outside names every page in OCR, here one.
    const pid_t pid = spawn(ingest_args(config, 1), root_ / "ingest.log");
    const std::string found = page_being_read(attempt, victim);  // the abort lands during its OCR
    ::kill(pid, SIGABRT);
    wait_for(pid);
    ASSERT_FALSE(found.empty()) << "no page was caught while being read (attempt " << attempt << ")\n"
                                << slurp(root_ / "ingest.log");
    victim = found;
  }
  ASSERT_EQ(run(ingest_args(config), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");

  const auto pages = json_of({"pages"});
  ASSERT_TRUE(pages.is_array()) << log();
  EXPECT_EQ(static_cast<int>(pages.size()), expected_pages_);
  int quarantined = 0;
  for (const auto& page : pages) {
    const std::string state = page["state"];
    if (state != "quarantined") {
      EXPECT_TRUE(state == "filed" || state == "review" || state == "dropped_blank") << page.dump();
      continue;
    }
    ++quarantined;
    const std::string reason = page["reason"];
    EXPECT_NE(reason.find("chartroom died 2 times while reading this page"), std::string::npos) << reason;
    EXPECT_EQ(std::to_string(page["index"].get<int>()), victim.substr(victim.find(':') + 1)) << page.dump();
  }
  EXPECT_EQ(quarantined, 1) << pages.dump(1);
  const std::string where = " FROM page_work WHERE file_hash || ':' || page = '" + victim + "'";
  EXPECT_EQ(query("SELECT ocr_attempts" + where), "3");
  EXPECT_EQ(query("SELECT ocr_crashes" + where), "2");
}

// Ctrl-C during a migration: the pages being read finish and are kept, the run
// ends saying how to go on, and the same command resumes without reading them
// again (an interruption is not held against a page as a failed attempt).
TEST_F(Durability, CtrlCFinishesThePagesBeingReadAndTheRerunResumes) {
  // More batches than the pages in flight, so that some are not started yet.
  fs::remove_all(root_ / "gen");
  ASSERT_EQ(run({kTestpages, "--out", (root_ / "gen").string(), "--documents", "8", "--seed", "12"},
                root_ / "gen.log"),
            0)
      << slurp(root_ / "gen.log");
  ASSERT_EQ(chartroom({"patients", "import", (root_ / "gen" / "roster.csv").string(), "--create"}), 0) << log();
  const auto truth = nlohmann::json::parse(slurp(root_ / "gen" / "truth.json"), nullptr, false);
  expected_pages_ = 0;
  for (const auto& document : truth["documents"]) expected_pages_ += static_cast<int>(document["pages"].size());
  ASSERT_GE(truth["documents"].size(), 8U);

  const pid_t pid = spawn(ingest_args(), root_ / "ingest.log");
  const std::string reading = page_being_read(1);
  ::kill(pid, SIGINT);
  const int status = wait_for(pid);
  ASSERT_FALSE(reading.empty()) << "no page was caught while being read\n" << slurp(root_ / "ingest.log");
  const std::string out = slurp(root_ / "ingest.log");
  EXPECT_EQ(status, 1) << out;  // not everything is done yet
  EXPECT_NE(out.find("stopping after the pages being read"), std::string::npos) << out;
  EXPECT_NE(out.find("not started because chartroom was stopped; run again to continue"), std::string::npos) << out;
  const std::string where = " FROM page_work WHERE file_hash || ':' || page = '" + reading + "'";
  const std::string state = query("SELECT state" + where);
  EXPECT_TRUE(state == "read" || state == "classified" || state == "filed" || state == "review") << state;

  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  expect_all_accounted();
  EXPECT_EQ(query("SELECT ocr_attempts" + where), "1") << "the page finished before the stop was read again";
  // Pages read before the stop come back from the store with the words of
  // their identifier lines, so their MRNs are located like those read now.
  int located = 0;
  for (const auto& document : json_of({"documents"})) {
    const auto shown = json_of({"show", document["id"].get<std::string>()});
    for (const auto& id : shown["evidence"]["identifiers"]) {
      if (id["kind"] != "mrn" || id["barcode"] == true) continue;
      EXPECT_GT(id["box"]["width"].get<int>(), 0) << document["id"] << " " << id.dump();
      EXPECT_GT(id["box"]["height"].get<int>(), 0) << document["id"] << " " << id.dump();
      ++located;
    }
  }
  EXPECT_GT(located, 0);
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
