// The reviewer's and the operator's commands through the real executable, on a
// store made by a real ingest: reprocessing quarantined pages after a limit is
// raised, decisions from the terminal with their history and audit, a
// mistyped --store, and roles once the store has users.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using test::quote;

// Every test works on its own copy of the store made once by the suite.
class ReviewCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_ = new fs::path(fs::temp_directory_path() / ("chartroom-review-cli-" + std::to_string(::getpid())));
    fs::remove_all(*suite_);
    fs::create_directories(*suite_ / "inbox");
    std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
    std::vector<testgen::Sample> samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 12);
    ASSERT_GE(patients.size(), 6U);
    ASSERT_GE(samples.size(), 4U);
    patients_ = new std::vector<Patient>(patients.begin(), patients.begin() + 6);
    // Patient 3 is not in the index: their note goes to review.
    std::vector<Patient> roster{patients[0], patients[1], patients[2], patients[4], patients[5]};
    ASSERT_TRUE(testgen::write_roster_csv(roster, *suite_ / "roster.csv"));
    auto page = [&](std::size_t patient, std::size_t sample, int dpi, int number = 1, int count = 1) {
      testgen::PageSpec spec;
      spec.patient = patients[patient];
      spec.title = samples[sample].title;
      spec.paragraphs = samples[sample].paragraphs;
      spec.page_number = number;
      spec.page_count = count;
      return testgen::render_page(spec, dpi).image;
    };
    // At 200 dpi a page is 3.7 million pixels, at 300 dpi 8.4 million: with
    // max_pixels = 5,000,000 the first ingest quarantines the 300 dpi pages.
    const fs::path inbox = *suite_ / "inbox";
    ASSERT_TRUE(testgen::write_pages({page(0, 0, 200, 1, 2), page(0, 0, 300, 2, 2)}, inbox / "two_resolutions.tif",
                                     testgen::Encoding::kTiffLzw));
    ASSERT_TRUE(testgen::write_pages({page(1, 1, 200)}, inbox / "note_b.tif", testgen::Encoding::kTiffLzw));
    ASSERT_TRUE(testgen::write_pages({page(3, 2, 200)}, inbox / "note_unknown.tif", testgen::Encoding::kTiffLzw));
    ASSERT_TRUE(testgen::write_pages({page(2, 3, 300)}, inbox / "large.png", testgen::Encoding::kPng));
    std::ofstream(*suite_ / "low.toml") << "[limits]\nmax_pixels = 5000000\n";

    const std::string store = " --store " + quote(*suite_ / "store");
    ASSERT_EQ(sh("patients import --create " + quote(*suite_ / "roster.csv") + store).status, 0);
    auto ingest = sh("ingest " + quote(inbox) + store + " --workers 2 --config " + quote(*suite_ / "low.toml"));
    // Quarantined pages make the run's exit status 0 still: they are accounted for.
    ASSERT_EQ(ingest.status, 0) << ingest.out;
    ready_ = true;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*suite_);
    delete suite_;
    delete patients_;
  }
  void SetUp() override {
    ASSERT_TRUE(ready_) << "making or ingesting the test batch failed; see above";
    root_ = *suite_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    store_ = root_ / "store";
    fs::create_directories(root_);
    fs::copy(*suite_ / "store", store_, fs::copy_options::recursive);
  }

  // chartroom ARGS with stdout and stderr together.
  static test::ShellRun sh(const std::string& args) {
    return test::run_shell(quote(test::chartroom_executable()) + " " + args + " 2>&1");
  }
  // chartroom ARGS --store (this test's copy).
  test::ShellRun cmd(const std::string& args) const { return sh(args + " --store " + quote(store_)); }
  nlohmann::json json(const std::string& args) const {
    auto run = test::run_shell(quote(test::chartroom_executable()) + " " + args + " --json --store " + quote(store_) +
                               " 2>/dev/null");
    return nlohmann::json::parse(run.out, nullptr, false);
  }
  // The page rows by "source#index".
  std::map<std::string, nlohmann::json> pages() const {
    std::map<std::string, nlohmann::json> out;
    for (const auto& p : json("pages")) {
      const std::string key = p["source"].get<std::string>() + "#" + std::to_string(p["index"].get<int>());
      EXPECT_FALSE(out.contains(key)) << "page listed twice: " << key;
      out[key] = p;
    }
    return out;
  }
  nlohmann::json document(const std::string& id) const {
    for (const auto& d : json("documents")) {
      if (d["id"] == id) return d;
    }
    return nullptr;
  }
  static std::string source(const std::string& name) { return (*suite_ / "inbox" / name).string(); }
  int npages(const nlohmann::json& doc) const {
    const fs::path pdf = store_ / doc["pdf"].get<std::string>();
    EXPECT_EQ(test::run_shell("qpdf --check " + quote(pdf) + " >/dev/null 2>&1").status, 0) << pdf;
    const auto n = test::run_shell("qpdf --show-npages " + quote(pdf));
    return n.status == 0 ? std::stoi(n.out) : -1;
  }

  static inline fs::path* suite_ = nullptr;
  static inline std::vector<Patient>* patients_ = nullptr;
  static inline bool ready_ = false;
  fs::path root_;
  fs::path store_;
};

