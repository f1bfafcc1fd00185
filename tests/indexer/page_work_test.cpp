// The durable page state machine: each step committed and read back; filing
// sets the terminal state in the same transaction as the document.
#include <gtest/gtest.h>

#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

TEST(PageWork, StepsSurviveReopeningTheStore) {
  TempDir tmp;
  const fs::path root = tmp.path() / "store";
  PageRecord page;
  page.ref = {"scans/a.tif", 2};
  page.file_hash = std::string(64, 'a');
  {
    auto store = Store::open(root);
    ASSERT_TRUE(store) << store.error().message;
    page.state = PageState::kReceived;
    ASSERT_TRUE((*store)->save_page(page, "a.tif"));
    page.state = PageState::kRead;
    page.text = "Chest pain";
    page.ocr_confidence = 91.5F;
    page.page_pdf = (*store)->page_pdf_path(page.file_hash, 2);
    page.barcodes.push_back({"Code128", "00012345", {1, 2, 3, 4}});
    ASSERT_TRUE((*store)->save_page(page, "a.tif"));
  }
  auto store = Store::open(root);
  ASSERT_TRUE(store);
  auto saved = (*store)->saved_page(page.file_hash, 2);
  ASSERT_TRUE(saved && saved->has_value());
  const PageRecord& back = **saved;
  EXPECT_EQ(back.state, PageState::kRead);
  EXPECT_EQ(back.ref.source, "scans/a.tif");
  EXPECT_EQ(back.text, "Chest pain");
  EXPECT_FLOAT_EQ(back.ocr_confidence, 91.5F);
  EXPECT_EQ(back.page_pdf, root / "work" / "pages" / "aa" / (page.file_hash + "-2.pdf"));
  ASSERT_EQ(back.barcodes.size(), 1U);
  EXPECT_EQ(back.barcodes[0].value, "00012345");
  EXPECT_EQ(back.barcodes[0].box.height, 4);
  auto missing = (*store)->saved_page(page.file_hash, 3);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  auto status = (*store)->work_status();
  ASSERT_TRUE(status);
  ASSERT_EQ(status->waiting.size(), 1U);
  EXPECT_EQ(status->waiting[0], std::make_pair(PageState::kRead, 1));
  EXPECT_EQ(status->oldest_waiting_source, "scans/a.tif");
}

// The words kept with a read page (those of its identifier lines) and the
// size of the image their boxes are in come back as saved, so a resumed page
// locates its identifiers as a fresh one does.
TEST(PageWork, WordsAndImageSizeSurviveReopeningTheStore) {
  TempDir tmp;
  const fs::path root = tmp.path() / "store";
  PageRecord page;
  page.ref = {"scans/w.tif", 0};
  page.file_hash = std::string(64, 'c');
  page.state = PageState::kRead;
  page.text = "Patient: DOE, JANE\n\nMRN: 00012345";
  page.image_width = 2550;
  page.image_height = 3300;
  page.words.push_back({"MRN:", {210, 400, 96, 31}, 93.5F, 1, 2});
  page.words.push_back({"00012345", {322, 399, 190, 33}, 88.25F, 1, 2});
  page.words.push_back({"\u00e9t\u00e9 \"x\"", {1, 2, 3, 4}, 0, 0, 0});
  {
    auto store = Store::open(root);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->save_page(page, "w.tif"));
  }
  auto store = Store::open(root);
  ASSERT_TRUE(store);
  auto saved = (*store)->saved_page(page.file_hash, 0);
  ASSERT_TRUE(saved && saved->has_value());
  const PageRecord& back = **saved;
  EXPECT_EQ(back.image_width, 2550);
  EXPECT_EQ(back.image_height, 3300);
  ASSERT_EQ(back.words.size(), page.words.size());
  for (std::size_t i = 0; i < page.words.size(); ++i) {
    const Word& want = page.words[i];
    const Word& got = back.words[i];
    EXPECT_EQ(got.text, want.text);
    EXPECT_EQ(got.box.x, want.box.x);
    EXPECT_EQ(got.box.y, want.box.y);
    EXPECT_EQ(got.box.width, want.box.width);
    EXPECT_EQ(got.box.height, want.box.height);
    EXPECT_EQ(got.line, want.line);
    EXPECT_FLOAT_EQ(got.confidence, want.confidence);
  }

  page.words.clear();  // a later step with no words replaces them
  ASSERT_TRUE((*store)->save_page(page, "w.tif"));
  auto again = (*store)->saved_page(page.file_hash, 0);
  ASSERT_TRUE(again && again->has_value());
  EXPECT_TRUE((*again)->words.empty());
  EXPECT_EQ((*again)->image_width, 2550);
}

