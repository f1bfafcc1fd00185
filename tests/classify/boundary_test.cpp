// Document boundaries inside a batch, with and without separator sheets.
#include <gtest/gtest.h>

#include <algorithm>

#include "classify/classify.h"

namespace chartroom::classify {
namespace {

PageText text_page(std::string text) {
  PageText p;
  p.text = std::move(text);
  return p;
}

PageText separator(std::string mrn = "") {
  PageText p;
  p.barcodes.push_back({"Code39", "CHARTROOM-SEP", {}});
  if (!mrn.empty()) p.barcodes.push_back({"Code128", mrn, {}});
  return p;
}

std::string header(const std::string& name, const std::string& mrn) {
  return "Riverside General Hospital\nPatient: " + name + "\nMRN: " + mrn + "\nDOB: 01/02/1960\n";
}

std::vector<std::vector<int>> groups(const Segmentation& s) {
  std::vector<std::vector<int>> out;
  for (const Segment& d : s.documents) out.push_back(d.pages);
  return out;
}

TEST(Boundaries, SeparatorSheetsSplitAndCarryTheMrn) {
  std::vector<PageText> pages = {text_page("Plain text of a letter."), text_page("More of the letter."),
                                 separator("48213377"), text_page("Laboratory values"), separator(),
                                 text_page("A consent form")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}, {3}, {5}}));
  EXPECT_EQ(s.separators, (std::vector<int>{2, 4}));
  EXPECT_EQ(s.documents[1].separator_mrn, "48213377");
  for (const Segment& d : s.documents) EXPECT_FALSE(d.unsure_start || d.unsure_end);
}

TEST(Boundaries, ConfiguredSeparatorValue) {
  IdentifierOptions options;
  options.separator_values = {"NEXT-DOC"};
  PageText sheet;
  sheet.barcodes.push_back({"Code39", "NEXT-DOC", {}});
  std::vector<PageText> pages = {text_page("one"), sheet, text_page("two")};
  EXPECT_EQ(groups(split_documents(pages, options)), (std::vector<std::vector<int>>{{0}, {2}}));
  // The default value is then an ordinary barcode.
  std::vector<PageText> other = {text_page("one"), separator(), text_page("two")};
  EXPECT_EQ(split_documents(other, options).documents.size(), 1U);
}

TEST(Boundaries, PageOfFootersWithoutSeparators) {
  const std::string h = header("SMITH, JOHN", "48213377");
  std::vector<PageText> pages = {text_page(h + "PROGRESS NOTE\nSeen today.\nPage 1 of 2"),
                                 text_page(h + "Plan as above.\nPage 2 of 2"),
                                 text_page(h + "Follow-up visit.\nPage 1 of 1")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}, {2}}));
  ASSERT_EQ(s.boundaries.size(), 2U);
  EXPECT_LT(s.boundaries[0].probability, 0.05);
  EXPECT_GT(s.boundaries[1].probability, 0.95);
}