TEST_F(ReviewCli, ReprocessReadsQuarantinedPagesOnceALimitIsRaisedAndFilesNothingTwice) {
  auto before = pages();
  ASSERT_EQ(before.size(), 5U);
  const std::string kept = source("two_resolutions.tif") + "#0";
  const std::string reread = source("two_resolutions.tif") + "#1";
  EXPECT_EQ(before[reread]["state"], "quarantined") << before[reread].dump();
  EXPECT_EQ(before[source("large.png") + "#0"]["state"], "quarantined");
  ASSERT_TRUE(before[kept]["document"].is_string()) << before[kept].dump();
  const std::string first_document = before[kept]["document"];
  const std::size_t documents_before = json("documents").size();

  auto run = cmd("reprocess --quarantined --workers 2");
  ASSERT_EQ(run.status, 0) << run.out;
  auto after = pages();
  ASSERT_EQ(after.size(), 5U);
  for (const auto& [key, page] : after) EXPECT_NE(page["state"], "quarantined") << key;
  // What was filed stays where it was; the page read again is a document of its own, in review.
  EXPECT_EQ(after[kept]["document"], first_document);
  ASSERT_TRUE(after[reread]["document"].is_string()) << after[reread].dump();
  const auto again = document(after[reread]["document"]);
  ASSERT_TRUE(again.is_object());
  EXPECT_EQ(again["state"], "review");
  EXPECT_NE(std::ranges::find(again["review_kinds"], "reprocessed"), again["review_kinds"].end()) << again.dump();
  EXPECT_EQ(npages(again), 1);
  // The whole file quarantined before is read as a first reading would.
  ASSERT_TRUE(after[source("large.png") + "#0"]["document"].is_string());
  EXPECT_EQ(json("documents").size(), documents_before + 2);

  // Nothing left to read: a second run changes nothing.
  run = cmd("reprocess --quarantined");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("Nothing is in quarantine"), std::string::npos) << run.out;
  run = cmd("reprocess " + quote(source("two_resolutions.tif")));
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("nothing to read again"), std::string::npos) << run.out;
  EXPECT_EQ(json("documents").size(), documents_before + 2);
  EXPECT_EQ(pages(), after);

  // A file it never saw is not "reprocessed": it says how to ingest it.
  ASSERT_TRUE(testgen::write_pages({testgen::render_blank_page(3).image}, root_ / "new.tif",
                                   testgen::Encoding::kTiffLzw));
  run = cmd("reprocess " + quote(root_ / "new.tif"));
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("chartroom ingest"), std::string::npos) << run.out;
  run = cmd("reprocess");
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_EQ(cmd("audit verify").status, 0);
}

