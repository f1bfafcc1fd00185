// The hostile corpus through the real `chartroom ingest`: every bad file ends
// quarantined with a reason that names it, the good scans in the same run are
// filed, nothing is written outside the store, no name is run as a command,
// and the store keeps its files private.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/hostile/corpus.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;

using test::quote;
using CommandRun = test::ShellRun;

// The command runs in `cwd`, so a name executed by a shell would leave PWNED there.
CommandRun run(const std::string& command, const fs::path& cwd) {
  return test::run_shell("cd " + quote(cwd) + " && " + command + " 2>&1");
}

class HostileIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("chartroom-hostile-e2e-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_ / "cwd");
    cases_ = new std::vector<hostile::Case>(
        hostile::write_corpus(hostile::make_originals(), *root_ / "drop", *root_ / "outside", 6));
    good_ = new std::map<std::string, std::string>();
    make_good_scans();
    const std::string chartroom = quote(fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom");
    const std::string store = " --store " + quote(*root_ / "store");
    auto imported = run(chartroom + " patients import --create " + quote(*root_ / "roster.csv") + store, *root_ / "cwd");
    ASSERT_EQ(imported.status, 0) << imported.out;
    ingest_ = new CommandRun(run(chartroom + " ingest " + quote(*root_ / "drop") + store + " --workers 2 --json",
                                 *root_ / "cwd"));
    auto pages = run(chartroom + " pages --json" + store + " 2>/dev/null", *root_ / "cwd");
    ASSERT_EQ(pages.status, 0) << pages.out;
    pages_ = new nlohmann::json(nlohmann::json::parse(pages.out));

    // The good scans again, into a second store, with an OCR time limit no page can meet.
    {
      std::ofstream config(*root_ / "slow.toml");
      config << "[limits]\nocr_seconds_per_page = 0.001\n";
    }
    const std::string slow_store = " --store " + quote(*root_ / "slow-store");
    auto slow = run(chartroom + " ingest " + quote(*root_ / "drop" / "ward 3") + slow_store + " --create --config " +
                        quote(*root_ / "slow.toml"),
                    *root_ / "cwd");
    ASSERT_EQ(slow.status, 0) << slow.out;
    auto slow_docs = run(chartroom + " documents --json" + slow_store + " 2>/dev/null", *root_ / "cwd");
    ASSERT_EQ(slow_docs.status, 0) << slow_docs.out;
    slow_documents_ = new nlohmann::json(nlohmann::json::parse(slow_docs.out));
    ready_ = true;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "making or ingesting the hostile corpus failed; see above"; }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete cases_;
    delete good_;
    delete ingest_;
    delete pages_;
    delete slow_documents_;
  }

  // Two real scans of one patient's note in a folder beside the bad files (a
  // batch of their own: a batch with a lost page goes to review whole), one
  // with a name full of shell metacharacters: they must be filed.
  static void make_good_scans() {
    const std::vector<Patient> patients = testgen::load_patients({});
    ASSERT_GE(patients.size(), 2U);
    ASSERT_TRUE(testgen::write_roster_csv(patients, *root_ / "roster.csv"));
    const std::vector<std::string> names = {"good scan.tif", "good $(touch PWNED3) `id` ; 'q' \"dq\" & 診療.png"};
    for (std::size_t i = 0; i < names.size(); ++i) {
      testgen::PageSpec spec;
      spec.patient = patients[0];
      spec.title = "Progress note";
      spec.paragraphs = {"SUBJECTIVE: The patient is seen for follow up of hypertension.",
                         "PLAN: Continue the current medication. Return in three months."};
      const Image scan = testgen::scan(testgen::render_page(spec).image, {.bilevel = i == 0}, 30 + i);
      fs::create_directories(*root_ / "drop" / "ward 3");
      ASSERT_TRUE(testgen::write_pages({scan}, *root_ / "drop" / "ward 3" / names[i],
                                       i == 0 ? testgen::Encoding::kTiffG4 : testgen::Encoding::kPng));
      (*good_)["ward 3/" + names[i]] = patients[0].mrn;
    }
  }

  static const nlohmann::json* page_entry(const std::string& name) {
    const std::string source = (*root_ / "drop" / name).string();
    for (const auto& p : *pages_) {
      if (p["source"] == source && p["index"] == 0) return &p;
    }
    return nullptr;
  }

  static bool ready_;
  static fs::path* root_;
  static std::vector<hostile::Case>* cases_;
  static std::map<std::string, std::string>* good_;
  static CommandRun* ingest_;
  static nlohmann::json* pages_;
  static nlohmann::json* slow_documents_;
};

bool HostileIngest::ready_ = false;
fs::path* HostileIngest::root_ = nullptr;
std::vector<hostile::Case>* HostileIngest::cases_ = nullptr;
std::map<std::string, std::string>* HostileIngest::good_ = nullptr;
CommandRun* HostileIngest::ingest_ = nullptr;
nlohmann::json* HostileIngest::pages_ = nullptr;
nlohmann::json* HostileIngest::slow_documents_ = nullptr;

