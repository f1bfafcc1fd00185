// End to end: scanner PDFs through the real `chartroom` executable and real
// Tesseract. The same pages filed from a PDF and from a TIFF carry the same
// text; a PDF's own text layer is not trusted (the page is read again); an
// encrypted, a truncated and a scripted PDF are quarantined with their
// reasons while the rest of the run files.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

using test::quote;

std::string run(const std::string& command) {
  return test::run_shell(command + " 2>/dev/null").out;
}

class PdfIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("chartroom-pdf-e2e-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    for (const char* folder : {"tiff", "pdf", "layer", "bad"})
      fs::create_directories(*root_ / "batch" / folder);
    truth_ = new std::string();
    make_batch();
    const std::string store = " --store " + quote(*root_ / "store");
    const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
    ASSERT_EQ(test::run_shell(chartroom + " patients import --create " + quote(*root_ / "roster.csv") + store).status,
              0);
    ingest_status_ =
        test::run_shell(chartroom + " ingest " + quote(*root_ / "batch") + store + " --workers 2").status;
    pages_ = new nlohmann::json(nlohmann::json::parse(run(chartroom + " pages --json" + store)));
    documents_ = new nlohmann::json(nlohmann::json::parse(run(chartroom + " documents --json" + store)));
    ready_ = true;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "making or ingesting the test batch failed; see above"; }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete truth_;
    delete pages_;
    delete documents_;
  }

  static void make_batch() {
    const auto patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
    const auto samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 2);
    ASSERT_FALSE(patients.empty());
    ASSERT_FALSE(samples.empty());
    ASSERT_TRUE(testgen::write_roster_csv(patients, *root_ / "roster.csv"));
    testgen::PageSpec spec;
    spec.patient = patients[0];
    spec.title = samples[0].title;
    spec.paragraphs = samples[0].paragraphs;
    const auto rendered = testgen::render_document(spec, 1);
    ASSERT_FALSE(rendered.empty());
    *truth_ = rendered[0].ground_truth;
    const Image page =
        testgen::scan(rendered[0].image, {.skew_degrees = 0.7, .noise_sigma = 4, .bilevel = true}, 7);
    const fs::path batch = *root_ / "batch";
    ASSERT_TRUE(testgen::write_pages({page}, batch / "tiff" / "note.tif", testgen::Encoding::kTiffG4));
    ASSERT_TRUE(testgen::write_pages({page}, batch / "pdf" / "note.pdf", testgen::Encoding::kPdfG4));
    // A scanner's OCR layer that is wrong: what chartroom files must be its own reading.
    ASSERT_TRUE(testgen::write_pdf({page}, batch / "layer" / "searchable.pdf", testgen::Encoding::kPdfG4,
                                   {.text_layer = "QQZX embedded layer words"}));
    ASSERT_TRUE(testgen::write_pdf({page}, batch / "bad" / "locked.pdf", testgen::Encoding::kPdfG4,
                                   {.text_layer = {}, .encrypted = true}));
    ASSERT_TRUE(testgen::write_pdf({page}, batch / "bad" / "script.pdf", testgen::Encoding::kPdfG4,
                                   {.text_layer = {}, .encrypted = false, .open_action_javascript = true}));
    std::ifstream whole(batch / "pdf" / "note.pdf", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(whole)), {});
    std::ofstream(batch / "bad" / "truncated.pdf", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }

  static std::string source(const std::string& relative) { return (*root_ / "batch" / relative).string(); }

  static const nlohmann::json* page_entry(const std::string& relative) {
    for (const auto& p : *pages_) {
      if (p["source"] == source(relative) && p["index"] == 0) return &p;
    }
    return nullptr;
  }

  // The text layer chartroom filed for the first page of an input file.
  static std::string filed_text(const std::string& relative) {
    const nlohmann::json* page = page_entry(relative);
    if (page == nullptr || !(*page)["document"].is_string()) return "";
    for (const auto& d : *documents_) {
      if (d["id"] != (*page)["document"]) continue;
      const std::string n = std::to_string((*page)["pdf_page"].get<int>());
      const fs::path pdf = *root_ / "store" / d["pdf"].get<std::string>();
      return run("pdftotext -layout -f " + n + " -l " + n + " " + quote(pdf) + " -");
    }
    return "";
  }

  static bool ready_;
  static int ingest_status_;
  static fs::path* root_;
  static std::string* truth_;
  static nlohmann::json* pages_;
  static nlohmann::json* documents_;
};

bool PdfIngest::ready_ = false;
int PdfIngest::ingest_status_ = -1;
fs::path* PdfIngest::root_ = nullptr;
std::string* PdfIngest::truth_ = nullptr;
nlohmann::json* PdfIngest::pages_ = nullptr;
nlohmann::json* PdfIngest::documents_ = nullptr;

