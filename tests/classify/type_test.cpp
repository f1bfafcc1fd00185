// The document-type model: training with liblinear, the model file, the
// shipped default model, abstaining.
#include <gtest/gtest.h>

#include "classify/classify.h"
#include "tests/gen/testgen.h"

namespace chartroom::classify {
namespace {

std::vector<LabelledText> form_corpus(std::uint64_t first_seed, int per_type) {
  std::vector<LabelledText> out;
  const Patient p{"48213377", "Smith", "John", "", "1962-03-14", 'M'};
  for (std::string_view type : testgen::form_types()) {
    for (int k = 0; k < per_type; ++k) {
      const std::uint64_t seed = first_seed + static_cast<std::uint64_t>(k);
      std::string text = testgen::form_title(type, seed) + "\n";
      for (const std::string& para : testgen::form_paragraphs(type, p, seed)) text += para + "\n";
      out.push_back({std::string(type), text, ""});
    }
  }
  return out;
}

TEST(TypeModel, TrainsSavesLoadsAndPredictsUnseenForms) {
  TrainReport report;
  auto model = train_type_model(form_corpus(1, 20), {}, &report);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(report.train_documents + report.holdout_documents, 80);
  EXPECT_GE(report.holdout_accuracy, 0.9);
  auto reloaded = TypeModel::parse(model->serialize());
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  int right = 0;
  const auto unseen = form_corpus(9000, 5);
  for (const auto& [label, text, source] : unseen) {
    const auto a = model->predict(text);
    const auto b = reloaded->predict(text);
    EXPECT_NEAR(a.front().second, b.front().second, 1e-3);
    right += b.front().first == label ? 1 : 0;
  }
  EXPECT_GE(right, 18);
}

TEST(TypeModel, RenderingsOfOneNoteAreHeldOutTogether) {
  // Seven notes a type, each in three renderings: held out by note, one note
  // (three documents) per type; split by document it would be four.
  std::vector<LabelledText> corpus;
  const auto forms = form_corpus(300, 7);
  for (std::size_t i = 0; i < forms.size(); ++i) {
    const std::string source = "note" + std::to_string(i);
    corpus.push_back({forms[i].label, forms[i].text, source});
    corpus.push_back({forms[i].label, "Lakeview Clinic\n" + forms[i].text, source});
    corpus.push_back({forms[i].label, forms[i].text + "Page 1 of 1\n", source});
  }
  TrainReport report;
  auto model = train_type_model(corpus, {}, &report);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(report.holdout_sources, 4);
  EXPECT_EQ(report.holdout_documents, 12);
  EXPECT_EQ(report.train_documents, 72);
  int held = 0, right = 0;
  for (const TrainReport::PerLabel& l : report.per_label) {
    held += l.held;
    right += l.right;
  }
  EXPECT_EQ(held, report.holdout_documents);
  EXPECT_NEAR(report.holdout_accuracy, static_cast<double>(right) / held, 1e-9);
}

TEST(TypeModel, PatientLinesAndFootersDoNotChangeTheType) {
  const TypeModel* model = default_type_model();
  ASSERT_NE(model, nullptr);
  const std::string body =
      "OPERATIVE REPORT\nPREOPERATIVE DIAGNOSIS: Acute appendicitis.\nPOSTOPERATIVE DIAGNOSIS: Same.\n"
      "PROCEDURE: Laparoscopic appendectomy.\nANESTHESIA: General endotracheal.\n"
      "The abdomen was prepped and draped in the usual sterile fashion and three ports were placed.\n";
  const std::string page = "Patient: SMITH, JOHN\nMRN: 48213377\nDOB: 03/14/1962\n" + body + "Page 1 of 2\n";
  const auto plain = model->predict(body);
  const auto scanned = model->predict(page);
  ASSERT_EQ(plain.size(), scanned.size());
  for (std::size_t k = 0; k < plain.size(); ++k) {
    EXPECT_EQ(plain[k].first, scanned[k].first);
    EXPECT_DOUBLE_EQ(plain[k].second, scanned[k].second);
  }
  EXPECT_EQ(plain.front().first, "operative_report");
}

TEST(TypeModel, ShippedModelReadsLettersAndPathologyReports) {
  // Worded for this test, not taken from the training corpus.
  PageText letter;
  letter.text =
      "Eastbrook Family Practice\nMRN: 30214455\nJune 2, 2023\nDear Dr. Whitfield,\n"
      "Many thanks for seeing Mrs. Alvarez today. I would appreciate your advice about her ongoing "
      "shortness of breath, which has not settled with inhalers.\nKind regards,\nDr. Amanda Cole\n";
  PageText pathology;
  pathology.text =
      "Patient: ALVAREZ, MARIA\nSURGICAL PATHOLOGY\nSPECIMEN: Skin, right cheek, punch biopsy.\n"
      "GROSS DESCRIPTION: Received in formalin is a cylindrical core of skin, 0.4 cm in diameter, "
      "entirely submitted.\nMICROSCOPIC: Nests of basaloid cells with peripheral palisading.\n"
      "DIAGNOSIS: Basal cell carcinoma, nodular type, extending to the deep margin.\n";
  const std::vector<PageText> a = {letter};
  const std::vector<PageText> b = {pathology};
  auto first = classify_document_type(a);
  auto second = classify_document_type(b);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->label, "correspondence");
  EXPECT_EQ(second->label, "pathology_report");
}

TEST(TypeModel, AConsultantsLetterIsCorrespondenceNotAHistoryAndPhysical) {
  // Worded for this test: a letter titled as a consultation whose body is a
  // history and physical.
  PageText letter;
  letter.text =
      "Northgate Cardiology Associates\nCARDIOLOGY CONSULTATION\nMarch 3, 2024\nDear Dr. Okafor,\n"
      "Thank you for referring Mr. Jensen. HISTORY OF PRESENT ILLNESS: A 64-year-old man with exertional chest "
      "pain for three weeks. PAST MEDICAL HISTORY: Hypertension, hyperlipidemia. PHYSICAL EXAMINATION: Blood "
      "pressure 148/90, heart regular, lungs clear. ASSESSMENT AND PLAN: Stable angina; exercise stress test and "
      "aspirin.\nSincerely,\nPriya Raman, MD\n";
  PageText note = letter;
  note.text = "HISTORY OF PRESENT ILLNESS: A 64-year-old man with exertional chest pain for three weeks. PAST "
              "MEDICAL HISTORY: Hypertension. PHYSICAL EXAMINATION: Heart regular, lungs clear. ASSESSMENT AND "
              "PLAN: Stable angina; exercise stress test.\n";
  const std::vector<PageText> as_letter = {letter};
  const std::vector<PageText> as_note = {note};
  auto typed = classify_document_type(as_letter);
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->label, "correspondence");
  // The same words without a salutation and a closing are not a letter.
  const auto ranked = rank_document_types(as_note);
  ASSERT_FALSE(ranked.empty());
  EXPECT_NE(ranked.front().label, "correspondence");
}

