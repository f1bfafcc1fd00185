// A multi-page TIFF cut off inside page 2 of 3, through the real `chartroom
// ingest`: page 1 keeps its normal path (its document goes to review because
// a page next to it is missing), page 2 is quarantined with a reason that says
// where the file ends, no page is counted blank or complete, the
// reconciliation says so, and the original file is kept, byte for byte.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/capture/damaged_files.h"
#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using test::quote;

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(DamagedIngest, ATiffCutInsidePage2QuarantinesPage2AndKeepsPage1) {
  const fs::path root = fs::temp_directory_path() / ("chartroom-damaged-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "in");
  std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::vector<testgen::Sample> samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 8);
  ASSERT_FALSE(patients.empty());
  ASSERT_FALSE(samples.empty());
  ASSERT_TRUE(testgen::write_roster_csv(patients, root / "roster.csv"));
  testgen::PageSpec spec;
  spec.patient = patients[0];
  spec.title = samples[0].title;
  for (const auto& s : samples) spec.paragraphs.insert(spec.paragraphs.end(), s.paragraphs.begin(), s.paragraphs.end());
  auto pages = testgen::render_document(spec, 3);
  ASSERT_EQ(pages.size(), 3U);
  std::vector<Image> scans;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    scans.push_back(testgen::scan(pages[i].image, {.bilevel = true}, static_cast<std::uint32_t>(i + 1)));
  }
  const fs::path whole = root / "whole.tif";
  ASSERT_TRUE(testgen::write_pages(scans, whole, testgen::Encoding::kTiffG4));
  auto bytes = read_all(whole);
  const auto where = capture::test::page_bytes(bytes);
  ASSERT_EQ(where.size(), 3U);
  bytes.resize((where[1].data_begin + where[1].data_end) / 2);  // inside page 2's image data
  const fs::path cut = root / "in" / "scan_0001.tif";
  std::ofstream(cut, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));

  const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
  const std::string store = " --store " + quote(root / "store");
  ASSERT_EQ(test::run_shell(chartroom + " patients import --create " + quote(root / "roster.csv") + store +
                            " 2>/dev/null").status, 0);
  const auto ingest = test::run_shell(chartroom + " ingest " + quote(root / "in") + store + " 2>&1");
  const auto listed = nlohmann::json::parse(test::run_shell(chartroom + " pages --json" + store).out);

  std::map<int, nlohmann::json> by_index;
  for (const auto& p : listed) {
    if (p["source"] == cut.string()) by_index[p["index"].get<int>()] = p;
  }
  ASSERT_TRUE(by_index.contains(0)) << listed.dump(1);
  ASSERT_TRUE(by_index.contains(1)) << "page 2 is missing from pages --json: " << listed.dump(1);
  EXPECT_TRUE(by_index[0]["state"] == "filed" || by_index[0]["state"] == "review") << by_index[0].dump();
  EXPECT_TRUE(by_index[0]["document"].is_string()) << by_index[0].dump();
  EXPECT_EQ(by_index[1]["state"], "quarantined") << by_index[1].dump();
  EXPECT_EQ(by_index[1]["reason"], "the file ends inside page 2 of " + cut.string() +
                                       " (this page and any pages after it are missing): the scanner may not "
                                       "have finished writing it, or the file is damaged; rescan or copy the "
                                       "file again");
  for (const auto& [index, p] : by_index) {
    EXPECT_NE(p["state"], "dropped_blank") << p.dump();
    EXPECT_FALSE(p["blank"].get<bool>()) << p.dump();
  }
  // Page 1's document is not filed as if it were whole.
  const auto documents = nlohmann::json::parse(test::run_shell(chartroom + " documents --json" + store).out);
  ASSERT_EQ(documents.size(), 1U) << documents.dump(1);
  EXPECT_EQ(documents[0]["state"], "review");
  bool says_incomplete = false;
  for (const auto& r : documents[0]["review_reasons"]) {
    says_incomplete = says_incomplete || r.get<std::string>().find("the file ends inside page 2") != std::string::npos;
  }
  EXPECT_TRUE(says_incomplete) << documents[0].dump(1);
  // The reconciliation names the page and where the file ends.
  EXPECT_NE(ingest.out.find("1 quarantined"), std::string::npos) << ingest.out;
  EXPECT_NE(ingest.out.find("the file ends inside page 2 of"), std::string::npos) << ingest.out;
  // The original is kept where it was, unchanged, and the store holds a copy.
  EXPECT_EQ(read_all(cut), bytes);
  bool copied = false;
  for (const auto& entry : fs::recursive_directory_iterator(root / "store" / "quarantine")) {
    copied = copied || (entry.is_regular_file() && read_all(entry.path()) == bytes);
  }
  EXPECT_TRUE(copied) << "no copy of the damaged file under the store's quarantine folder";
  fs::remove_all(root);
}

}  // namespace
}  // namespace chartroom