TEST(Boundaries, ChangeOfPatientSplits) {
  std::vector<PageText> pages = {text_page(header("SMITH, JOHN", "48213377") + "Notes."),
                                 text_page(header("SMITH, JOHN", "48213377") + "More notes."),
                                 text_page(header("OBRIEN, MARY", "55501234") + "Notes.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}, {2}}));
  EXPECT_GT(s.boundaries[1].probability, 0.99);
}

TEST(Boundaries, NewTitleForTheSamePatientSplits) {
  const std::string h = header("SMITH, JOHN", "48213377");
  std::vector<PageText> pages = {text_page(h + "DISCHARGE SUMMARY\nHospital course."),
                                 text_page(h + "Discharge medications listed."),
                                 text_page(h + "MEDICATION LIST\nAspirin 81 mg daily.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}, {2}}));
}

TEST(Boundaries, ContinuationPagesStayTogether) {
  std::vector<PageText> pages = {text_page(header("SMITH, JOHN", "48213377") + "OPERATIVE REPORT\nProcedure."),
                                 text_page("Riverside General Hospital\nThe wound was closed in layers."),
                                 text_page("Riverside General Hospital\nThe patient tolerated the procedure.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_FALSE(s.documents[0].unsure_start || s.documents[0].unsure_end);
}

TEST(Boundaries, SectionHeadingsAndListItemsAreNoTitles) {
  // A continuation page can start with a heading on a line of its own or an
  // item of a numbered list; neither starts a new document.
  const std::string h = header("SMITH, JOHN", "48213377");
  std::vector<PageText> pages = {text_page(h + "CONSULTATION NOTE\nHistory of present illness."),
                                 text_page(h + "PHYSICAL EXAMINATION\nLungs are clear."),
                                 text_page(h + "PHYSLCAL EXAMLNATION\nHeart regular."),
                                 text_page(h + "1. DARVOCET AS NEEDED.\n2. Aspirin.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1, 2, 3}}));
}

TEST(Boundaries, MisreadNameOnAPageWithTheSameMrnStaysTogether) {
  std::vector<PageText> pages = {text_page(header("LITTEL, BERT", "75087126") + "Operative report."),
                                 text_page(header("LITTEL, BCRT", "75087126") + "The wound was closed."),
                                 text_page(header("BAHRINGER, GILRNA", "37670100") + "Other patient.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}, {2}}));
  ASSERT_EQ(s.boundaries.size(), 2U);
  ASSERT_FALSE(s.boundaries[0].reasons.empty());
  EXPECT_NE(s.boundaries[0].reasons[0].find("the MRN agrees"), std::string::npos) << s.boundaries[0].reasons[0];
  // A name OCR misread by look-alike letters agrees outright.
  std::vector<PageText> look_alike = {text_page(header("BAHRINGER, GILMA", "37670100") + "Notes."),
                                      text_page("Riverside General Hospital\nPatient: BAHRINGER, GILRNA\nMore notes.")};
  s = split_documents(look_alike);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}}));
  EXPECT_FALSE(s.documents[0].unsure_start || s.documents[0].unsure_end);
}

TEST(Boundaries, ThePatientsNameOnAStickerIsNoTitle) {
  // An addressograph sticker at the top of each page: name, date of birth,
  // MRN. The name is the patient's, not a new document's title.
  const std::string sticker = "GRIJALVA, HORACIO\nDOB 09/30/1948  M\nMRN 61000001\n";
  // On the first page it sits at the foot, on the second at the top.
  std::string body;
  for (int i = 0; i < 12; ++i) body += "Line " + std::to_string(i + 1) + " of the note.\n";
  std::vector<PageText> pages = {text_page("Riverside General Hospital\nPROGRESS NOTE\n" + body + sticker),
                                 text_page(sticker + "Plan: continue the same treatment.")};
  Segmentation s = split_documents(pages);
  EXPECT_EQ(groups(s), (std::vector<std::vector<int>>{{0, 1}}));
  for (const Boundary& b : s.boundaries) {
    for (const std::string& r : b.reasons) EXPECT_EQ(r.find("GRIJALVA"), std::string::npos) << r;
  }
  // The sticker's name is read as the patient's, two lines from the MRN,
  // and so is one printed "LAST, First M.".
  const auto ids = find_identifiers(pages[1], 1);
  EXPECT_TRUE(std::ranges::any_of(ids, [](const Identifier& id) {
    return id.kind == IdentifierKind::kName && id.value == "GRIJALVA, HORACIO";
  }));
  const auto mixed = find_identifiers(text_page("LITTEL, Bert D.\nMRN: 00069371 M\nDOB 1941-09-11"), 0);
  EXPECT_TRUE(std::ranges::any_of(mixed, [](const Identifier& id) {
    return id.kind == IdentifierKind::kName && id.value == "LITTEL, BERT";
  }));
  // The sticker's edge read as a bar before the name.
  const auto boxed = find_identifiers(text_page("| NITZSCHE, WHITNEY L\n, DOB 03/09/1970"), 0);
  EXPECT_TRUE(std::ranges::any_of(boxed, [](const Identifier& id) {
    return id.kind == IdentifierKind::kName && id.value == "NITZSCHE, WHITNEY";
  }));
}

TEST(Boundaries, WeakCuesMakeAnUnsureBoundary) {
  // Only the page header changes: maybe a new document, maybe not.
  std::vector<PageText> pages = {text_page("Riverside General Hospital\nSome text."),
                                 text_page("Lakeside Clinic\nOther text.")};
  Segmentation s = split_documents(pages);
  ASSERT_EQ(s.boundaries.size(), 1U);
  EXPECT_GT(s.boundaries[0].probability, 0.2);
  EXPECT_LT(s.boundaries[0].probability, 0.8);
  ASSERT_FALSE(s.documents.empty());
  for (const Segment& d : s.documents) EXPECT_TRUE(d.unsure_start || d.unsure_end);
}

}  // namespace
}  // namespace chartroom::classify
