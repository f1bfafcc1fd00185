// `chartroom ingest --timings` through the real executable, on a few
// generated scanned pages: the report says where the time went, stage by
// stage, and its figures are ones the run could have spent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using test::quote;

std::string chartroom_command() {
  return quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
}

// A new store in `root` with the roster there imported: its --store argument.
std::string new_store(const fs::path& root, const std::string& name) {
  const std::string store = " --store " + quote(root / name);
  EXPECT_EQ(test::run_shell(chartroom_command() + " patients import --create " + quote(root / "roster.csv") +
                            store + " 2>/dev/null")
                .status,
            0);
  return store;
}

TEST(TimingsIngest, EveryStageIsReportedAndAddsUpToNoMoreThanTheRunHad) {
  const fs::path root = fs::temp_directory_path() / ("chartroom-timings-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "in");
  std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::vector<testgen::Sample> samples =
      testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 4);
  ASSERT_GE(patients.size(), 2U);
  ASSERT_GE(samples.size(), 2U);
  ASSERT_TRUE(testgen::write_roster_csv(patients, root / "roster.csv"));
  // Two documents: a G4 TIFF of up to two pages, and one gray page as PNG.
  int pages = 0;
  for (std::size_t d = 0; d < 2; ++d) {
    testgen::PageSpec spec;
    spec.patient = patients[d];
    spec.title = samples[d].title;
    spec.paragraphs = samples[d].paragraphs;
    const int count = d == 0 ? 2 : 1;
    std::vector<Image> scans;
    for (const testgen::RenderedPage& page : testgen::render_document(spec, count)) {
      scans.push_back(testgen::scan(page.image, {.skew_degrees = 0.7, .noise_sigma = 4, .bilevel = d == 0},
                                    static_cast<std::uint32_t>(10 + scans.size())));
    }
    pages += static_cast<int>(scans.size());
    ASSERT_TRUE(testgen::write_pages(scans, root / "in" / (d == 0 ? "note_0001.tif" : "visit.png"),
                                     d == 0 ? testgen::Encoding::kTiffG4 : testgen::Encoding::kPng));
  }

  const std::string chartroom = chartroom_command();
  const std::string store = new_store(root, "store");

  // --json: the timings in the report.
  const auto json_run = test::run_shell(chartroom + " ingest " + quote(root / "in") + store +
                                        " --workers 2 --timings --json 2>/dev/null");
  ASSERT_EQ(json_run.status, 0) << json_run.out;
  const auto report = nlohmann::json::parse(json_run.out);
  ASSERT_TRUE(report.contains("timings")) << report.dump(2);
  const auto& t = report["timings"];
  EXPECT_EQ(t["workers"], 2);
  EXPECT_EQ(t["pages_timed"], pages);
  const double wall = t["wall_seconds"];
  EXPECT_GT(wall, 0);
  double on_workers = 0;
  double on_reader = 0;
  for (const char* stage : {"decode", "clean", "ocr", "classify", "assemble", "commit", "wait_store",
                            "wait_pages", "wait_workers"}) {
    ASSERT_TRUE(t["stages"].contains(stage)) << stage << " missing: " << t.dump(2);
    const auto& s = t["stages"][stage];
    EXPECT_GE(s["worker_seconds"].get<double>(), 0) << stage;
    EXPECT_GE(s["reader_seconds"].get<double>(), 0) << stage;
    on_workers += s["worker_seconds"].get<double>();
    on_reader += s["reader_seconds"].get<double>();
  }
  // Each thread's stages are measured one after another, never nested: the
  // workers cannot have spent more than they had, nor can the reader thread.
  // (0.01 s: each figure is rounded to a millisecond.)
  EXPECT_LE(on_workers, 2 * wall + 0.01) << t.dump(2);
  EXPECT_LE(on_reader, wall + 0.01) << t.dump(2);
  EXPECT_GT(t["stages"]["ocr"]["worker_seconds"].get<double>(), 0) << t.dump(2);
  EXPECT_GT(t["stages"]["ocr"]["p95_ms"].get<double>(), 0) << t.dump(2);
  EXPECT_GT(t["stages"]["decode"]["reader_seconds"].get<double>(), 0) << t.dump(2);
  EXPECT_GT(t["stages"]["clean"]["worker_seconds"].get<double>(), 0) << t.dump(2);
  EXPECT_TRUE(t["stages"]["classify"]["p95_ms"].is_null());  // a per-batch stage has no per-page percentile
  EXPECT_NEAR(report["ocr_seconds"].get<double>(), t["stages"]["ocr"]["worker_seconds"].get<double>(), 0.06);

  // The table in plain words, on a fresh store.
  const std::string store2 = new_store(root, "store2");
  const auto table_run =
      test::run_shell(chartroom + " ingest " + quote(root / "in") + store2 + " --timings 2>/dev/null");
  ASSERT_EQ(table_run.status, 0) << table_run.out;
  for (const char* row :
       {"Where the time went", "decode", "clean", "OCR", "classify", "assemble PDFs", "commit",
        "waiting for the store", "waiting for pages", "waiting for workers", "p95 ms", "Second readings"}) {
    EXPECT_NE(table_run.out.find(row), std::string::npos) << row << " missing from:\n" << table_run.out;
  }
  // Without --timings the plain report has no table.
  const auto plain = test::run_shell(chartroom + " ingest " + quote(root / "in") + store2 + " 2>/dev/null");
  EXPECT_EQ(plain.out.find("Where the time went"), std::string::npos) << plain.out;
  fs::remove_all(root);
}

