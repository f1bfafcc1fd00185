// file_batch with real page PDFs (qpdf), checked with qpdf --check and pdftotext.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

class Filing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(tmp_.path() / "store");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    batch_ = testing::three_page_batch(tmp_.path() / "in");
  }
  fs::path pdf_path() const { return tmp_.path() / "store" / "documents" / "do" / "doc0001.pdf"; }

  TempDir tmp_;
  std::unique_ptr<Store> store_;
  BatchRecord batch_;
};

TEST_F(Filing, AssemblesDocumentInPageOrder) {
  auto filed = store_->file_batch(batch_);
  ASSERT_TRUE(filed) << filed.error().message;
  ASSERT_TRUE(fs::exists(pdf_path()));
  EXPECT_EQ(testing::mode_of(pdf_path()), 0600u);
  EXPECT_EQ(testing::mode_of(pdf_path().parent_path()), 0700u);
  int status = 0;
  testing::run("qpdf --check " + pdf_path().string() + " >/dev/null 2>&1", status);
  EXPECT_EQ(status, 0);
  const std::string text = testing::run("pdftotext -layout " + pdf_path().string() + " -", status);
  ASSERT_EQ(status, 0);
  const auto p1 = text.find("Hello page 1");
  const auto p2 = text.find("Hello page 2");
  const auto p3 = text.find("Hello page 3");
  ASSERT_NE(p1, std::string::npos) << text;
  ASSERT_NE(p2, std::string::npos);
  ASSERT_NE(p3, std::string::npos);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 3);  // one form feed per page
}

TEST_F(Filing, RecordsPagesAndDocuments) {
  ASSERT_TRUE(store_->file_batch(batch_));
  auto pages = store_->pages();
  ASSERT_TRUE(pages);
  ASSERT_EQ(pages->size(), 4u);
  // Ordered by source: broken.tif sorts before chart.tif.
  const PageRow& q = (*pages)[0];
  EXPECT_EQ(q.source, "scans/broken.tif");
  EXPECT_EQ(q.state, PageState::kQuarantined);
  EXPECT_FALSE(q.document.has_value());
  EXPECT_FALSE(q.pdf_page.has_value());
  EXPECT_EQ(q.reason, "truncated TIFF header");
  for (int i = 0; i < 3; ++i) {
    const PageRow& p = (*pages)[static_cast<std::size_t>(i) + 1];
    EXPECT_EQ(p.source, "scans/chart.tif");
    EXPECT_EQ(p.index, i);
    EXPECT_EQ(p.state, PageState::kFiled);
    EXPECT_EQ(p.document, "doc0001");
    EXPECT_EQ(p.pdf_page, i + 1);
    EXPECT_FALSE(p.reason.has_value());
  }
  EXPECT_EQ((*pages)[2].orientation, 90);
  EXPECT_DOUBLE_EQ((*pages)[3].skew, 1.0);

  auto docs = store_->documents();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  const DocumentRow& d = docs->front();
  EXPECT_EQ(d.id, "doc0001");
  EXPECT_EQ(d.state, DocumentState::kFiled);
  ASSERT_TRUE(d.patient);
  EXPECT_EQ(d.patient->mrn, "MRN001");
  EXPECT_DOUBLE_EQ(d.patient->confidence, 0.97);
  ASSERT_TRUE(d.doc_type);
  EXPECT_EQ(d.doc_type->label, "discharge_summary");
  EXPECT_EQ(d.pdf, "documents/do/doc0001.pdf");
  EXPECT_EQ(d.pages, 3);
  EXPECT_TRUE(d.review_reasons.empty());
  EXPECT_EQ(d.batch, "batch_0001");
  EXPECT_EQ(d.evidence_json, R"({"mrn_read":"MRN001"})");
  EXPECT_EQ(d.created_at.size(), 24u);  // 2024-05-01T12:00:00.123Z

  auto text = store_->document_text("doc0001");
  ASSERT_TRUE(text);
  ASSERT_EQ(text->size(), 3u);
  EXPECT_EQ((*text)[1], "Hello page 2 amoxicillin");

  auto status = store_->file_by_hash(std::string(64, 'a'));
  ASSERT_TRUE(status && status->has_value());
  EXPECT_TRUE((*status)->complete);
  auto unknown = store_->file_by_hash(std::string(64, 'c'));
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());

  auto log = store_->audit_log();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "pipeline");
  EXPECT_EQ((*log)[0].object, "doc0001");
  EXPECT_EQ((*log)[0].detail, "batch batch_0001");
}

