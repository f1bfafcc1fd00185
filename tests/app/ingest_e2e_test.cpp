// End to end: generated scans through the real `chartroom` executable, real
// Tesseract, real SQLite and real PDFs, checked with qpdf and pdftotext.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

using test::quote;
using CommandRun = test::ShellRun;

CommandRun run(const std::string& command) { return test::run_shell(command + " 2>/dev/null"); }

struct Truth {
  std::string text;
  std::string mrn;
};

class IngestEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("chartroom-e2e-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_ / "batch" / "clinic_scan");
    truth_ = new std::map<std::string, Truth>();
    make_batch();
    const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
    const std::string store = " --store " + quote(*root_ / "store");
    ASSERT_EQ(run(chartroom + " patients import --create " + quote(*root_ / "roster.csv") + store).status, 0);
    ingest_ = new CommandRun(run(chartroom + " ingest " + quote(*root_ / "batch") + store + " --workers 2"));
    pages_ = new nlohmann::json(nlohmann::json::parse(run(chartroom + " pages --json" + store).out));
    documents_ = new nlohmann::json(nlohmann::json::parse(run(chartroom + " documents --json" + store).out));
    ready_ = true;
  }
  // GoogleTest reports a failed suite set-up as skipped tests; make it a failure.
  void SetUp() override { ASSERT_TRUE(ready_) << "making or ingesting the test batch failed; see above"; }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete truth_;
    delete ingest_;
    delete pages_;
    delete documents_;
  }

  static std::string chartroom() { return quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom"); }
  static std::string store() { return " --store " + quote(*root_ / "store"); }

  static void make_batch() {
    std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
    std::vector<testgen::Sample> samples =
        testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 40);
    ASSERT_GE(patients.size(), 4U);
    ASSERT_GE(samples.size(), 3U);
    // The last patient is left out of the index: their document must go to review.
    ASSERT_TRUE(testgen::write_roster_csv({patients.begin(), patients.end() - 1}, *root_ / "roster.csv"));

    auto spec = [&](std::size_t patient, std::size_t sample) {
      testgen::PageSpec s;
      s.patient = patients[patient];
      s.title = samples[sample].title;
      s.paragraphs = samples[sample].paragraphs;
      return s;
    };

    // Document A: a two-page G4 TIFF, slightly skewed both ways, plus a blank back side.
    testgen::PageSpec long_note = spec(0, 0);
    for (std::size_t i = 3; i < samples.size() && long_note.paragraphs.size() < 60; ++i) {
      long_note.paragraphs.insert(long_note.paragraphs.end(), samples[i].paragraphs.begin(),
                                  samples[i].paragraphs.end());
    }
    auto a = testgen::render_document(long_note, 2);
    ASSERT_EQ(a.size(), 2U);
    std::vector<Image> a_scans = {
        testgen::scan(a[0].image, {.skew_degrees = 1.0, .noise_sigma = 4, .bilevel = true}, 1),
        testgen::scan(a[1].image, {.skew_degrees = -0.8, .noise_sigma = 4, .bilevel = true}, 2),
        testgen::scan(testgen::render_blank_page(3).image, {.bilevel = true}, 3)};
    const fs::path a_path = *root_ / "batch" / "discharge_0001.tif";
    ASSERT_TRUE(testgen::write_pages(a_scans, a_path, testgen::Encoding::kTiffG4));
    (*truth_)[a_path.string() + "#0"] = {a[0].ground_truth, patients[0].mrn};
    (*truth_)[a_path.string() + "#1"] = {a[1].ground_truth, patients[0].mrn};

    // Document B: a folder of single-page images, gray, one upside down.
    auto b = testgen::render_document(spec(1, 1), 1);
    const fs::path b1 = *root_ / "batch" / "clinic_scan" / "page1.png";
    ASSERT_TRUE(testgen::write_pages({testgen::scan(b[0].image, {.skew_degrees = 2.0, .background = 235}, 4)}, b1,
                                     testgen::Encoding::kPng));
    (*truth_)[b1.string() + "#0"] = {b[0].ground_truth, patients[1].mrn};

    // Document C: JPEG-in-TIFF for a patient who is not in the index.
    auto c = testgen::render_document(spec(patients.size() - 1, 2), 1);
    const fs::path c_path = *root_ / "batch" / "unknown_patient.tif";
    ASSERT_TRUE(testgen::write_pages({testgen::scan(c[0].image, {.orientation = 180}, 5)}, c_path,
                                     testgen::Encoding::kTiffJpeg));
    (*truth_)[c_path.string() + "#0"] = {c[0].ground_truth, ""};

    // Bad files.
    std::ofstream(*root_ / "batch" / "empty.tif");
    std::ofstream(*root_ / "batch" / "empty_too.tif");  // same (empty) content: still its own quarantine entry
    std::ofstream(*root_ / "batch" / "notes.tif") << "This is a text file, not a scan.\n";
    std::ifstream whole(a_path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(whole)), {});
    std::ofstream(*root_ / "batch" / "truncated.tif", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }

  static const nlohmann::json* page_entry(const std::string& source, int index) {
    for (const auto& p : *pages_) {
      if (p["source"] == source && p["index"] == index) return &p;
    }
    return nullptr;
  }

  // A word's box in the text layer of one page of a PDF, as fractions of the
  // page's width and height (pdftotext -bbox: points, origin top left).
  struct PdfWord {
    double left = 0, top = 0, right = 0, bottom = 0;
  };
  static std::optional<PdfWord> pdf_word(const fs::path& pdf, int page, const std::string& text) {
    const std::string p = std::to_string(page);
    const std::string html = run("pdftotext -bbox -f " + p + " -l " + p + " " + quote(pdf) + " -").out;
    const std::regex size_pattern(R"re(<page width="([0-9.]+)" height="([0-9.]+)")re");
    const std::regex word_pattern(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
    std::smatch size;
    if (!std::regex_search(html, size, size_pattern)) return std::nullopt;
    const double width = std::stod(size[1]);
    const double height = std::stod(size[2]);
    for (std::sregex_iterator it(html.begin(), html.end(), word_pattern), end; it != end; ++it) {
      const std::smatch& w = *it;
      if (w[5].str().find(text) == std::string::npos) continue;
      return PdfWord{std::stod(w[1]) / width, std::stod(w[2]) / height, std::stod(w[3]) / width,
                     std::stod(w[4]) / height};
    }
    return std::nullopt;
  }

  static bool ready_;
  static fs::path* root_;
  static std::map<std::string, Truth>* truth_;
  static CommandRun* ingest_;
  static nlohmann::json* pages_;
  static nlohmann::json* documents_;
};