// Faint toner thresholded by a G4 scanner into broken letters, which
// despeckling breaks further: the first reading is garbage (on this page,
// character error 0.92; 0.03 after the second reading), so the page is
// cleaned and read once more with its strokes closed, the better reading is
// kept, the page says so, and --timings counts it. The clean page beside it
// is read once.
TEST(TimingsIngest, AFaintG4PageIsReadAgainWithItsStrokesClosed) {
  const fs::path root = fs::temp_directory_path() / ("chartroom-strokes-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "in");
  std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::vector<testgen::Sample> samples =
      testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 3);
  ASSERT_FALSE(patients.empty());
  ASSERT_FALSE(samples.empty());
  ASSERT_TRUE(testgen::write_roster_csv(patients, root / "roster.csv"));
  testgen::PageSpec spec;
  spec.patient = patients[2];
  spec.title = samples.back().title;
  spec.paragraphs = samples.back().paragraphs;
  const std::vector<testgen::RenderedPage> rendered = testgen::render_document(spec, 2);
  ASSERT_EQ(rendered.size(), 2U);
  const testgen::ScanDefects clean{.skew_degrees = 0.7, .noise_sigma = 4, .bilevel = true};
  // Ink just darker than the scanner's threshold, with noise: about half of
  // each stroke's pixels fall on the paper side.
  const testgen::ScanDefects faint{.skew_degrees = 1.0, .noise_sigma = 25, .bilevel = true, .ink = 125};
  ASSERT_TRUE(testgen::write_pages(
      {testgen::scan(rendered[0].image, clean, 11), testgen::scan(rendered[1].image, faint, 3)},
      root / "in" / "faint.tif", testgen::Encoding::kTiffG4));

  const std::string chartroom = chartroom_command();
  const std::string store = new_store(root, "store");
  const auto run =
      test::run_shell(chartroom + " ingest " + quote(root / "in") + store + " --timings --json 2>/dev/null");
  ASSERT_EQ(run.status, 0) << run.out;
  const auto report = nlohmann::json::parse(run.out);
  const auto& again = report["timings"]["second_readings"];
  EXPECT_EQ(again["strokes_closed"], 1) << again.dump();
  EXPECT_EQ(again["strokes_closed_kept"], 1) << again.dump();

  const auto pages = test::run_shell(chartroom + " pages --json" + store + " 2>/dev/null");
  ASSERT_EQ(pages.status, 0) << pages.out;
  const auto rows = nlohmann::json::parse(pages.out);
  ASSERT_EQ(rows.size(), 2U) << rows.dump(2);
  const auto& second = rows[1]["index"] == 1 ? rows[1] : rows[0];
  ASSERT_EQ(second["index"], 1);
  ASSERT_TRUE(second["document"].is_string()) << second.dump(2);
  ASSERT_TRUE(second["reason"].is_string()) << second.dump(2);
  EXPECT_NE(second["reason"].get<std::string>().find("read again with their strokes closed"),
            std::string::npos)
      << second.dump(2);
  const auto shown = test::run_shell(chartroom + " show " + second["document"].get<std::string>() +
                                     " --text --json" + store + " 2>/dev/null");
  ASSERT_EQ(shown.status, 0) << shown.out;
  const auto text = nlohmann::json::parse(shown.out)["text"];
  const int pdf_page = second["pdf_page"];
  ASSERT_GE(pdf_page, 1);
  ASSERT_LE(pdf_page, static_cast<int>(text.size()));
  const std::string read = text[static_cast<std::size_t>(pdf_page - 1)];
  EXPECT_LT(testgen::character_error_rate(rendered[1].ground_truth, read), 0.1) << read;
  fs::remove_all(root);
}

}  // namespace
}  // namespace chartroom
