// Patient CSV and FHIR parsing: good rows import, bad rows are reported by line or entry.
#include <gtest/gtest.h>

#include "indexer/indexer.h"

namespace chartroom::indexer {
namespace {

bool has_problem(const std::vector<ImportProblem>& problems, int line, const std::string& fragment) {
  for (const auto& p : problems) {
    if (p.line == line && p.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

std::string dump(const std::vector<ImportProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.message + "\n";
  return out;
}

TEST(PatientsCsv, GoodRowsAndEveryBadRowClass) {
  const std::string csv =
      "mrn,family_name,given_name,birth_date,sex\n"  // 1
      "A1,Doe,Jane,1980-02-29,F\n"                   // 2 leap day
      ",Nobody,No,1980-01-01,F\n"                    // 3 empty mrn
      "A3,Smith,Al,1985-13-02,M\n"                   // 4 month 13
      "A4,Smith,Al,1900-02-29,M\n"                   // 5 1900 is not leap
      "A5,Smith,Al,1985-04-31,M\n"                   // 6 April 31
      "A6,Smith,Al,85-04-01,M\n"                     // 7 short year
      "A7,Smith,Al,1985-04-01,X\n"                   // 8 bad sex
      "A8,Smith,Al,1985-04-01\n"                     // 9 too few fields
      "A1,Dupe,Jane,1980-02-29,F\n"                  // 10 duplicate
      "A9,Lower,case,2000-02-29,m\n";                // 11 lowercase sex
  std::vector<ImportProblem> problems;
  auto patients = parse_patients_csv(csv, problems);
  ASSERT_TRUE(patients) << patients.error().message;
  ASSERT_EQ(patients->size(), 2u) << dump(problems);
  EXPECT_EQ((*patients)[0].mrn, "A1");
  EXPECT_EQ((*patients)[0].family_name, "Doe");  // the first of the duplicates is kept
  EXPECT_EQ((*patients)[1].sex, 'M');
  EXPECT_EQ(problems.size(), 8u) << dump(problems);
  EXPECT_TRUE(has_problem(problems, 3, "mrn is empty"));
  EXPECT_TRUE(has_problem(problems, 4, "line 4: birth_date '1985-13-02' is not a valid date (expected YYYY-MM-DD)"));
  EXPECT_TRUE(has_problem(problems, 5, "1900-02-29"));
  EXPECT_TRUE(has_problem(problems, 6, "1985-04-31"));
  EXPECT_TRUE(has_problem(problems, 7, "85-04-01"));
  EXPECT_TRUE(has_problem(problems, 8, "sex 'X' is not one of F M O U"));
  EXPECT_TRUE(has_problem(problems, 9, "has 4 fields"));
  EXPECT_TRUE(has_problem(problems, 10, "already appears on line 2"));
}

TEST(PatientsCsv, ReorderedColumnsBomCrlfAndQuotes) {
  const std::string csv =
      "\xEF\xBB\xBF Sex ,BIRTH_DATE,phone,Given_Name,middle_name,family_name,MRN\r\n"
      "F,1975-07-04,\"555-1234\",\"Mary, Ann\",Q,\"O\"\"Brien\",B1\r\n"
      "M,1960-01-31,,\"Multi\nLine\",,Ng,B2\r\n"
      "u,1999-12-31,x,Sam,,Lee,B3\r\n";
  std::vector<ImportProblem> problems;
  auto patients = parse_patients_csv(csv, problems);
  ASSERT_TRUE(patients) << patients.error().message;
  EXPECT_TRUE(problems.empty()) << dump(problems);
  ASSERT_EQ(patients->size(), 3u);
  const Patient& p = (*patients)[0];
  EXPECT_EQ(p.mrn, "B1");
  EXPECT_EQ(p.family_name, "O\"Brien");
  EXPECT_EQ(p.given_name, "Mary, Ann");
  EXPECT_EQ(p.middle_name, "Q");
  EXPECT_EQ(p.birth_date, "1975-07-04");
  EXPECT_EQ(p.sex, 'F');
  EXPECT_EQ((*patients)[1].given_name, "Multi\nLine");
  EXPECT_EQ((*patients)[2].sex, 'U');
}

TEST(PatientsCsv, LineNumbersCountQuotedLineBreaks) {
  const std::string csv =
      "mrn,family_name,given_name,birth_date,sex\n"
      "C1,\"Two\nLines\",A,1990-01-01,F\n"  // lines 2-3
      "C2,Bad,Date,1990-02-30,F\n";        // line 4
  std::vector<ImportProblem> problems;
  auto patients = parse_patients_csv(csv, problems);
  ASSERT_TRUE(patients);
  EXPECT_EQ(patients->size(), 1u);
  EXPECT_TRUE(has_problem(problems, 4, "line 4: birth_date '1990-02-30'")) << dump(problems);
}

TEST(PatientsCsv, MissingRequiredColumnsFailTheFile) {
  std::vector<ImportProblem> problems;
  auto r = parse_patients_csv("mrn,given_name,sex\nA,B,F\n", problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("family_name, birth_date"), std::string::npos) << r.error().message;
  EXPECT_FALSE(parse_patients_csv("", problems));
  EXPECT_FALSE(parse_patients_csv("mrn,family_name,given_name,birth_date,sex\n\"A1,Doe", problems));
}

TEST(PatientsFhir, BundleWithMrnAndBadEntries) {
  const std::string bundle = R"({
    "resourceType": "Bundle", "type": "collection",
    "entry": [
      {"resource": {"resourceType": "Patient", "id": "p1",
        "identifier": [{"type": {"coding": [{"code": "SS"}]}, "value": "123-45-6789"},
                       {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                        "value": "F100"}],
        "name": [{"use": "nickname", "family": "Nick", "given": ["N"]},
                 {"use": "official", "family": "Garcia", "given": ["Maria", "Luisa"]}],
        "gender": "female", "birthDate": "1990-06-15"}},
      {"resource": {"resourceType": "Observation", "id": "o1"}},
      {"resource": {"resourceType": "Patient", "id": "abc",
        "identifier": [{"value": "no-type"}], "name": [{"family": "X"}], "birthDate": "1990-01-01"}},
      {"resource": {"resourceType": "Patient", "id": "p4",
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": "F104"}], "name": [{"family": "Y"}]}},
      {"resource": {"resourceType": "Patient", "id": "p5",
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": "F105"}], "name": [{"family": "Z"}],
        "birthDate": 1990}},
      {"resource": {"resourceType": "Patient", "id": "p6",
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": "F106"}], "name": [{"family": "Kim"}],
        "birthDate": "2001-01-02", "gender": "other"}}
    ]})";
  std::vector<ImportProblem> problems;
  auto patients = parse_patients_fhir(bundle, problems);
  ASSERT_TRUE(patients) << patients.error().message;
  ASSERT_EQ(patients->size(), 2u) << dump(problems);
  const Patient& p = (*patients)[0];
  EXPECT_EQ(p.mrn, "F100");
  EXPECT_EQ(p.family_name, "Garcia");
  EXPECT_EQ(p.given_name, "Maria");
  EXPECT_EQ(p.middle_name, "Luisa");
  EXPECT_EQ(p.sex, 'F');
  EXPECT_EQ(p.birth_date, "1990-06-15");
  EXPECT_EQ((*patients)[1].sex, 'O');
  ASSERT_EQ(problems.size(), 3u) << dump(problems);
  EXPECT_EQ(problems[0].message, "entry 3 (Patient/abc): no identifier with type code MR");
  EXPECT_TRUE(has_problem(problems, 0, "entry 4 (Patient/p4): no birthDate"));
  EXPECT_TRUE(has_problem(problems, 0, "entry 5 (Patient/p5): malformed"));
}

TEST(PatientsFhir, InvalidJsonNamesLineAndColumnInPlainWords) {
  std::vector<ImportProblem> problems;
  auto r = parse_patients_fhir("{\"resourceType\": \"Bundle\",\n  \"entry\": [ }", problems);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2, column 14"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("json.exception"), std::string::npos) << "no raw library text";
  EXPECT_NE(r.error().message.find("export the Bundle again"), std::string::npos) << r.error().message;
  auto wrong = parse_patients_fhir(R"({"resourceType": "Patient"})", problems);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("Bundle"), std::string::npos);
}

// Found by fuzz_patients_fhir: nlohmann's parser throws out_of_range, not
// parse_error, for a number too large for a double.
TEST(PatientsFhir, NumberTooLargeIsAnErrorNotACrash) {
  std::vector<ImportProblem> problems;
  auto r = parse_patients_fhir(R"({"resourceType": "Bundle", "total": 7e333333333, "entry": []})", problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("a value JSON cannot represent"), std::string::npos) << r.error().message;
}

// Found by fuzz_patients_fhir: a resourceType that is not a string threw
// type_error out of the importer.
TEST(PatientsFhir, ResourceTypeOfTheWrongJsonTypeIsAnError) {
  std::vector<ImportProblem> problems;
  for (const char* text : {R"({"resourceType": 6})", R"({"resourceType": null})", R"({"resourceType": ["Bundle"]})"}) {
    auto r = parse_patients_fhir(text, problems);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find("not a Bundle"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace chartroom::indexer