bool IngestEndToEnd::ready_ = false;
fs::path* IngestEndToEnd::root_ = nullptr;
std::map<std::string, Truth>* IngestEndToEnd::truth_ = nullptr;
CommandRun* IngestEndToEnd::ingest_ = nullptr;
nlohmann::json* IngestEndToEnd::pages_ = nullptr;
nlohmann::json* IngestEndToEnd::documents_ = nullptr;

TEST_F(IngestEndToEnd, EveryInputPageEndsInATerminalState) {
  EXPECT_EQ(ingest_->status, 0) << ingest_->out;
  const std::set<std::string> terminal = {"filed", "review", "quarantined", "dropped_blank", "separator"};
  for (const auto& [key, truth] : *truth_) {
    const auto hash = key.rfind('#');
    const auto* p = page_entry(key.substr(0, hash), std::stoi(key.substr(hash + 1)));
    ASSERT_NE(p, nullptr) << key << " missing from pages --json";
    EXPECT_TRUE(terminal.contains((*p)["state"].get<std::string>())) << key;
  }
  for (const auto& p : *pages_) EXPECT_TRUE(terminal.contains(p["state"].get<std::string>())) << p.dump();
  const std::string a = (*root_ / "batch" / "discharge_0001.tif").string();
  ASSERT_NE(page_entry(a, 2), nullptr);
  EXPECT_EQ((*page_entry(a, 2))["state"], "dropped_blank");
  EXPECT_EQ((*page_entry(a, 2))["blank"], true);
}