TEST(TypeModel, AMedicationTableOrAWholeLineTitleMakesAMedicationList) {
  // Worded for this test, as OCR reads a reconciliation sheet: the title
  // with a stray quote mark before it, and the table's column headings.
  PageText sheet;
  sheet.text =
      "Harbor Family Medicine\nPATIENT: JANE ROE\nDOB: 1960-11-21\n\xe2\x80\x98"
      "CURRENT MEDICATIONS\n"
      "Reconciled on: 2025-06-17 Reconciled by: L. Abramowitz, MD\nALLERGIES: Penicillin (rash)\n"
      "Medication .- Dose -Route Frequency Started : Prescriber\nLisinopril 10 mg PO daily 2022 Patel\n"
      "Metformin 500 mg PO twice daily 2021 Patel\n";
  const std::vector<PageText> as_sheet = {sheet};
  auto typed = classify_document_type(as_sheet);
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->label, "medication_list");
  // Either cue alone: the table without the title, the title without the table.
  PageText table_only = sheet;
  table_only.text = "PATIENT: JANE ROE\nMedication Dose Route Frequency\nLisinopril 10 mg PO daily\n";
  auto ranked = rank_document_types(std::vector<PageText>{table_only});
  ASSERT_FALSE(ranked.empty());
  EXPECT_EQ(ranked.front().label, "medication_list");
  PageText title_only = sheet;
  title_only.text = "PATIENT: JANE ROE\nCURRENT MEDICATIONS\nLisinopril 10 mg by mouth daily.\n";
  auto title = classify_document_type(title_only, TypeOptions{12, 0, nullptr});
  ASSERT_TRUE(title);
  EXPECT_EQ(title->label, "medication_list");
  // As a heading inside a note (a colon, or text after it) it names no type.
  PageText heading = sheet;
  heading.text = "CHIEF COMPLAINT: Cough.\nCURRENT MEDICATIONS:\nLisinopril 10 mg daily.\n"
                 "CURRENT MEDICATIONS include lisinopril.\nDepartment of Radiology\n";
  EXPECT_FALSE(classify_document_type(heading, TypeOptions{12, 0, nullptr}));
  PageText imaging = sheet;
  imaging.text = "Eastfield Community Health Center\n| IMAGING |\nReason for exam: cough.\n";
  auto imaging_title = classify_document_type(imaging, TypeOptions{12, 0, nullptr});
  ASSERT_TRUE(imaging_title);
  EXPECT_EQ(imaging_title->label, "radiology_report");
}

TEST(TypeModel, DamagedModelFileIsAClearError) {
  auto bad = TypeModel::parse("chartroom-type-model 1\nbuckets 5\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("train-types"), std::string::npos);
  EXPECT_FALSE(train_type_model({{"a", "x", ""}, {"b", "y", ""}}, {}));  // too few types
}

TEST(TypeModel, ShippedModelKnowsTheDefaultLabels) {
  const TypeModel* model = default_type_model();
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->labels().size(), default_document_types().size());
  PageText page;
  page.text = "Riverside General Hospital\nPatient: SMITH, JOHN\nMRN: 48213377\nMEDICATION LIST\n"
              "1. Lisinopril 10 mg - take by mouth once daily.\n2. Metformin 500 mg - take by mouth twice daily.\n";
  std::vector<PageText> pages = {page};
  auto type = classify_document_type(pages);
  ASSERT_TRUE(type);
  EXPECT_EQ(type->label, "medication_list");
  // Nothing to go on: the classifier abstains rather than guess.
  PageText empty;
  empty.text = "Signed.";
  std::vector<PageText> nothing = {empty};
  TypeOptions strict;
  strict.abstain_threshold = 0.9;
  EXPECT_FALSE(classify_document_type(nothing, strict));
}

}  // namespace
}  // namespace chartroom::classify