TEST_F(Filing, ReviewDocumentWithReasons) {
  batch_.documents[0].state = DocumentState::kReview;
  batch_.documents[0].doc_type.reset();
  batch_.documents[0].review_reasons = {"patient confidence 0.61 below 0.95", "no date \"found\""};
  ASSERT_TRUE(store_->file_batch(batch_));
  auto d = store_->document("doc0001");
  ASSERT_TRUE(d && d->has_value());
  EXPECT_EQ((*d)->state, DocumentState::kReview);
  EXPECT_FALSE((*d)->doc_type.has_value());
  EXPECT_EQ((*d)->review_reasons, batch_.documents[0].review_reasons);
  auto none = store_->document("nope");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_F(Filing, RefilingDoesNotDuplicate) {
  ASSERT_TRUE(store_->file_batch(batch_));
  const std::string first_pdf = testing::read_text(pdf_path());
  auto first = store_->documents();
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->file_batch(batch_));
  auto docs = store_->documents();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front().created_at, first->front().created_at);
  EXPECT_EQ(store_->pages()->size(), 4u);
  EXPECT_EQ(store_->document_text("doc0001")->size(), 3u);
  EXPECT_EQ(store_->search("amoxicillin")->size(), 1u);
  EXPECT_EQ(testing::read_text(pdf_path()), first_pdf);  // deterministic /ID: same bytes
}

TEST_F(Filing, SearchFindsWordsAndSurvivesHostileQueries) {
  ASSERT_TRUE(store_->file_batch(batch_));
  auto hits = store_->search("Amoxicillin");
  ASSERT_TRUE(hits) << hits.error().message;
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].document, "doc0001");
  EXPECT_EQ((*hits)[0].pdf_page, 2);
  EXPECT_NE((*hits)[0].snippet.find("[amoxicillin]"), std::string::npos) << (*hits)[0].snippet;

  EXPECT_EQ(store_->search("hello discharge")->size(), 1u);  // AND across words
  EXPECT_EQ(store_->search("hello")->size(), 3u);
  EXPECT_EQ(store_->search("\"page 3 discharge\"")->size(), 1u);  // phrase
  EXPECT_EQ(store_->search("\"discharge page 3\"")->size(), 0u);
  EXPECT_EQ(store_->search("amoxicillin admission")->size(), 0u);

  for (const char* hostile : {"\"", "AND OR (", "NEAR/", "NEAR(a b)", "col:text", "a\"b", "'; DROP TABLE",
                              "", "   ", "^hello", "\"\"\"", "-hello", "hello)"}) {
    auto r = store_->search(hostile);
    EXPECT_TRUE(r) << hostile << ": " << r.error().message;
  }
  // A lone * would be every page: refused with a reason (prefixes: find_test.cpp).
  auto star = store_->search("*");
  ASSERT_FALSE(star);
  EXPECT_EQ(star.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->pages()->size(), 4u);
}

