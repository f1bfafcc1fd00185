// A scanner's file name used again for new content (a counter reset, the next
// box of a migration mounted at the same path), through the real `chartroom`:
// the store keeps the pages of both contents, and the first content, arriving
// again under another name, is never filed a second time: not by `ingest`,
// not by `reprocess`. Pages are keyed by content, and each name the content
// was seen under is kept as history (`pages --json` also_seen_as).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using test::quote;

std::vector<nlohmann::json> pages_of(const nlohmann::json& pages, const fs::path& source) {
  std::vector<nlohmann::json> out;
  for (const auto& p : pages) {
    if (p["source"] == source.string()) out.push_back(p);
  }
  return out;
}

TEST(ReusedFileName, KeepsBothContentsPagesAndFilesNeitherTwice) {
  const fs::path root = fs::temp_directory_path() / ("chartroom-reused-name-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "in");
  std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::vector<testgen::Sample> samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 4);
  ASSERT_GE(patients.size(), 2U);
  ASSERT_GE(samples.size(), 2U);
  ASSERT_TRUE(testgen::write_roster_csv(patients, root / "roster.csv"));
  auto page_of = [&](std::size_t k, int seed) {
    testgen::PageSpec spec;
    spec.patient = patients[k];
    spec.title = samples[k].title;
    spec.paragraphs = samples[k].paragraphs;
    return testgen::scan(testgen::render_page(spec).image, {.noise_sigma = 3, .bilevel = true}, seed);
  };
  const fs::path first = root / "first.tif";
  const fs::path second = root / "second.tif";
  ASSERT_TRUE(testgen::write_pages({page_of(0, 1)}, first, testgen::Encoding::kTiffG4));
  ASSERT_TRUE(testgen::write_pages({page_of(1, 2)}, second, testgen::Encoding::kTiffG4));

  const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
  const std::string store = " --store " + quote(root / "store");
  auto sh = [&](const std::string& args) { return test::run_shell(chartroom + " " + args + store + " 2>&1"); };
  auto json = [&](const std::string& args) {
    return nlohmann::json::parse(test::run_shell(chartroom + " " + args + " --json" + store + " 2>/dev/null").out);
  };
  ASSERT_EQ(sh("patients import --create " + quote(root / "roster.csv")).status, 0);

  // The scanner writes scan_0001.tif; later, after a counter reset, a new
  // scan_0001.tif with other pages.
  const fs::path reused = root / "in" / "scan_0001.tif";
  fs::copy_file(first, reused);
  auto ingest = sh("ingest " + quote(root / "in"));
  ASSERT_EQ(ingest.status, 0) << ingest.out;
  fs::copy_file(second, reused, fs::copy_options::overwrite_existing);
  ingest = sh("ingest " + quote(root / "in"));
  ASSERT_EQ(ingest.status, 0) << ingest.out;

  auto pages = json("pages");
  auto under_reused = pages_of(pages, reused);
  ASSERT_EQ(under_reused.size(), 2U) << pages.dump(1);
  EXPECT_NE(under_reused[0]["file_hash"], under_reused[1]["file_hash"]);
  for (const auto& p : under_reused) EXPECT_TRUE(p["document"].is_string()) << p.dump();
  EXPECT_NE(under_reused[0]["document"], under_reused[1]["document"]);
  const auto documents = json("documents");
  ASSERT_EQ(documents.size(), 2U) << documents.dump(1);

  // The first content comes back under another name (the box scanned again,
  // or copied): skipped by ingest, left where it is by reprocess.
  const fs::path again = root / "in" / "scan_0002.tif";
  fs::copy_file(first, again);
  const auto report = json("ingest " + quote(root / "in"));
  EXPECT_EQ(report["files_already_ingested"], 2) << report.dump(1);
  auto reprocess = sh("reprocess " + quote(again));
  EXPECT_EQ(reprocess.status, 0) << reprocess.out;
  EXPECT_EQ(json("documents").size(), 2U) << "a content filed once was filed again";

  pages = json("pages");
  EXPECT_EQ(pages.size(), 2U) << pages.dump(1);  // one page per content, however many names it had
  EXPECT_TRUE(pages_of(pages, again).empty());
  bool history = false;
  for (const auto& p : pages_of(pages, reused)) {
    for (const auto& name : p["also_seen_as"]) history = history || name == again.string();
  }
  EXPECT_TRUE(history) << "the second name of the first content is not kept: " << pages.dump(1);
  fs::remove_all(root);
}

}  // namespace
}  // namespace chartroom
