#include <gtest/gtest.h>

#include <map>

#include "classify/classify.h"

namespace chartroom::classify {
namespace {

PageText page(std::string text) {
  PageText p;
  p.text = std::move(text);
  return p;
}

class MapIndex final : public PatientIndex {
 public:
  void add(Patient p) { patients_[p.mrn] = std::move(p); }
  Result<std::optional<Patient>> by_mrn(std::string_view mrn) override {
    auto it = patients_.find(std::string(mrn));
    if (it == patients_.end()) return std::optional<Patient>{};
    return std::optional<Patient>{it->second};
  }

 private:
  std::map<std::string, Patient> patients_;
};

MapIndex index_with_smith() {
  MapIndex index;
  index.add({"48213377", "Smith", "John", "", "1962-03-14", 'M'});
  index.add({"55501234", "O'Brien", "Mary", "", "1990-02-28", 'F'});
  return index;
}

TEST(Identifiers, ReadsMrnLabelsInTheirManyForms) {
  for (const char* text : {"MRN: 48213377", "Med Rec #: 48213377", "Medical Record No. 48213377", "MR# 4821-3377",
                           "M.R.N. 48213377"}) {
    auto ids = find_identifiers(page(text), 0);
    ASSERT_EQ(ids.size(), 1U) << text;
    EXPECT_EQ(ids[0].kind, IdentifierKind::kMrn);
    EXPECT_EQ(ids[0].value, "48213377") << text;
  }
}

TEST(Identifiers, IgnoresMrnLabelWithoutANumber) {
  EXPECT_TRUE(find_identifiers(page("MRN: unknown at time of visit"), 0).empty());
}

TEST(Identifiers, ReadsNamesInBothOrders) {
  auto ids = find_identifiers(page("Patient: SMITH, JOHN\nName: John Smith"), 0);
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[0].value, "SMITH, JOHN");
  EXPECT_EQ(ids[1].value, "SMITH, JOHN");
}

TEST(Identifiers, ReadsDatesOfBirthInCommonFormats) {
  for (const char* text : {"DOB: 03/14/1962", "Date of Birth: 1962-03-14", "DOB 3-14-62", "D.O.B. March 14, 1962"}) {
    auto ids = find_identifiers(page(text), 0);
    ASSERT_EQ(ids.size(), 1U) << text;
    EXPECT_EQ(ids[0].value, "1962-03-14") << text;
  }
}

TEST(Identifiers, RejectsImpossibleDates) {
  EXPECT_FALSE(normalize_date("02/30/1990"));
  EXPECT_FALSE(normalize_date("13/01/1990"));
  EXPECT_TRUE(normalize_date("02/29/2000"));
  EXPECT_FALSE(normalize_date("02/29/1900"));
}

TEST(Match, FilesWhenMrnNameAndDobAgree) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: SMITH, JOHN   MRN: 48213377   DOB: 03/14/1962")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->file);
  ASSERT_TRUE(decision->patient);
  EXPECT_EQ(decision->patient->mrn, "48213377");
  EXPECT_GE(decision->patient->confidence, 0.95);
}

TEST(Match, NameWithApostropheMatches) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: OBRIEN, MARY\nMRN: 55501234")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->file);
}

TEST(Match, MrnAloneGoesToReview) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("MRN: 48213377\nChest pain for two days.")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->file);
  ASSERT_TRUE(decision->patient);  // offered as the candidate
  EXPECT_FALSE(decision->review_reasons.empty());
}

TEST(Match, UnknownMrnGoesToReviewWithoutCandidate) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: DOE, JANE  MRN: 99999999  DOB: 01/01/1970")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->file);
  EXPECT_FALSE(decision->patient);
  EXPECT_NE(decision->review_reasons.front().find("not in the patient index"), std::string::npos);
}

TEST(Match, NoMrnGoesToReview) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: SMITH, JOHN  DOB: 03/14/1962")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->file);
}

TEST(Match, TwoMrnsInOneDocumentGoToReview) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: SMITH, JOHN  MRN: 48213377  DOB: 03/14/1962"),
                                 page("Patient: OBRIEN, MARY  MRN: 55501234  DOB: 02/28/1990")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->file);
  EXPECT_NE(decision->review_reasons.front().find("different MRNs"), std::string::npos);
}

TEST(Match, ContradictingNameOrDobGoesToReview) {
  MapIndex index = index_with_smith();
  // The right MRN with another person's name: the MRN may be misread or mislabelled.
  std::vector<PageText> wrong_name = {page("Patient: SMYTHE, JOAN  MRN: 48213377  DOB: 03/14/1962")};
  auto d1 = match_patient(wrong_name, index);
  ASSERT_TRUE(d1);
  EXPECT_FALSE(d1->file);
  std::vector<PageText> wrong_dob = {page("Patient: SMITH, JOHN  MRN: 48213377  DOB: 03/15/1962")};
  auto d2 = match_patient(wrong_dob, index);
  ASSERT_TRUE(d2);
  EXPECT_FALSE(d2->file);
  EXPECT_LT(d2->patient->confidence, 0.5);
}

TEST(DocType, RecognisesTitlesNearTheTop) {
  auto type = classify_document_type(page("Riverside General Hospital\nDISCHARGE SUMMARY\nText"));
  ASSERT_TRUE(type);
  EXPECT_EQ(type->label, "discharge_summary");
  EXPECT_FALSE(classify_document_type(page("Nothing that looks like a title here.")));
  for (std::string_view label : default_document_types()) EXPECT_FALSE(label.empty());
}

}  // namespace
}  // namespace chartroom::classify