TEST_F(IngestEndToEnd, BadFilesAreQuarantinedWithAReasonWhileTheRestFiles) {
  for (const char* name : {"empty.tif", "empty_too.tif", "notes.tif", "truncated.tif"}) {
    const auto* p = page_entry((*root_ / "batch" / name).string(), 0);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ((*p)["state"], "quarantined") << name;
    ASSERT_TRUE((*p)["reason"].is_string()) << name;
    EXPECT_NE((*p)["reason"].get<std::string>().find(name), std::string::npos) << (*p)["reason"];
    EXPECT_TRUE((*p)["document"].is_null());
  }
  EXPECT_TRUE(fs::exists(*root_ / "batch" / "empty.tif"));  // the file itself is kept
}

TEST_F(IngestEndToEnd, KnownPatientsAreFiledAndTheUnknownOneGoesToReview) {
  std::map<std::string, nlohmann::json> by_source;
  for (const auto& p : *pages_) by_source[p["source"].get<std::string>() + "#" + std::to_string(p["index"].get<int>())] = p;
  for (const auto& [key, truth] : *truth_) {
    const auto& page = by_source[key];
    ASSERT_TRUE(page["document"].is_string()) << key;
    const nlohmann::json* doc = nullptr;
    for (const auto& d : *documents_) {
      if (d["id"] == page["document"]) doc = &d;
    }
    ASSERT_NE(doc, nullptr);
    if (truth.mrn.empty()) {
      EXPECT_EQ((*doc)["state"], "review") << key;
      EXPECT_FALSE((*doc)["review_reasons"].empty());
    } else {
      EXPECT_EQ((*doc)["state"], "filed") << key << " " << doc->dump();
      EXPECT_EQ((*doc)["patient"]["mrn"], truth.mrn) << key;
    }
  }
}

TEST_F(IngestEndToEnd, FiledPdfsAreValidAndCarryTheTextOfEachPage) {
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& d : *documents_) by_id[d["id"]] = d;
  ASSERT_EQ(by_id.size(), 3U);
  for (const auto& [id, doc] : by_id) {
    const fs::path pdf = *root_ / "store" / doc["pdf"].get<std::string>();
    ASSERT_TRUE(fs::exists(pdf)) << pdf;
    EXPECT_EQ(run("qpdf --check " + quote(pdf) + " >/dev/null").status, 0) << pdf;
  }
  for (const auto& p : *pages_) {
    const std::string key = p["source"].get<std::string>() + "#" + std::to_string(p["index"].get<int>());
    if (!truth_->contains(key) || !p["document"].is_string()) continue;
    const fs::path pdf = *root_ / "store" / by_id[p["document"]]["pdf"].get<std::string>();
    const std::string page = std::to_string(p["pdf_page"].get<int>());
    const std::string text = run("pdftotext -layout -f " + page + " -l " + page + " " + quote(pdf) + " -").out;
    const double cer = testgen::character_error_rate((*truth_)[key].text, text);
    EXPECT_LT(cer, 0.03) << key << "\n--- read ---\n" << text;
    EXPECT_EQ(p["orientation"], key.find("unknown_patient") != std::string::npos ? 180 : 0) << key;
  }
}

