// The document-type model: training with liblinear, the model file, the
// shipped default model, abstaining.
#include <gtest/gtest.h>

#include "classify/classify.h"
#include "tests/gen/testgen.h"

namespace chartroom::classify {
namespace {

std::vector<std::pair<std::string, std::string>> form_corpus(std::uint64_t first_seed, int per_type) {
  std::vector<std::pair<std::string, std::string>> out;
  const Patient p{"48213377", "Smith", "John", "", "1962-03-14", 'M'};
  for (std::string_view type : testgen::form_types()) {
    for (int k = 0; k < per_type; ++k) {
      const std::uint64_t seed = first_seed + static_cast<std::uint64_t>(k);
      std::string text = testgen::form_title(type, seed) + "\n";
      for (const std::string& para : testgen::form_paragraphs(type, p, seed)) text += para + "\n";
      out.emplace_back(std::string(type), text);
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
  for (const auto& [label, text] : unseen) {
    const auto a = model->predict(text);
    const auto b = reloaded->predict(text);
    EXPECT_NEAR(a.front().second, b.front().second, 1e-3);
    right += b.front().first == label ? 1 : 0;
  }
  EXPECT_GE(right, 18);
}

TEST(TypeModel, DamagedModelFileIsAClearError) {
  auto bad = TypeModel::parse("chartroom-type-model 1\nbuckets 5\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("train-types"), std::string::npos);
  EXPECT_FALSE(train_type_model({{"a", "x"}, {"b", "y"}}, {}));  // too few types
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
