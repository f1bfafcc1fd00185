// The fixture of the durability tests (crash_test.cpp, decision_crash_test.cpp):
// a generated batch and its roster in a fresh folder, the real executables,
// and the check that every page is accounted for exactly once.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace chartroom::durability {

namespace fs = std::filesystem;

using test::run;
using test::slurp;
using test::spawn;
using test::wait_for;

inline const fs::path kChartroom = test::chartroom_executable();
inline const fs::path kTestpages = test::testpages_executable();

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
    ASSERT_EQ(chartroom({"patients", "import", (root_ / "gen" / "roster.csv").string(), "--create"}), 0) << log();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> ingest_args(const std::string& config = "", int workers = 2) const {
    std::vector<std::string> args{kChartroom, "ingest", (root_ / "gen" / "batch").string(), "--store",
                                  store().string(), "--workers", std::to_string(workers)};
    if (!config.empty()) {
      std::ofstream(root_ / "chartroom.toml") << config;
      args.insert(args.end(), {"--config", (root_ / "chartroom.toml").string()});
    }
    return args;
  }
  // One value from the store's database, read beside the running ingest (WAL
  // lets a reader in); "" until there is one.
  std::string query(const std::string& sql) {
    if (run({"/usr/bin/sqlite3", (store() / "chartroom.db").string(), sql}, root_ / "query.log") != 0) return "";
    std::string out = slurp(root_ / "query.log");
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  // "file_hash:page" of a page being read by the `attempt`-th run to start it
  // (its attempt is committed just before OCR starts, and OCR takes seconds),
  // as soon as there is one; "" after 30 s. `only` narrows it to that page.
  std::string page_being_read(int attempt, const std::string& only = "") {
    const std::string sql = "SELECT file_hash || ':' || page FROM page_work WHERE state = 'cleaned' AND "
                            "ocr_attempts = " + std::to_string(attempt) +
                            (only.empty() ? "" : " AND file_hash || ':' || page = '" + only + "'") + " LIMIT 1";
    std::string found;
    for (int i = 0; i < 3000 && found.empty(); ++i) {
      found = query(sql);
      if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return found;
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

}  // namespace chartroom::durability