// The evidence says where each MRN was read, in the pixels of its page's
// cleaned image (page_sizes): the box lies on the page, is as tall as a line
// of print at 300 dpi, and covers the MRN's digits where the document's PDF
// has them in its text layer.
TEST_F(IngestEndToEnd, EvidenceBoxesShowWhereEachMrnWasRead) {
  int located = 0;
  for (const auto& doc : *documents_) {
    const std::string id = doc["id"];
    const auto shown = nlohmann::json::parse(run(chartroom() + " show " + id + " --json" + store()).out);
    const nlohmann::json& evidence = shown["evidence"];
    ASSERT_TRUE(evidence.contains("page_sizes")) << id << " " << evidence.dump();
    ASSERT_EQ(evidence["page_sizes"].size(), doc["pages"].get<std::size_t>()) << id;
    const fs::path pdf = *root_ / "store" / doc["pdf"].get<std::string>();
    for (const auto& mrn : evidence["identifiers"]) {
      if (mrn["kind"] != "mrn" || mrn["barcode"] == true) continue;
      const int page = mrn["page"];
      ASSERT_GE(page, 1);
      ASSERT_LE(page, doc["pages"].get<int>());
      const nlohmann::json& size = evidence["page_sizes"][static_cast<std::size_t>(page - 1)];
      const int width = size["width"];
      const int height = size["height"];
      const nlohmann::json& box = mrn["box"];
      const int x = box["x"], y = box["y"], w = box["width"], h = box["height"];
      const std::string what = id + " page " + std::to_string(page) + " " + mrn.dump() + " on " + size.dump();
      EXPECT_GT(width, 0) << what;
      EXPECT_GT(w, 0) << what;
      EXPECT_GE(x, 0) << what;
      EXPECT_GE(y, 0) << what;
      EXPECT_LE(x + w, width) << what;
      EXPECT_LE(y + h, height) << what;
      EXPECT_GE(h, 10) << what;
      EXPECT_LE(h, 200) << what;
      const auto word = pdf_word(pdf, page, mrn["read"]);
      ASSERT_TRUE(word) << what << ": the digits are not in the PDF's text layer";
      // The text layer starts each word where its box starts and stretches
      // its glyphs to about the box's width (pdftotext ends the word up to 1%
      // of the page early); down, it sits on the line's baseline, so the box's
      // middle is between its top and bottom.
      EXPECT_NEAR(static_cast<double>(x) / width, word->left, 0.005) << what;
      EXPECT_NEAR(static_cast<double>(x + w) / width, word->right, 0.015) << what;
      const double middle = (y + h / 2.0) / height;
      EXPECT_GT(middle, word->top) << what;
      EXPECT_LT(middle, word->bottom) << what;
      ++located;
    }
  }
  EXPECT_GE(located, 4);  // each of the four pages read prints its MRN
}

TEST_F(IngestEndToEnd, SearchFindsADocumentByAPhraseOnItsSecondPage) {
  const std::string a = (*root_ / "batch" / "discharge_0001.tif").string();
  const std::string truth = (*truth_)[a + "#1"].text;
  // A phrase from the middle of page two's body.
  std::vector<std::string> words;
  std::istringstream in(truth.substr(truth.size() / 2));
  for (std::string w; in >> w;) {
    if (std::ranges::all_of(w, [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) words.push_back(w);
  }
  ASSERT_GE(words.size(), 4U);
  const std::string phrase = words[1] + " " + words[2] + " " + words[3];
  const auto hits = nlohmann::json::parse(run(chartroom() + " search --json '\"" + phrase + "\"'" + store()).out);
  const nlohmann::json expected = {(*page_entry(a, 1))["document"], 2};
  bool found = false;
  for (const auto& hit : hits) found = found || nlohmann::json{hit["document"], hit["pdf_page"]} == expected;
  EXPECT_TRUE(found) << phrase << " not found on page 2 of document A: " << hits.dump();
}

// A rerun (a resumed migration) counts the files it skips as done, so its
// progress and time left are about the work that remains.
TEST_F(IngestEndToEnd, ARerunCountsWhatItSkipsInItsProgress) {
  const CommandRun again =
      test::run_shell(chartroom() + " ingest " + quote(*root_ / "batch") + store() + " 2>&1 >/dev/null");
  EXPECT_EQ(again.status, 0);
  const std::string all = std::to_string(pages_->size()) + "/" + std::to_string(pages_->size()) + " pages (100%)";
  EXPECT_NE(again.out.find("progress: " + all), std::string::npos) << again.out;
}

TEST_F(IngestEndToEnd, IngestingTheSameFilesAgainFilesNothingTwice) {
  const CommandRun again = run(chartroom() + " ingest " + quote(*root_ / "batch") + store());
  EXPECT_EQ(again.status, 0);
  const auto documents = nlohmann::json::parse(run(chartroom() + " documents --json" + store()).out);
  EXPECT_EQ(documents.size(), documents_->size());
  const auto pages = nlohmann::json::parse(run(chartroom() + " pages --json" + store()).out);
  EXPECT_EQ(pages.size(), pages_->size());
}

}  // namespace
}  // namespace chartroom
