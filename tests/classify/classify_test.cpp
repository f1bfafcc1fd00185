#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "classify/classify.h"
#include "classify/compare.h"
#include "classify/match_internal.h"

namespace chartroom::classify {
namespace {

PageText page(std::string text) {
  PageText p;
  p.text = std::move(text);
  return p;
}

// An in-memory index with the same lookups as the store (tests of the store's
// own lookups are in tests/indexer).
class MapIndex final : public PatientIndex {
 public:
  void add(Patient p) { patients_[p.mrn] = std::move(p); }
  Result<std::optional<Patient>> by_mrn(std::string_view mrn) override {
    auto it = patients_.find(std::string(mrn));
    if (it == patients_.end()) return std::optional<Patient>{};
    return std::optional<Patient>{it->second};
  }
  Result<std::vector<Patient>> by_birth_date(std::string_view date, int limit) override {
    return select([&](const Patient& p) { return p.birth_date == date; }, limit);
  }
  Result<std::vector<Patient>> by_family_name(std::string_view family, int limit) override {
    return select([&](const Patient& p) { return to_upper_ascii(p.family_name) == family; }, limit);
  }
  Result<std::int64_t> size() override { return static_cast<std::int64_t>(patients_.size()); }

 private:
  template <typename F>
  std::vector<Patient> select(F keep, int limit) {
    std::vector<Patient> out;
    for (const auto& [mrn, p] : patients_) {
      if (keep(p) && static_cast<int>(out.size()) < limit) out.push_back(p);
    }
    return out;
  }
  std::map<std::string, Patient> patients_;
};

MapIndex index_with_smith() {
  MapIndex index;
  index.add({"48213377", "Smith", "John", "", "1962-03-14", 'M'});
  index.add({"55501234", "O'Brien", "Mary", "", "1990-02-28", 'F'});
  return index;
}

PatientDecision decide(MapIndex& index, std::vector<std::string> texts, MatchOptions options = {}) {
  std::vector<PageText> pages;
  for (std::string& t : texts) pages.push_back(page(std::move(t)));
  auto decision = match_patient(pages, index, options);
  EXPECT_TRUE(decision);
  return decision ? *decision : PatientDecision{};
}

bool mentions(const PatientDecision& d, std::string_view what) {
  return std::ranges::any_of(d.review_reasons, [&](const std::string& r) { return r.find(what) != std::string::npos; });
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

TEST(Identifiers, AnAccountNumberBesideAnMrnIsTheVisitsNotASecondMrn) {
  auto ids = find_identifiers(page("SMITH, JOHN\nMRN: 48213377   Acct #: 9900123456\nDOB: 03/14/1962"), 0);
  EXPECT_EQ(std::ranges::count(ids, IdentifierKind::kMrn, &Identifier::kind), 1);
  // Alone on a later page it is read, marked as an account number, and a
  // value that is not the patient's MRN does not count against them.
  MapIndex index = index_with_smith();
  auto d = decide(index, {"Patient: SMITH, JOHN  MRN: 48213377  DOB: 03/14/1962", "Account No. 9900123456\nNotes."});
  EXPECT_TRUE(d.file) << (d.review_reasons.empty() ? "" : d.review_reasons.front());
}

TEST(Identifiers, ANameUnderAnEmergencyContactOrGuarantorIsSomeoneElses) {
  auto ids = find_identifiers(page("PATIENT\nName: John Smith      DOB: 03/14/1962\nEMERGENCY CONTACT\n"
                                   "Name: Sandra Rowe\nRelationship: sister\nGUARANTOR\nName: Paul Rowe"),
                              0);
  std::vector<std::string> names;
  for (const Identifier& id : ids) {
    if (id.kind == IdentifierKind::kName) names.push_back(id.value);
  }
  EXPECT_EQ(names, std::vector<std::string>{"SMITH, JOHN"});
}

TEST(Identifiers, ALettersReLineNamesThePatientBesideADateOfBirth) {
  auto with_date = find_identifiers(page("Dear Dr. Okafor,\nRE: Jane Doe\nDOB: 01/02/1950\nThank you."), 0);
  EXPECT_TRUE(std::ranges::any_of(with_date, [](const Identifier& id) {
    return id.kind == IdentifierKind::kName && id.value == "DOE, JANE";
  }));
  auto subject = find_identifiers(page("Dear Dr. Okafor,\nRE: Chest pain\nThank you for seeing her."), 0);
  EXPECT_TRUE(std::ranges::none_of(subject, [](const Identifier& id) { return id.kind == IdentifierKind::kName; }));
}

TEST(Identifiers, MonospaceStickersReadAsOcrReadsThem) {
  // "0" read as "9" in a day or month, a "BD:" label, a suffix on the sticker.
  auto ids = find_identifiers(page("COLE, DOMINIC C SR.\nMed Rec # 03972981 DOB 93-NOV-1982"), 0);
  std::map<IdentifierKind, std::string> read;
  for (const Identifier& id : ids) read[id.kind] = id.value;
  EXPECT_EQ(read[IdentifierKind::kBirthDate], "1982-11-03");
  EXPECT_EQ(read[IdentifierKind::kName], "COLE, DOMINIC");
  auto bd = find_identifiers(page("PT NAME: DICKENS, ROWENA BD: 93/17/1954"), 0);
  ASSERT_EQ(bd.size(), 2U);
  EXPECT_EQ(bd[1].value, "1954-03-17");
  EXPECT_TRUE(bd[1].corrected);
  // A two-digit year is never changed: 01/02/95 stays 1995.
  auto year = find_identifiers(page("DOB: 01/02/95"), 0);
  ASSERT_EQ(year.size(), 1U);
  EXPECT_EQ(year[0].value, "1995-01-02");
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
  EXPECT_FALSE(normalize_date("13/13/1990"));
  EXPECT_EQ(normalize_date("13/01/1990"), "1990-01-13");  // cannot be month first: day first
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

TEST(Match, NoMrnAndNoBirthDateGoesToReview) {
  MapIndex index = index_with_smith();
  std::vector<PageText> pages = {page("Patient: SMITH, JOHN\nFollow-up visit.")};
  auto decision = match_patient(pages, index);
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->file);
  ASSERT_FALSE(decision->review_reasons.empty());
  EXPECT_NE(decision->review_reasons.front().find("the date of birth was not"), std::string::npos);
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

TEST(Identifiers, ReadsMoreMrnLabelsAndFixesLookAlikes) {
  for (const char* text : {"Acct #: 48213377", "Patient ID: 48213377", "Chart No. 48213377", "MR No: 48213377"}) {
    auto ids = find_identifiers(page(text), 0);
    ASSERT_EQ(ids.size(), 1U) << text;
    EXPECT_EQ(ids[0].value, "48213377") << text;
    EXPECT_FALSE(ids[0].corrected) << text;
  }
  auto ids = find_identifiers(page("MRN: 482l3S77"), 0);
  ASSERT_EQ(ids.size(), 1U);
  EXPECT_EQ(ids[0].value, "48213577");
  EXPECT_TRUE(ids[0].corrected);
  EXPECT_EQ(ids[0].text, "482l3S77");
}

TEST(Identifiers, SitePatternAndCheckDigit) {
  IdentifierOptions luhn;
  luhn.mrn_pattern = "[0-9]{11}";
  luhn.check_digit = CheckDigit::kLuhn;
  EXPECT_TRUE(mrn_is_valid("79927398713", luhn));
  EXPECT_FALSE(mrn_is_valid("79927398714", luhn));
  EXPECT_FALSE(mrn_is_valid("7992739871", luhn));  // pattern: 11 digits
  IdentifierOptions mod11;
  mod11.check_digit = CheckDigit::kMod11;
  EXPECT_TRUE(mrn_is_valid("0306406152", mod11));  // ISBN-10 style check
  EXPECT_FALSE(mrn_is_valid("0306406153", mod11));
  // An MRN of another shape is not read under a site pattern.
  IdentifierOptions site;
  site.mrn_pattern = "A[0-9]{7}";
  EXPECT_EQ(find_identifiers(page("MRN: A1234567"), 0, site).size(), 1U);
  EXPECT_TRUE(find_identifiers(page("MRN: 12345678"), 0, site).empty());
}

TEST(Identifiers, NamesWithMiddleInitialSuffixAndStickers) {
  auto ids = find_identifiers(page("Name: John Q. Smith Jr.   DOB: 03/14/1962"), 0);
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[0].value, "SMITH, JOHN");
  EXPECT_EQ(ids[0].suffix, "JR");
  // Someone else's name is not the patient's.
  for (const IdentifierKind kind : {IdentifierKind::kName}) {
    for (const Identifier& id : find_identifiers(page("Physician Name: Alan Adams"), 0)) EXPECT_NE(id.kind, kind);
  }
  // A sticker label: the name on a line of its own beside the MRN.
  auto sticker = find_identifiers(page("O'BRIEN, MARY A\nMRN: 55501234\n"), 0);
  ASSERT_EQ(sticker.size(), 2U);
  EXPECT_EQ(sticker[1].value, "O'BRIEN, MARY");
  EXPECT_EQ(sticker[1].label, "label");
}

TEST(Identifiers, MoreDateFormatsAndLookAlikeDigits) {
  for (const char* text : {"DOB: 14-Mar-1962", "DOB: 14 March 1962", "Birth Date: 1962/03/14", "DOB: 14MAR1962",
                           "Born: Mar 14 1962", "DOB: O3/l4/1962"}) {
    auto ids = find_identifiers(page(text), 0);
    ASSERT_EQ(ids.size(), 1U) << text;
    EXPECT_EQ(ids[0].value, "1962-03-14") << text;
  }
  EXPECT_TRUE(find_identifiers(page("DOB: O3/l4/1962"), 0)[0].corrected);
}

TEST(Identifiers, LookAlikesInTheYearOfAWrittenDate) {
  auto ids = find_identifiers(page("DOB: August 3, l999"), 0);
  ASSERT_EQ(ids.size(), 1U);
  EXPECT_EQ(ids[0].value, "1999-08-03");
  EXPECT_TRUE(ids[0].corrected);
  // The month's letters are not digits ("Oct" stays October).
  ids = find_identifiers(page("DOB: Oct 1O, 1962"), 0);
  ASSERT_EQ(ids.size(), 1U);
  EXPECT_EQ(ids[0].value, "1962-10-10");
}

TEST(Identifiers, ExamHeadingsBesideAnMrnAreNoSticker) {
  // A page's body can start with a broken heading right under the header.
  for (const Identifier& id : find_identifiers(page("MRN: 55501234\nEARS, NOSE\nMOUTH AND THROAT: Clear."), 0)) {
    EXPECT_NE(id.kind, IdentifierKind::kName) << id.value;
  }
}

TEST(Identifiers, MrnBarcodesAndSeparatorSheets) {
  PageText sheet;
  sheet.barcodes = {{"Code39", "CHARTROOM-SEP", {}}, {"Code128", "48213377", {10, 20, 300, 80}}};
  std::string mrn;
  EXPECT_TRUE(is_separator_page(sheet, {}, &mrn));
  EXPECT_EQ(mrn, "48213377");
  PageText label;
  label.barcodes = {{"Code128", "MRN:48213377", {5, 5, 100, 40}}};
  EXPECT_FALSE(is_separator_page(label, {}));
  auto ids = find_identifiers(label, 2);
  ASSERT_EQ(ids.size(), 1U);
  EXPECT_TRUE(ids[0].from_barcode);
  EXPECT_EQ(ids[0].value, "48213377");
  EXPECT_EQ(ids[0].page, 2);
  EXPECT_EQ(ids[0].box.width, 100);
  IdentifierOptions patch;
  patch.separator_values = {"PATCHT"};
  PageText t;
  t.barcodes = {{"Code39", "PATCHT", {}}};
  EXPECT_TRUE(is_separator_page(t, patch));
}

TEST(JaroWinkler, KnownValues) {
  EXPECT_NEAR(jaro_winkler("MARTHA", "MARHTA"), 0.961, 0.001);
  EXPECT_NEAR(jaro_winkler("DWAYNE", "DUANE"), 0.84, 0.001);
  EXPECT_DOUBLE_EQ(jaro_winkler("SMITH", "SMITH"), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("ABC", "XYZ"), 0.0);
}

TEST(NameComparison, LettersOcrConfusesAreClose) {
  using detail::Agreement;
  EXPECT_EQ(detail::compare_given("GILRNA", "GILMA").level, Agreement::kClose);  // rn for m
  EXPECT_EQ(detail::compare_given("AI", "AL").level, Agreement::kClose);         // I for l
  EXPECT_EQ(detail::compare_family("VVALSH", "WALSH").level, Agreement::kClose); // vv for w
  EXPECT_EQ(detail::compare_given("AL", "ED").level, Agreement::kConflict);
  EXPECT_EQ(detail::compare_family("SMITH", "JONES").level, Agreement::kConflict);
}

TEST(Match, ToleratesDayMonthSwapAndLookAlikesAtLowerWeight) {
  MapIndex index = index_with_smith();
  index.add({"61234567", "Novak", "Ana", "", "1985-06-09", 'F'});
  // Written day first (9 June), read month first (6 September).
  auto swapped = decide(index, {"Patient: NOVAK, ANA  MRN: 61234567  DOB: 09/06/1985"});
  EXPECT_TRUE(swapped.file) << (swapped.review_reasons.empty() ? "" : swapped.review_reasons[0]);
  auto exact = decide(index, {"Patient: NOVAK, ANA  MRN: 61234567  DOB: 06/09/1985"});
  ASSERT_FALSE(swapped.candidates.empty());
  EXPECT_LT(swapped.candidates[0].weight, exact.candidates[0].weight);
  auto look_alike = decide(index, {"Patient: SMlTH, J0HN  MRN: 482l3377  DOB: O3/14/1962"});
  EXPECT_TRUE(look_alike.file);
  EXPECT_EQ(look_alike.patient->mrn, "48213377");
}

TEST(Match, MisreadMrnFindsThePatientButAsksAPerson) {
  MapIndex index = index_with_smith();
  // 48213377 read as 48213877 (3/8): found through the MRN's look-alike variants.
  auto d = decide(index, {"Patient: SMITH, JOHN  MRN: 48218377"});
  ASSERT_TRUE(d.patient);
  EXPECT_EQ(d.patient->mrn, "48213377");
  EXPECT_FALSE(d.file);
}

TEST(Match, TwinsAreToldApartByGivenNameAndMrn) {
  MapIndex index;
  index.add({"10000001", "Garcia", "Maria", "", "2001-05-06", 'F'});
  index.add({"10000002", "Garcia", "Mario", "", "2001-05-06", 'M'});
  auto with_mrn = decide(index, {"Patient: GARCIA, MARIO  MRN: 10000002  DOB: 05/06/2001"});
  EXPECT_TRUE(with_mrn.file);
  EXPECT_EQ(with_mrn.patient->mrn, "10000002");
  // Without an MRN the two entries fit nearly as well: a person decides.
  auto without = decide(index, {"Patient: GARCIA, MARI0  DOB: 05/06/2001"});
  EXPECT_FALSE(without.file);
  EXPECT_GE(without.candidates.size(), 2U);
}

TEST(Match, SameNameAndBirthDateTwiceNeedsTheMrn) {
  MapIndex index;
  index.add({"20000001", "Lee", "David", "", "1970-01-01", 'M'});
  index.add({"20000002", "Lee", "David", "", "1970-01-01", 'M'});
  MatchOptions allow;
  allow.file_without_mrn = true;
  auto d = decide(index, {"Patient: LEE, DAVID  DOB: 01/01/1970"}, allow);
  EXPECT_FALSE(d.file);
  EXPECT_TRUE(mentions(d, "two index entries fit about equally well"));
  EXPECT_TRUE(mentions(d, "the same name and date of birth"));
  EXPECT_TRUE(decide(index, {"Patient: LEE, DAVID  MRN: 20000002  DOB: 01/01/1970"}).file);
}

TEST(Match, JuniorAndSeniorDifferByBirthDate) {
  MapIndex index;
  index.add({"30000001", "Brown", "Robert", "", "1950-07-04", 'M'});
  index.add({"30000002", "Brown", "Robert", "", "1980-02-11", 'M'});
  auto jr = decide(index, {"Name: Robert Brown Jr.  MRN: 30000002  DOB: 02/11/1980"});
  EXPECT_TRUE(jr.file);
  EXPECT_EQ(jr.patient->mrn, "30000002");
  // The son's MRN with the father's date of birth: contradiction.
  EXPECT_FALSE(decide(index, {"Name: Robert Brown  MRN: 30000002  DOB: 07/04/1950"}).file);
  // The name alone fits father and son: filed to neither, even though a
  // name and date of birth now file without an MRN.
  EXPECT_FALSE(decide(index, {"Name: Robert Brown"}).file);
}

TEST(Match, NameAndBirthDateFileUnlessTheSiteWantsAnMrn) {
  MapIndex index = index_with_smith();
  auto two = decide(index, {"Patient: SMITH, JOHN  DOB: 03/14/1962"});
  EXPECT_TRUE(two.file);
  ASSERT_TRUE(two.patient);
  EXPECT_EQ(two.patient->mrn, "48213377");
  MatchOptions strict;
  strict.file_without_mrn = false;
  auto only_mrn = decide(index, {"Patient: SMITH, JOHN  DOB: 03/14/1962"}, strict);
  EXPECT_FALSE(only_mrn.file);
  ASSERT_TRUE(only_mrn.patient);
  EXPECT_EQ(only_mrn.patient->mrn, "48213377");
  EXPECT_TRUE(mentions(only_mrn, "file_without_mrn = false"));
}

TEST(Match, NamesReadWithOcrLookAlikesStillFile) {
  MapIndex index;
  index.add({"61000001", "Grijalva", "Horacio", "", "1948-09-30", 'M'});
  // "I" read as "l" and "rn" for "m" are what OCR does to a sticker's name.
  auto d = decide(index, {"Patient: GRlJALVA, HORACl0  DOB: 09/30/1948"});
  EXPECT_TRUE(d.file);
  ASSERT_TRUE(d.patient);
  EXPECT_EQ(d.patient->mrn, "61000001");
  index.add({"61000002", "Ramos", "Miriam", "", "1960-01-15", 'F'});
  EXPECT_TRUE(decide(index, {"Name: Rarnos, Miriarn  DOB: 01/15/1960"}).file);
}

TEST(Match, ANearNameOfAnIndexedPatientGoesToReview) {
  // Jon Smyth is not in the index; John Smith, born the same day, is.
  MapIndex index = index_with_smith();
  auto d = decide(index, {"Patient: SMYTH, JOHN  DOB: 03/14/1962"});
  EXPECT_FALSE(d.file);
  EXPECT_TRUE(mentions(d, "both the name and the date of birth"));
}

TEST(Match, SameNameWithAnotherBirthDateIsNotThePatient) {
  MapIndex index = index_with_smith();
  // A John Smith born in 1980 is someone else, missing from the index.
  auto missing = decide(index, {"Patient: SMITH, JOHN  DOB: 01/01/1980"});
  EXPECT_FALSE(missing.file);
  // With both John Smiths in the index the date tells them apart.
  index.add({"48219999", "Smith", "John", "", "1980-01-01", 'M'});
  auto d = decide(index, {"Patient: SMITH, JOHN  DOB: 01/01/1980"});
  EXPECT_TRUE(d.file);
  EXPECT_EQ(d.patient->mrn, "48219999");
}

TEST(Match, TwinsWithoutAnMrnAreFiledOnlyOnAGivenNameReadWell) {
  MapIndex index;
  index.add({"10000001", "Garcia", "Maria", "", "2001-05-06", 'F'});
  index.add({"10000003", "Garcia", "Lucas", "", "2001-05-06", 'M'});
  auto lucas = decide(index, {"Patient: GARCIA, LUCAS  DOB: 05/06/2001"});
  EXPECT_TRUE(lucas.file);
  EXPECT_EQ(lucas.patient->mrn, "10000003");
  // A given name only an initial: either twin.
  EXPECT_FALSE(decide(index, {"Patient: GARCIA, L  DOB: 05/06/2001"}).file);
}

TEST(Match, AnMrnThatPointsElsewhereStopsNameAndBirthDate) {
  MapIndex index = index_with_smith();
  // Smith's name and date of birth with O'Brien's MRN.
  EXPECT_FALSE(decide(index, {"Patient: SMITH, JOHN  MRN: 55501234  DOB: 03/14/1962"}).file);
  // An MRN the index does not hold contradicts the entry too.
  EXPECT_FALSE(decide(index, {"Patient: SMITH, JOHN  MRN: 77700001  DOB: 03/14/1962"}).file);
}

TEST(Match, ARareFamilyNameWeighsMoreThanACommonOne) {
  using detail::family_name_weight;
  EXPECT_GT(family_name_weight(1, 100'000), family_name_weight(2'000, 100'000));
  // A small index says little: close to the 1-in-1,000 default.
  EXPECT_NEAR(family_name_weight(1, 200), 9.2, 0.5);
  EXPECT_GE(family_name_weight(50'000, 100'000), 5.0);
  EXPECT_LE(family_name_weight(1, 100'000'000), 14.0);
}

TEST(Match, PatientMissingFromTheIndex) {
  MapIndex index = index_with_smith();
  // A near name of an indexed patient, another MRN and date of birth.
  auto d = decide(index, {"Patient: SMYTH, JON  MRN: 77712345  DOB: 11/02/1975"});
  EXPECT_FALSE(d.file);
  EXPECT_FALSE(d.patient);
  EXPECT_TRUE(mentions(d, "not in the patient index"));
}

TEST(Match, TwoIdentitiesInOneDocumentWithOneMrn) {
  MapIndex index = index_with_smith();
  auto d = decide(index, {"Patient: SMITH, JOHN  MRN: 48213377  DOB: 03/14/1962",
                          "Patient: OBRIEN, MARY  DOB: 02/28/1990\nContinued notes."});
  EXPECT_FALSE(d.file);
  EXPECT_TRUE(mentions(d, "contradicted"));
}

TEST(Match, PagesWithoutIdentifiersDoNotHurt) {
  MapIndex index = index_with_smith();
  auto d = decide(index, {"Patient: SMITH, JOHN  MRN: 48213377  DOB: 03/14/1962", "Plan: follow up in 2 weeks.",
                          "Signed electronically."});
  EXPECT_TRUE(d.file);
  EXPECT_GE(d.patient->confidence, 0.99);
}

TEST(Match, MrnBarcodeConfirmedByName) {
  MapIndex index = index_with_smith();
  PageText p = page("Patient: SMITH, JOHN\nLaboratory results");
  p.barcodes = {{"Code128", "48213377", {}}};
  std::vector<PageText> pages = {p};
  auto d = match_patient(pages, index);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->file);
}

TEST(DocType, RecognisesTitlesNearTheTop) {
  auto type = classify_document_type(page("Riverside General Hospital\nDISCHARGE SUMMARY\nText"));
  ASSERT_TRUE(type);
  EXPECT_EQ(type->label, "discharge_summary");
  EXPECT_FALSE(classify_document_type(page("Nothing that looks like a title here.")));
  for (const char* title : {"MEDICATION ADMINISTRATION RECORD", "Medication Profile", "HOME MEDICATION LIST"}) {
    auto meds = classify_document_type(page(std::string("Riverside General Hospital\n") + title + "\nAspirin 81 mg"));
    ASSERT_TRUE(meds) << title;
    EXPECT_EQ(meds->label, "medication_list") << title;
  }
  for (std::string_view label : default_document_types()) EXPECT_FALSE(label.empty());
}

TEST(DocType, TitlePhrasesMatchWholeWords) {
  auto er = classify_document_type(page("ER REPORT - STOMACH PAIN\nText"));
  ASSERT_TRUE(er);
  EXPECT_EQ(er->label, "emergency_note");
  auto consult = classify_document_type(page("CARDIOLOGY CONSULTATION\nText"));
  ASSERT_TRUE(consult);
  EXPECT_EQ(consult->label, "history_and_physical");
  // "ER VISIT" is not inside "LASER VISIT", nor "LETTER" inside "LETTERHEAD".
  EXPECT_FALSE(classify_document_type(page("LASER VISIT SUMMARY\nText")));
  EXPECT_FALSE(classify_document_type(page("CLINIC LETTERHEAD PAPER\nText")));
}

}  // namespace
}  // namespace chartroom::classify