TEST_F(PdfIngest, APdfFilesTheSameTextAsTheSamePageGivenAsTiff) {
  const std::string from_tiff = filed_text("tiff/note.tif");
  const std::string from_pdf = filed_text("pdf/note.pdf");
  ASSERT_FALSE(from_tiff.empty());
  EXPECT_LT(testgen::character_error_rate(*truth_, from_tiff), 0.03) << from_tiff;
  // Not always byte for byte: Poppler draws the image with its edges resampled.
  EXPECT_LT(testgen::character_error_rate(from_tiff, from_pdf), 0.01) << from_pdf;
  const nlohmann::json* page = page_entry("pdf/note.pdf");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ((*page)["state"], "filed") << page->dump();
}

TEST_F(PdfIngest, APdfWithATextLayerIsReadAgainByOcr) {
  const std::string text = filed_text("layer/searchable.pdf");
  EXPECT_LT(testgen::character_error_rate(*truth_, text), 0.03) << text;
  EXPECT_EQ(text.find("QQZX"), std::string::npos) << text;
}

// The wrong layer is not lost: `show --text` keeps it beside the OCR text it
// was replaced by (as OCRmyPDF's --redo-ocr does), and only the OCR text is searched.
TEST_F(PdfIngest, APdfsOwnTextLayerIsKeptForComparison) {
  const nlohmann::json* page = page_entry("layer/searchable.pdf");
  ASSERT_NE(page, nullptr);
  ASSERT_TRUE((*page)["document"].is_string()) << page->dump();
  const std::string store = " --store " + quote(*root_ / "store");
  const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
  const auto shown = nlohmann::json::parse(
      run(chartroom + " show " + (*page)["document"].get<std::string>() + " --json --text" + store), nullptr, false);
  ASSERT_TRUE(shown.is_object()) << shown.dump();
  const auto n = static_cast<std::size_t>((*page)["pdf_page"].get<int>() - 1);
  ASSERT_TRUE(shown["text"].is_array() && shown["text"].size() > n) << shown.dump();
  ASSERT_TRUE(shown["embedded_text"].is_array() && shown["embedded_text"].size() == shown["text"].size())
      << shown.dump();
  const std::string ocr = shown["text"][n].get<std::string>();
  EXPECT_EQ(ocr.find("QQZX"), std::string::npos) << ocr;
  EXPECT_LT(testgen::character_error_rate(*truth_, ocr), 0.03) << ocr;
  EXPECT_NE(shown["embedded_text"][n].get<std::string>().find("QQZX embedded layer words"), std::string::npos)
      << shown.dump();
  const std::string plain =
      run(chartroom + " show " + (*page)["document"].get<std::string>() + " --text" + store);
  EXPECT_NE(plain.find("(the PDF's own text layer, replaced by OCR: "), std::string::npos) << plain;
  const auto hits = nlohmann::json::parse(run(chartroom + " search QQZX --json" + store), nullptr, false);
  EXPECT_TRUE(hits.is_array() && hits.empty()) << hits.dump();
  // The TIFF's page has no layer of its own.
  const nlohmann::json* tiff = page_entry("tiff/note.tif");
  ASSERT_NE(tiff, nullptr);
  if ((*tiff)["document"] != (*page)["document"]) {
    const auto other = nlohmann::json::parse(
        run(chartroom + " show " + (*tiff)["document"].get<std::string>() + " --json --text" + store), nullptr, false);
    ASSERT_TRUE(other.is_object() && other["embedded_text"].is_array()) << other.dump();
    for (const auto& e : other["embedded_text"]) EXPECT_EQ(e, "") << other.dump();
  }
}

TEST_F(PdfIngest, EncryptedTruncatedAndScriptedPdfsAreQuarantinedWithTheirReasons) {
  const std::map<std::string, std::string> why = {{"bad/locked.pdf", "encrypted (password protected)"},
                                                  {"bad/truncated.pdf", "damaged"},
                                                  {"bad/script.pdf", "JavaScript"}};
  for (const auto& [name, reason] : why) {
    const nlohmann::json* p = page_entry(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ((*p)["state"], "quarantined") << name;
    ASSERT_TRUE((*p)["reason"].is_string()) << name;
    const std::string said = (*p)["reason"].get<std::string>();
    EXPECT_NE(said.find(source(name)), std::string::npos) << said;
    EXPECT_NE(said.find(reason), std::string::npos) << said;
  }
  EXPECT_EQ(documents_->size(), 3U);  // the rest was filed: tiff, pdf and layer
  EXPECT_EQ(ingest_status_, 0);       // every page accounted for
}

}  // namespace
}  // namespace chartroom
