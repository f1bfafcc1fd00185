// Whose a document is when no MRN is printed: the two-identifier rule (name
// and date of birth) against a real store holding thousands of patients and
// the traps records departments meet: twins, Jr. and Sr., a namesake born
// another day, a patient missing from the index, a near name. Each document
// is decided as its own batch, so boundaries do not enter into it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "app/decide.h"

namespace chartroom::app {
namespace {

namespace fs = std::filesystem;

// A discharge summary's body: the type is sure, so only the patient decides.
const std::string kBody =
    "DISCHARGE SUMMARY\nHOSPITAL COURSE: The patient was admitted with community-acquired pneumonia, treated "
    "with intravenous antibiotics and discharged home in good condition. DISCHARGE MEDICATIONS: amoxicillin.\n";

class IdentityTraps : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "chartroom-traps-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = indexer::Store::open(dir_ / "store");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    std::vector<Patient> index = {
        {"61000001", "Grijalva", "Horacio", "", "1948-09-30", 'M'},
        {"61000002", "Garcia", "Maria", "", "2001-05-06", 'F'},  // twins
        {"61000003", "Garcia", "Lucas", "", "2001-05-06", 'M'},
        {"61000004", "Brown", "Robert", "", "1950-07-04", 'M'},  // Sr.
        {"61000005", "Brown", "Robert", "", "1980-02-11", 'M'},  // Jr.
        {"61000006", "Smith", "John", "", "1962-03-14", 'M'},
    };
    // Padding: 3,000 others, many of them Garcias and Smiths.
    const char* families[] = {"Garcia", "Smith", "Nguyen", "Okafor", "Lindqvist", "Patel"};
    const char* givens[] = {"Ana", "James", "Linh", "Chidi", "Sven", "Ravi", "Mary", "Omar", "Yuki", "Ines"};
    for (int k = 0; k < 3000; ++k) {
      const std::string year = std::to_string(1930 + k % 80);
      const std::string month = std::to_string(10 + k % 3);
      const std::string day = std::to_string(10 + k % 18);
      index.push_back({std::to_string(70000000 + k), families[k % 6], std::string(givens[k % 10]),
                       "", year + "-" + month + "-" + day, k % 2 ? 'F' : 'M'});
    }
    ASSERT_TRUE(store_->upsert_patients(index));
  }
  void TearDown() override { fs::remove_all(dir_); }

  indexer::DocumentRecord decide(const std::string& text, const DecideOptions& options = {}) {
    std::vector<indexer::PageRecord> pages(1);
    pages[0].ref = {"batch.tif", 0};
    pages[0].state = PageState::kRead;
    std::vector<PageText> read(1);
    read[0].text = text;
    StoreIndex index(*store_);
    auto documents = decide_documents(pages, read, index, "batch-" + std::to_string(++batches_), options);
    EXPECT_EQ(documents.size(), 1U);
    return documents.empty() ? indexer::DocumentRecord{} : documents.front();
  }

  static bool filed_to(const indexer::DocumentRecord& d, const std::string& mrn) {
    return d.state == DocumentState::kFiled && d.patient && d.patient->mrn == mrn;
  }
  static std::string why(const indexer::DocumentRecord& d) {
    return d.review_reasons.empty() ? std::string("(filed)") : d.review_reasons.front();
  }

  fs::path dir_;
  std::unique_ptr<indexer::Store> store_;
  int batches_ = 0;
};

TEST_F(IdentityTraps, NameAndBirthDateOnAStickerFileWithoutAnMrn) {
  // A monospace sticker OCR read with "I" as "l".
  const auto d = decide("Riverside General Hospital\nGRlJALVA, HORACIO\nDOB 09/30/1948   M\n" + kBody);
  EXPECT_TRUE(filed_to(d, "61000001")) << why(d);
}

TEST_F(IdentityTraps, AHandFilledFieldFilesLikeASticker) {
  const auto d = decide("Patient name: John Smith      Date of birth: 03/14/1962\n" + kBody);
  EXPECT_TRUE(filed_to(d, "61000006")) << why(d);
}

TEST_F(IdentityTraps, TwinsAreToldApartOnlyByAGivenNameReadWell) {
  EXPECT_TRUE(filed_to(decide("Patient: GARCIA, LUCAS   DOB: 05/06/2001\n" + kBody), "61000003"));
  EXPECT_TRUE(filed_to(decide("Patient: GARCIA, MARIA   DOB: 05/06/2001\n" + kBody), "61000002"));
  const auto initial = decide("Patient: GARCIA, M   DOB: 05/06/2001\n" + kBody);
  EXPECT_EQ(initial.state, DocumentState::kReview);
}

TEST_F(IdentityTraps, JuniorAndSeniorNeedTheirBirthDates) {
  EXPECT_TRUE(filed_to(decide("Patient: BROWN, ROBERT JR   DOB: 02/11/1980\n" + kBody), "61000005"));
  EXPECT_TRUE(filed_to(decide("Patient: BROWN, ROBERT   DOB: 07/04/1950\n" + kBody), "61000004"));
  const auto no_date = decide("Patient: BROWN, ROBERT\n" + kBody);
  EXPECT_EQ(no_date.state, DocumentState::kReview);
  // Both fit the name; the reason does not claim a date of birth was read.
  EXPECT_NE(why(no_date).find("does not tell them apart"), std::string::npos) << why(no_date);
}

TEST_F(IdentityTraps, ANamesakeBornAnotherDayIsNotFiledToTheIndexedOne) {
  // John Smith born 1975 is not in the index; the one born 1962 is.
  const auto d = decide("Patient: SMITH, JOHN   DOB: 11/02/1975\n" + kBody);
  EXPECT_EQ(d.state, DocumentState::kReview);
}

TEST_F(IdentityTraps, ANearNameBornTheSameDayGoesToReview) {
  // Jon Smyth, born the same day as John Smith, is not in the index.
  const auto d = decide("Patient: SMYTH, JON   DOB: 03/14/1962\n" + kBody);
  EXPECT_EQ(d.state, DocumentState::kReview);
}

TEST_F(IdentityTraps, AnMrnThatContradictsTheNameStopsIt) {
  // Smith's name and date of birth with Grijalva's MRN, and with an MRN the
  // index does not hold.
  EXPECT_EQ(decide("Patient: SMITH, JOHN  MRN: 61000001  DOB: 03/14/1962\n" + kBody).state, DocumentState::kReview);
  EXPECT_EQ(decide("Patient: SMITH, JOHN  MRN: 69999999  DOB: 03/14/1962\n" + kBody).state, DocumentState::kReview);
}

TEST_F(IdentityTraps, ASiteThatWantsAnMrnGetsAReview) {
  DecideOptions options;
  options.match.file_without_mrn = false;
  const auto d = decide("Patient: GARCIA, LUCAS   DOB: 05/06/2001\n" + kBody, options);
  EXPECT_EQ(d.state, DocumentState::kReview);
  EXPECT_NE(why(d).find("file_without_mrn"), std::string::npos) << why(d);
}

}  // namespace
}  // namespace chartroom::app