TEST_F(Filing, QuarantinedFileIsAPrivateCopyNamedByItsHash) {
  ASSERT_TRUE(store_->file_batch(batch_));
  const fs::path kept = tmp_.path() / "store" / "quarantine" / std::string(64, 'b') / "original";
  ASSERT_TRUE(fs::exists(kept));
  EXPECT_EQ(testing::read_text(kept), "not a tiff");
  struct stat st {};
  ASSERT_EQ(::stat(kept.c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 1u);  // a copy, not a hard link to the dropped file
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  // A quarantined file that vanished is still recorded, without error.
  batch_.files[1].path = tmp_.path() / "gone.tif";
  batch_.files[1].hash = std::string(64, 'e');
  EXPECT_TRUE(store_->file_batch(batch_));
}

TEST_F(Filing, MissingPagePdfCommitsNothing) {
  fs::remove(batch_.pages[1].page_pdf);
  auto filed = store_->file_batch(batch_);
  ASSERT_FALSE(filed);
  EXPECT_EQ(filed.error().code, ErrorCode::kIo);
  EXPECT_NE(filed.error().message.find("page 2 of scans/chart.tif"), std::string::npos) << filed.error().message;
  EXPECT_TRUE(store_->pages()->empty());
  EXPECT_TRUE(store_->documents()->empty());
  EXPECT_TRUE(store_->audit_log()->empty());
  EXPECT_FALSE(fs::exists(pdf_path()));
  EXPECT_TRUE(fs::is_empty(pdf_path().parent_path()));  // no temp left behind
}

TEST_F(Filing, CorruptPagePdfCommitsNothing) {
  testing::write_text(batch_.pages[2].page_pdf, "%PDF-1.4 this is not really a pdf");
  auto filed = store_->file_batch(batch_);
  ASSERT_FALSE(filed);
  EXPECT_EQ(filed.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(filed.error().message.find("page 3 of scans/chart.tif"), std::string::npos) << filed.error().message;
  EXPECT_TRUE(store_->documents()->empty());
  EXPECT_FALSE(fs::exists(pdf_path()));
}

// Resuming reuses a page PDF only when it is whole: one cut short by a crash
// or overwritten by another writer is read again instead of being filed.
TEST_F(Filing, APagePdfIsReusedOnlyWhenWhole) {
  const fs::path pdf = batch_.pages[0].page_pdf;
  EXPECT_TRUE(check_page_pdf(pdf));
  const auto size = fs::file_size(pdf);
  fs::resize_file(pdf, size * 2 / 3);
  EXPECT_FALSE(check_page_pdf(pdf)) << "cut short";
  fs::resize_file(pdf, 0);
  EXPECT_FALSE(check_page_pdf(pdf)) << "empty";
  testing::write_text(pdf, "%PDF-1.4 this is not really a pdf");
  EXPECT_FALSE(check_page_pdf(pdf)) << "overwritten";
  EXPECT_FALSE(check_page_pdf(tmp_.path() / "missing.pdf"));
}

// A document longer than the open-file limit (a 5,000-page chart of a
// migration; here 600 pages under a limit of 128) is assembled: no page PDF
// keeps a descriptor open until the output is written.
TEST_F(Filing, AssemblesADocumentOfMorePagesThanOpenFiles) {
  constexpr int kPages = 600;
  batch_.pages.resize(1);  // keep the first page, a real one-page PDF; copy it
  batch_.files.resize(1);
  batch_.files[0].page_count = kPages;
  for (int i = 1; i < kPages; ++i) {
    PageRecord p = batch_.pages[0];
    p.ref.index = i;
    p.page_pdf = tmp_.path() / "in" / ("copy" + std::to_string(i) + ".pdf");
    fs::copy_file(batch_.pages[0].page_pdf, p.page_pdf);
    batch_.pages.push_back(p);
  }
  batch_.documents[0].pages.clear();
  for (int i = 0; i < kPages; ++i) batch_.documents[0].pages.push_back(i);

  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 128;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  auto filed = store_->file_batch(batch_);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(filed) << filed.error().message;
  int status = 0;
  const std::string pages = testing::run("qpdf --show-npages " + pdf_path().string(), status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(std::stoi(pages), kPages);
}

TEST_F(Filing, RejectsBadDocumentIds) {
  batch_.documents[0].id = "../../etc";
  auto filed = store_->file_batch(batch_);
  ASSERT_FALSE(filed);
  EXPECT_EQ(filed.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chartroom::indexer