TEST_F(ReviewCli, AReviewersMorningFromTheTerminal) {
  const auto by_source = pages();
  const std::string note_b = by_source.at(source("note_b.tif") + "#0")["document"];
  const std::string unknown = by_source.at(source("note_unknown.tif") + "#0")["document"];
  ASSERT_EQ(document(unknown)["state"], "review") << document(unknown).dump();
  const auto queue = json("review list");
  ASSERT_TRUE(queue.is_array());
  EXPECT_GE(queue.size(), 1U);

  // Resolve: a short id, the patient a person chose, a reason; refusals change nothing.
  const std::string mrn3 = (*patients_)[3].mrn;
  auto run = cmd("review resolve " + unknown.substr(0, 6) + " --patient " + mrn3 + " --reason 'checked the chart'");
  EXPECT_NE(run.status, 0) << "an MRN not in the index: " << run.out;
  EXPECT_EQ(document(unknown)["state"], "review");
  const std::string mrn4 = (*patients_)[4].mrn;
  run = cmd("review resolve " + unknown.substr(0, 6) + " --patient " + mrn4 + " --reason ''");
  EXPECT_NE(run.status, 0) << "an empty reason: " << run.out;
  run = cmd("review resolve " + unknown.substr(0, 6) + " --patient " + mrn4 +
            " --type progress_note --reason 'sticker on page 1 shows this patient'");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(document(unknown)["state"], "filed");
  EXPECT_EQ(document(unknown)["patient"]["mrn"], mrn4);

  // Merge the resolved note into note_b's document? Refused: filed to another patient.
  run = cmd("review merge " + note_b + " " + unknown + " --reason 'same visit'");
  EXPECT_NE(run.status, 0) << run.out;
  // Move it to note_b's patient, then merge the two and split them again.
  const std::string mrn1 = (*patients_)[1].mrn;
  if (document(note_b)["state"] == "review") {  // its type may have been unsure
    ASSERT_EQ(cmd("review resolve " + note_b + " --patient " + mrn1 + " --type progress_note --reason 'checked'")
                  .status,
              0);
  }
  ASSERT_EQ(document(note_b)["patient"]["mrn"], mrn1) << document(note_b).dump();
  run = cmd("move " + unknown + " --patient " + mrn1 + " --reason 'misfiled: the DOB is the other patient'");
  ASSERT_EQ(run.status, 0) << run.out;
  const auto shown = json("show " + unknown);
  ASSERT_TRUE(shown["history"].is_array()) << shown.dump();
  bool moved = false;
  for (const auto& h : shown["history"]) {
    moved = moved || (h["action"] == "move" && h.dump().find(mrn4) != std::string::npos &&
                      h.dump().find(mrn1) != std::string::npos && h.dump().find("misfiled") != std::string::npos);
  }
  EXPECT_TRUE(moved) << shown["history"].dump();

  run = cmd("review merge " + note_b + " " + unknown + " --reason 'page 2 of the same note'");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(npages(document(note_b)), 2);
  EXPECT_TRUE(document(unknown).is_null()) << "a merged document is not listed";
  run = cmd("review split " + note_b + " --at 2 --reason 'two notes after all'");
  ASSERT_EQ(run.status, 0) << run.out;
  const auto split = pages().at(source("note_unknown.tif") + "#0");
  ASSERT_TRUE(split["document"].is_string());
  EXPECT_NE(split["document"], note_b);
  EXPECT_EQ(npages(document(note_b)), 1);
  EXPECT_EQ(npages(document(split["document"])), 1);
  EXPECT_EQ(document(split["document"])["state"], "review");

  // The privacy officer's view: every decision, with who and why; the chain holds.
  run = cmd("audit verify");
  EXPECT_EQ(run.status, 0) << run.out;
  const auto exported = json("audit export");
  ASSERT_TRUE(exported.is_array()) << "audit export --json";
  std::set<std::string> actions;
  for (const auto& row : exported) actions.insert(row["action"].get<std::string>());
  for (const char* action : {"move", "review resolve", "review merge", "review split"}) {
    EXPECT_TRUE(actions.contains(action)) << action << " not in " << exported.dump().substr(0, 2000);
  }
  // An edited row is found.
  ASSERT_EQ(test::run_shell("sqlite3 " + quote(store_ / "chartroom.db") +
                            " \"DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'nothing to see' WHERE "
                            "action = 'move'\"")
                .status,
            0);
  run = cmd("audit verify");
  EXPECT_NE(run.status, 0) << run.out;
}

TEST_F(ReviewCli, AMistypedStoreIsRefusedAndNothingIsMade) {
  const fs::path typo = root_ / "chrats";
  for (const std::string& command : std::vector<std::string>{
           "documents", "pages", "status", "search hypertension", "show 0123456789abcdef", "review list",
           "review rematch", "move 0123456789abcdef --patient 1 --reason x", "audit verify", "users list",
           "reprocess --quarantined", "ingest " + quote(root_), "patients import " + quote(*suite_ / "roster.csv")}) {
    auto run = sh(command + " --store " + quote(typo));
    EXPECT_NE(run.status, 0) << command << ": " << run.out;
    EXPECT_NE(run.out.find(typo.string()), std::string::npos) << command << " does not name the folder: " << run.out;
    EXPECT_FALSE(fs::exists(typo)) << command << " made a store";
  }
}

TEST_F(ReviewCli, DocumentsAreFilteredAndPagedByTheStore) {
  const auto all = json("documents");
  ASSERT_GE(all.size(), 3U);
  for (const auto& d : json("documents --state review")) EXPECT_EQ(d["state"], "review");
  const std::string mrn1 = (*patients_)[1].mrn;
  const auto theirs = json("documents --patient " + mrn1);
  ASSERT_EQ(theirs.size(), 1U) << theirs.dump();
  EXPECT_EQ(theirs[0]["patient"]["mrn"], mrn1);
  const auto first = json("documents --limit 1");
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0]["id"], all[0]["id"]);
  const auto second = json("documents --limit 1 --offset 1");
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(second[0]["id"], all[1]["id"]);
  EXPECT_TRUE(json("documents --since 2999-01-01").empty());
  EXPECT_EQ(json("documents --since 2000-01-01").size(), all.size());
  EXPECT_EQ(cmd("documents --since yesterday").status, 2);
  EXPECT_EQ(cmd("documents --state merged").status, 2);
}