// Each start of OCR on a page is committed, survives a restart and is not
// reset when the page's later steps are saved; crashes inside OCR are counted
// apart from the starts, only when recorded.
TEST(PageWork, OcrAttemptsAreCountedAcrossRuns) {
  TempDir tmp;
  const fs::path root = tmp.path() / "store";
  PageRecord page;
  page.ref = {"scans/b.tif", 0};
  page.file_hash = std::string(64, 'b');
  page.state = PageState::kCleaned;
  const auto started = [](Result<OcrAttempts> a) { return a ? a->started : -1; };
  {
    auto store = Store::open(root);
    ASSERT_TRUE(store) << store.error().message;
    auto none = (*store)->start_ocr_attempt(page.file_hash, 0);
    ASSERT_FALSE(none);  // nothing saved yet: refused, not counted
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
    ASSERT_TRUE((*store)->save_page(page, "b.tif"));
    EXPECT_EQ(started((*store)->start_ocr_attempt(page.file_hash, 0)), 1);
  }
  auto store = Store::open(root);  // the run was killed while reading it; the next one starts again
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->save_page(page, "b.tif"));
  auto second = (*store)->start_ocr_attempt(page.file_hash, 0);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->started, 2);
  EXPECT_EQ(second->crashed, 0) << "a kill is not a crash";
  // Two runs died inside OCR on it (and one line names a page never saved).
  ASSERT_TRUE((*store)->record_ocr_crashes({{page.file_hash, 0}, {page.file_hash, 0}, {std::string(64, 'z'), 3}}));
  page.state = PageState::kRead;
  ASSERT_TRUE((*store)->save_page(page, "b.tif"));
  auto third = (*store)->start_ocr_attempt(page.file_hash, 0);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->started, 3);
  EXPECT_EQ(third->crashed, 2);
}

TEST(PageWork, FilingMakesEveryPageTerminal) {
  TempDir tmp;
  auto store = Store::open(tmp.path() / "store");
  ASSERT_TRUE(store);
  BatchRecord batch = testing::three_page_batch(tmp.path() / "in");
  for (PageRecord page : batch.pages) {
    page.state = PageState::kRead;
    ASSERT_TRUE((*store)->save_page(page, batch.name));
  }
  ASSERT_TRUE((*store)->file_batch(batch));
  auto status = (*store)->work_status();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->waiting.empty());
  int finished = 0;
  for (const auto& [state, n] : status->finished) {
    EXPECT_TRUE(is_terminal(state));
    finished += n;
  }
  EXPECT_EQ(finished, static_cast<int>(batch.pages.size()));
  EXPECT_EQ(status->finished_last_10_min, finished);
  EXPECT_FALSE(status->oldest_waiting_source.has_value());
  for (const PageRecord& page : batch.pages) {
    auto saved = (*store)->saved_page(page.file_hash, page.ref.index);
    ASSERT_TRUE(saved && saved->has_value());
    EXPECT_EQ((*saved)->state, page.state);
    EXPECT_TRUE((*saved)->page_pdf.empty());
  }
}

}  // namespace
}  // namespace chartroom::indexer