TEST_F(HostileIngest, TheRunCompletesAndAccountsForEveryFile) {
  EXPECT_EQ(ingest_->status, 0) << ingest_->out;
  EXPECT_NE(ingest_->out.find("\"all_accounted\": true"), std::string::npos) << ingest_->out;
}

TEST_F(HostileIngest, EveryBadFileIsQuarantinedWithAReadableReason) {
  for (const hostile::Case& c : *cases_) {
    const auto* p = page_entry(c.name);
    ASSERT_NE(p, nullptr) << c.name << " (" << c.kind << ") is missing from pages --json";
    EXPECT_EQ((*p)["state"], "quarantined") << c.kind << ": " << p->dump();
    ASSERT_TRUE((*p)["reason"].is_string()) << c.kind;
    const std::string reason = (*p)["reason"];
    EXPECT_NE(reason.find(c.name), std::string::npos) << c.kind << ": " << reason;
    EXPECT_NE(reason.find(c.expect), std::string::npos) << c.kind << ": " << reason;
    EXPECT_TRUE((*p)["document"].is_null()) << c.kind;
  }
}

TEST_F(HostileIngest, TheGoodScansInTheSameRunAreFiled) {
  for (const auto& [name, mrn] : *good_) {
    const auto* p = page_entry(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ((*p)["state"], "filed") << p->dump() << "\n" << ingest_->out;
  }
}

TEST_F(HostileIngest, NoNameIsEverRunAsACommand) {
  for (const char* marker : {"PWNED", "PWNED2", "PWNED3"}) {
    EXPECT_FALSE(fs::exists(*root_ / "cwd" / marker)) << marker;
    EXPECT_FALSE(fs::exists(*root_ / "drop" / marker)) << marker;
    EXPECT_FALSE(fs::exists(*root_ / "store" / marker)) << marker;
  }
}

TEST_F(HostileIngest, LinksAreNotFollowedAndNothingOutsideIsTouched) {
  // The scan behind "link out of the folder.tif" was not filed: only the two good scans were.
  int filed = 0;
  for (const auto& p : *pages_) filed += p["state"] == "filed";
  EXPECT_EQ(filed, 2);
  EXPECT_EQ(fs::directory_iterator(*root_ / "outside") == fs::directory_iterator(), false);
  for (const auto& entry : fs::recursive_directory_iterator(*root_ / "outside")) {
    EXPECT_EQ(entry.path().filename(), "outside.tif") << "written outside the store: " << entry.path();
  }
}

TEST_F(HostileIngest, TheStoreIsPrivateAndItsQuarantineHoldsCopiesNotLinks) {
  int quarantined_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*root_ / "store")) {
    struct stat st {};
    ASSERT_EQ(::lstat(entry.path().c_str(), &st), 0) << entry.path();
    EXPECT_FALSE(S_ISLNK(st.st_mode)) << entry.path();
    const auto mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      EXPECT_EQ(mode, 0700U) << entry.path();
    } else {
      EXPECT_EQ(mode, 0600U) << entry.path();
    }
    const fs::path relative = fs::relative(entry.path(), *root_ / "store");
    if (*relative.begin() == "quarantine" && S_ISREG(st.st_mode)) {
      ++quarantined_files;
      EXPECT_EQ(st.st_nlink, 1U) << entry.path() << " shares its inode with the dropped file";
      // Named by content only: nothing of the dropped file's name reaches a path in the store.
      for (const hostile::Case& c : *cases_) {
        EXPECT_EQ(relative.string().find(fs::path(c.name).stem().string()), std::string::npos)
            << relative << " is built from the input name " << c.name;
      }
    }
  }
  EXPECT_GE(quarantined_files, static_cast<int>(cases_->size()) - 4);  // all but the links and the pipe
}

}  // namespace
}  // namespace chartroom

namespace chartroom {
namespace {

// A page Tesseract cannot finish within [limits] ocr_seconds_per_page is
// stopped, kept whole in its document, and the document goes to review
// saying why; the run does not wait for it.
TEST_F(HostileIngest, APageOverTheOcrTimeLimitIsStoppedAndSentToReviewWithTheReason) {
  ASSERT_EQ(slow_documents_->size(), 1U) << slow_documents_->dump(2);
  const auto& document = slow_documents_->front();
  EXPECT_EQ(document["state"], "review");
  EXPECT_EQ(document["pages"], 2) << document.dump(2);  // both pages kept
  bool said = false;
  for (const auto& reason : document["review_reasons"]) {
    const auto text = reason.get<std::string>();
    if (text.find("OCR was stopped at the limit of 0.001 s") == std::string::npos) continue;
    said = true;
    // The scan itself may be fine: the reviewer is asked to look, not told to rescan.
    EXPECT_NE(text.find("needs a look"), std::string::npos) << text;
    EXPECT_EQ(text.find("rescanned"), std::string::npos) << text;
  }
  EXPECT_TRUE(said) << document.dump(2);
}

}  // namespace
}  // namespace chartroom