TEST_F(ReviewCli, AMistypedCommandIsNamedWithTheNearestOneAndExitsTwo) {
  auto run = sh("documnets");
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("'documnets' is not a command"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Did you mean 'documents'?"), std::string::npos) << run.out;
  run = sh("review lsit");
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("Did you mean 'list'?"), std::string::npos) << run.out;
  run = sh("show");  // its document id is missing
  EXPECT_EQ(run.status, 2) << run.out;
  run = sh("ingest --help");
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("Exit status: 0"), std::string::npos) << "the exit codes are in every --help";
  EXPECT_NE(run.out.find("chartroom ingest "), std::string::npos) << "with an example";
}

// While another process files into the store, ingest and reprocess refuse at
// once, say why, and read nothing: the same pages are never filed twice.
TEST_F(ReviewCli, ASecondWriterIsRefusedWhileTheStoreIsClaimed) {
  const auto before = pages();
  // flock(1) holds the claim as a running `chartroom watch` would.
  const std::string held = "flock -x " + quote(store_ / "writer.lock") + " ";
  auto run = test::run_shell(held + quote(test::chartroom_executable()) + " ingest " + quote(*suite_ / "inbox") +
                             " --store " + quote(store_) + " 2>&1");
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("another chartroom is filing into"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("systemctl stop chartroom-watch"), std::string::npos) << "says what to do: " << run.out;
  run = test::run_shell(held + quote(test::chartroom_executable()) + " reprocess --quarantined --store " +
                        quote(store_) + " 2>&1");
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("another chartroom is filing into"), std::string::npos) << run.out;
  EXPECT_EQ(pages().size(), before.size());
  run = cmd("ingest " + quote(*suite_ / "inbox"));
  EXPECT_EQ(run.status, 0) << "free again once the holder is gone: " << run.out;
}

TEST_F(ReviewCli, ANewStoreIsMadeOnlyWithCreate) {
  const fs::path fresh = root_ / "new-store";
  auto run = sh("patients import " + quote(*suite_ / "roster.csv") + " --store " + quote(fresh));
  EXPECT_NE(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("--create"), std::string::npos) << "says how to make one: " << run.out;
  EXPECT_FALSE(fs::exists(fresh));
  run = sh("patients import " + quote(*suite_ / "roster.csv") + " --create --store " + quote(fresh));
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(fs::is_regular_file(fresh / "chartroom.db"));
  run = sh("documents --store " + quote(fresh));
  EXPECT_EQ(run.status, 0) << "and from then on it is a store: " << run.out;
}

// Every command and subcommand, found through the help itself, shows at least
// one example line ("  chartroom ...") and the exit codes.
TEST_F(ReviewCli, EveryCommandsHelpHasAnExample) {
  std::vector<std::string> todo{""};
  int seen = 0;
  while (!todo.empty()) {
    const std::string command = todo.back();
    todo.pop_back();
    const auto run = sh(command + " --help");
    ASSERT_EQ(run.status, 0) << command << ": " << run.out;
    ++seen;
    if (!command.empty()) {
      EXPECT_NE(run.out.find("\n  chartroom" + command), std::string::npos)
          << "`chartroom" << command << " --help` has no example:\n"
          << run.out;
    }
    EXPECT_NE(run.out.find("Exit status: 0"), std::string::npos) << command;
    const auto at = run.out.find("\nSubcommands:\n");
    if (at == std::string::npos) continue;
    std::istringstream lines(run.out.substr(at + 14));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] != ' ') break;
      // "  name    description": a subcommand's name is indented by exactly two.
      if (line.size() > 2 && line[2] != ' ')
        todo.push_back(command + " " + line.substr(2, line.find(' ', 2) - 2));
    }
  }
  EXPECT_GT(seen, 25) << "the walk found the subcommands";
}

TEST_F(ReviewCli, OnceTheStoreHasUsersOnlyTheirReviewersDecide) {
  const std::string filed = pages().at(source("note_b.tif") + "#0")["document"];
  auto run = test::run_shell("echo 'correct horse battery' | " + quote(test::chartroom_executable()) +
                             " users add someone-else --role admin --store " + quote(store_) + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  // This account is not a user of the store now: it may not decide.
  run = cmd("move " + filed + " --patient " + (*patients_)[0].mrn + " --reason 'test'");
  EXPECT_NE(run.status, 0) << run.out;
  const passwd* me = ::getpwuid(::geteuid());
  ASSERT_NE(me, nullptr);
  EXPECT_NE(run.out.find(me->pw_name), std::string::npos) << "the refusal names the account: " << run.out;
  EXPECT_EQ(document(filed)["patient"]["mrn"], (*patients_)[1].mrn);
  EXPECT_EQ(document(filed)["revision"], 0);
}

}  // namespace
}  // namespace chartroom
