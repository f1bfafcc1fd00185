// Deciding a batch's documents (app/decide.cpp) against a real store, and the
// [classify] settings of the configuration file that steer it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "app/config.h"
#include "app/watch.h"
#include "app/decide.h"

namespace chartroom::app {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "chartroom-decide-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

class Decide : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir();
    auto store = indexer::Store::open(dir_ / "store");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->upsert_patients({{"48213377", "Smith", "John", "", "1962-03-14", 'M'}}));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One read page per text, all of one batch.
  std::vector<indexer::DocumentRecord> decide(const std::vector<std::string>& texts, const DecideOptions& options = {}) {
    pages_.assign(texts.size(), {});
    std::vector<PageText> read(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      pages_[i].ref = {"batch.tif", static_cast<int>(i)};
      pages_[i].state = PageState::kRead;
      read[i].text = texts[i];
    }
    StoreIndex index(*store_);
    return decide_documents(pages_, read, index, "batch-key", options);
  }

  fs::path dir_;
  std::unique_ptr<indexer::Store> store_;
  std::vector<indexer::PageRecord> pages_;
};

const std::string kHeader = "Riverside General Hospital\nPatient: SMITH, JOHN\nMRN: 48213377\nDOB: 03/14/1962\n";

TEST_F(Decide, ASureTypeAndPatientFile) {
  const auto documents = decide({kHeader + "DISCHARGE SUMMARY\nHOSPITAL COURSE: The patient was admitted with "
                                           "pneumonia and treated with antibiotics. DISCHARGE MEDICATIONS: none. "
                                           "He was discharged home in good condition."});
  ASSERT_EQ(documents.size(), 1U);
  EXPECT_EQ(documents[0].state, DocumentState::kFiled) << documents[0].review_reasons.front();
  ASSERT_TRUE(documents[0].doc_type);
  EXPECT_EQ(documents[0].doc_type->label, "discharge_summary");
  const auto evidence = nlohmann::json::parse(documents[0].evidence_json);
  ASSERT_FALSE(evidence["types"].empty());
  EXPECT_EQ(evidence["types"][0]["label"], "discharge_summary");
}

TEST_F(Decide, AnUnsureTypeSendsTheDocumentToReviewWithTheBestGuesses) {
  // The patient is certain, but a line of text says nothing of what the
  // document is: a person chooses its type (DESIGN.md: never a guess).
  const auto documents = decide({kHeader + "Seen."});
  ASSERT_EQ(documents.size(), 1U);
  EXPECT_EQ(documents[0].state, DocumentState::kReview);
  EXPECT_FALSE(documents[0].doc_type);
  ASSERT_EQ(documents[0].review_reasons.size(), 1U);
  EXPECT_NE(documents[0].review_reasons[0].find("its document type is not sure (best guess "), std::string::npos)
      << documents[0].review_reasons[0];
  EXPECT_EQ(nlohmann::json::parse(documents[0].evidence_json)["types"].size(), 3U);
  EXPECT_EQ(pages_[0].state, PageState::kReview);

  // A site that accepts weaker types files it (with the type and its confidence).
  DecideOptions lenient;
  lenient.type.abstain_threshold = 0.0;
  const auto filed = decide({kHeader + "Seen."}, lenient);
  ASSERT_EQ(filed.size(), 1U);
  EXPECT_EQ(filed[0].state, DocumentState::kFiled);
  ASSERT_TRUE(filed[0].doc_type);
  EXPECT_LT(filed[0].doc_type->confidence, 0.5);
}

TEST_F(Decide, ConfigurationSetsTheTypeThresholdAndASiteModel) {
  const fs::path config = dir_ / "chartroom.toml";
  std::ofstream(config) << "[classify]\ntype_threshold = 0.8\n";
  auto loaded = load_config(config);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_DOUBLE_EQ(loaded->ingest.type.abstain_threshold, 0.8);
  EXPECT_EQ(loaded->ingest.type_model, nullptr);  // the built-in model

  // A model file the site trained, found beside the configuration.
  const classify::TypeModel* built_in = classify::default_type_model();
  ASSERT_NE(built_in, nullptr);
  std::ofstream(dir_ / "site.model") << built_in->serialize();
  std::ofstream(config) << "[classify]\ntype_model = \"site.model\"\n";
  loaded = load_config(config);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_NE(loaded->ingest.type_model, nullptr);

  // A missing or damaged model is a clear error that names the key and the fix.
  std::ofstream(config) << "[classify]\ntype_model = \"missing.model\"\n";
  loaded = load_config(config);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("[classify] type_model"), std::string::npos) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find("chartroom train-types"), std::string::npos) << loaded.error().message;
  std::ofstream(config) << "[classify]\ntype_threshold = 1.5\n";
  EXPECT_FALSE(load_config(config));
}

// A safety threshold that does not take effect is a misfile waiting to
// happen: a mistyped key, an unknown section or a value of the wrong type is
// an error naming the file, the line and the key it probably meant.
TEST_F(Decide, UnknownKeysAndWrongTypesInTheConfigurationAreErrors) {
  const fs::path config = dir_ / "chartroom.toml";
  const auto error = [&](const std::string& text) {
    std::ofstream(config) << text;
    auto loaded = load_config(config);
    EXPECT_FALSE(loaded) << text;
    return loaded ? std::string() : loaded.error().message;
  };
  std::string message = error("[classify]\n\nfile_treshold = 0.99\n");
  EXPECT_NE(message.find(config.string() + ", line 3"), std::string::npos) << message;
  EXPECT_NE(message.find("file_treshold"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean file_threshold?"), std::string::npos) << message;
  // In chartroom's words, not the parser's.
  message = error("[classify]\n\nfile_threshold = 0.4\n");
  EXPECT_NE(message.find(config.string() + ", line 3: [classify] file_threshold = 0.4 is not allowed: it must be "
                                          "between 0.5 and 1"),
            std::string::npos)
      << message;
  message = error("[classify\nfile_threshold = 0.99\n");
  EXPECT_NE(message.find(config.string() + ", line 1: this line is not valid TOML"), std::string::npos) << message;
  auto missing = load_config(dir_ / "missing.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.toml: there is no such configuration file; check the path given "
                                         "to --config"),
            std::string::npos)
      << missing.error().message;
  EXPECT_EQ(missing.error().message.find("line 0"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(load_watch_config(dir_ / "missing.toml"));
  message = error("[classify]\nfile_threshold = \"0.99\"\n");
  EXPECT_NE(message.find("must be a number"), std::string::npos) << message;
  message = error("[clasify]\nfile_threshold = 0.99\n");
  EXPECT_NE(message.find("did you mean classify?"), std::string::npos) << message;
  message = error("[classify]\nmrn_pattern = 12345678\n");
  EXPECT_NE(message.find("text in quotes"), std::string::npos) << message;
  message = error("[[scanner]]\nname = \"ward3\"\nfoldr = \"/srv/scans\"\n");
  EXPECT_NE(message.find("did you mean folder?"), std::string::npos) << message;
  EXPECT_FALSE(load_watch_config(config));

  // Every setting the example documents is known.
  auto example = load_config(fs::path(CHARTROOM_SOURCE_DIR) / "chartroom.example.toml");
  EXPECT_TRUE(example) << example.error().message;
}

}  // namespace
}  // namespace chartroom::app
