// `chartroom search` and `chartroom patients list|show|search` through the
// real executable, on a small store made through the indexer's API
// (tests/indexer/find_store.h): what each prints, its JSON, its exit status,
// and the audit entry each read of patient data leaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/indexer/find_store.h"
#include "tests/indexer/test_util.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using test::quote;

class FindCli : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = tmp_.path() / "store";
    auto store = indexer::Store::open(store_);
    ASSERT_TRUE(store) << store.error().message;
    auto made = indexer::testing::make_find_store(**store, tmp_.path() / "work");
    ASSERT_TRUE(made) << made.error().message;
  }

  // chartroom ARGS --store (this test's store), stdout and stderr together.
  test::ShellRun cmd(const std::string& args) const {
    return test::run_shell(quote(test::chartroom_executable()) + " " + args + " --store " + quote(store_) +
                           " 2>&1");
  }
  nlohmann::json json(const std::string& args) const {
    auto run = test::run_shell(quote(test::chartroom_executable()) + " " + args + " --json --store " +
                               quote(store_) + " 2>/dev/null");
    EXPECT_EQ(run.status, 0) << args;
    return nlohmann::json::parse(run.out, nullptr, false);
  }
  static std::vector<std::string> values(const nlohmann::json& array, const char* field) {
    std::vector<std::string> out;
    for (const auto& item : array) out.push_back(item[field].get<std::string>());
    return out;
  }
  // The newest audit entry.
  indexer::AuditRow last_audit() const {
    auto store = indexer::Store::open(store_);
    EXPECT_TRUE(store);
    auto log = (*store)->audit_log();
    EXPECT_TRUE(log && !log->empty());
    return log && !log->empty() ? log->back() : indexer::AuditRow{};
  }

  using Strings = std::vector<std::string>;
  indexer::testing::TempDir tmp_;
  fs::path store_;
};

TEST_F(FindCli, SearchShowsEachHitsPatientTypePageAndState) {
  auto run = cmd("search 'hyperthyroid'");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("PATIENT MRN"), std::string::npos) << run.out;
  const std::size_t line = run.out.find("doc_a");
  ASSERT_NE(line, std::string::npos) << run.out;
  const std::string hit = run.out.substr(line, run.out.find('\n', line) - line);
  for (const char* field : {"M100", "progress_note", " 2 ", "filed", "[hyperthyroid]"}) {
    EXPECT_NE(hit.find(field), std::string::npos) << field << " in " << hit;
  }
  run = cmd("search diabetes");
  std::istringstream words(run.out.substr(std::min(run.out.find("doc_c"), run.out.size())));
  std::string id, mrn, type, page, state;
  words >> id >> mrn >> type >> page >> state;
  EXPECT_EQ(mrn, "-") << run.out;  // in review, with no candidate patient
  EXPECT_EQ(state, "review") << run.out;

  const auto hits = json("search 'hyperten*'");
  ASSERT_TRUE(hits.is_array());
  ASSERT_EQ(hits.size(), 3U) << hits.dump();
  for (const auto& h : hits) {
    for (const char* field : {"document", "pdf_page", "snippet", "state", "patient", "doc_type"}) {
      EXPECT_TRUE(h.contains(field)) << field << " in " << h.dump();
    }
  }
  const auto one = json("search 'hyperten*' --patient M100");
  ASSERT_EQ(one.size(), 1U) << one.dump();
  EXPECT_EQ(one[0]["document"], "doc_a");
  EXPECT_EQ(one[0]["pdf_page"], 1);
  EXPECT_EQ(one[0]["patient"]["mrn"], "M100");
  EXPECT_EQ(one[0]["doc_type"]["label"], "progress_note");
  EXPECT_EQ(one[0]["state"], "filed");
  EXPECT_EQ(json("search 'hyp*' --type lab_result --state filed --limit 1 --offset 1").size(), 1U);
  EXPECT_EQ(json("search 'hyp*' --since 2999-01-01").size(), 0U);
  const auto audit = last_audit();
  EXPECT_EQ(audit.action, "search");
  EXPECT_NE(audit.detail.find("--since 2999-01-01"), std::string::npos) << audit.detail;
}

TEST_F(FindCli, SearchRefusesABareStarAShortPrefixAndBadFiltersAsUsageErrors) {
  for (const char* bad :
       {"search '*'", "search 'hy*'", "search door --state merged", "search door --since yesterday"}) {
    auto run = cmd(bad);
    EXPECT_EQ(run.status, 2) << bad << ": " << run.out;
    EXPECT_NE(run.out.find("chartroom: "), std::string::npos) << run.out;
  }
  EXPECT_NE(cmd("search 'hy*'").out.find("at least 3 letters"), std::string::npos);
  for (const char* typed : {"'NEAR('", "'\"'", "'door OR -'", "'text:door'"}) {
    auto run = cmd(std::string("search ") + typed);
    EXPECT_EQ(run.status, 0) << typed << ": " << run.out;
  }
}

TEST_F(FindCli, PatientsListIsPagedInNameOrderWithTheirDocumentCounts) {
  const auto all = json("patients list");
  EXPECT_EQ(values(all, "mrn"), (Strings{"000123", "000124", "M200", "M300", "M101", "M100", "M102"}));
  EXPECT_EQ(all[5]["documents"], 1);
  EXPECT_EQ(all[5]["family_name"], "Smith");
  EXPECT_EQ(all[5]["birth_date"], "1950-03-02");
  EXPECT_EQ(all[5]["sex"], "M");
  EXPECT_EQ(values(json("patients list --limit 2 --offset 2"), "mrn"), (Strings{"M200", "M300"}));
  const auto audit = last_audit();
  EXPECT_EQ(audit.action, "patients list");
  EXPECT_EQ(audit.patients, (Strings{"M200", "M300"}));

  auto run = cmd("patients list --limit 3");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("FAMILY NAME"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("De La Cruz"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("Smith"), std::string::npos) << run.out;
  EXPECT_NE(cmd("patients list --offset 100").out.find("No patients past the first 100"), std::string::npos);
}

TEST_F(FindCli, PatientsShowPrintsTheEntryAndTheirDocuments) {
  auto run = cmd("patients show M100");
  ASSERT_EQ(run.status, 0) << run.out;
  for (const char* shown : {"Smith, John A", "1950-03-02", "doc_a", "progress_note", "doc_d", "review"}) {
    EXPECT_NE(run.out.find(shown), std::string::npos) << shown << " in " << run.out;
  }
  const auto shown = json("patients show M100");
  EXPECT_EQ(shown["patient"]["mrn"], "M100");
  EXPECT_EQ(shown["patient"]["documents"], 1);
  EXPECT_EQ(values(shown["documents"], "id"), (Strings{"doc_a", "doc_d"}));
  const auto audit = last_audit();
  EXPECT_EQ(audit.action, "patients show");
  EXPECT_EQ(audit.object, "M100");
  EXPECT_EQ(audit.patients, Strings{"M100"});

  const auto before = last_audit().seq;
  run = cmd("patients show M999");
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("no patient with MRN M999"), std::string::npos) << run.out;
  EXPECT_EQ(last_audit().seq, before);  // nothing was shown
}

TEST_F(FindCli, PatientsSearchFindsByMrnNameAndDateOfBirth) {
  EXPECT_EQ(values(json("patients search 'SMITH, John'"), "mrn"), Strings{"M100"});
  EXPECT_EQ(values(json("patients search 'smith john'"), "mrn"), Strings{"M100"});
  EXPECT_EQ(values(json("patients search Smith"), "mrn"), (Strings{"M101", "M100", "M102"}));
  EXPECT_EQ(values(json("patients search 00012"), "mrn"), (Strings{"000123", "000124"}));
  EXPECT_EQ(values(json("patients search smith --dob 1950-03-02"), "mrn"), (Strings{"M100", "M102"}));
  EXPECT_EQ(values(json("patients search 1962-07-15"), "mrn"), Strings{"M101"});
  const auto audit = last_audit();
  EXPECT_EQ(audit.action, "patients search");
  EXPECT_EQ(audit.patients, Strings{"M101"});
  EXPECT_NE(audit.detail.find("1962-07-15"), std::string::npos) << audit.detail;

  EXPECT_NE(cmd("patients search nobody").out.find("No patient matches"), std::string::npos);
  for (const char* bad : {"patients search", "patients search smith --dob 02/03/1950"}) {
    auto run = cmd(bad);
    EXPECT_EQ(run.status, 2) << bad << ": " << run.out;
  }
}

TEST_F(FindCli, NothingIsShownWhenTheReadCannotBeAudited) {
  fs::rename(store_ / "audit.key", tmp_.path() / "audit.key.away");
  for (const char* read :
       {"patients list", "patients show M100", "patients search smith", "search 'hyperten*'"}) {
    auto run = cmd(read);
    EXPECT_EQ(run.status, 1) << read << ": " << run.out;
    EXPECT_NE(run.out.find("audit"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("M100"), std::string::npos) << read << " showed: " << run.out;
  }
}

TEST_F(FindCli, ReadsRefuseAFolderThatIsNotAStore) {
  const fs::path elsewhere = tmp_.path() / "not-a-store";
  fs::create_directories(elsewhere);
  for (const char* read : {"patients list", "patients show M100", "patients search smith", "search door"}) {
    auto run = test::run_shell(quote(test::chartroom_executable()) + " " + read + " --store " +
                               quote(elsewhere) + " 2>&1");
    EXPECT_EQ(run.status, 1) << read << ": " << run.out;
    EXPECT_NE(run.out.find("is not a chartroom store"), std::string::npos) << run.out;
    EXPECT_FALSE(fs::exists(elsewhere / "chartroom.db"));
  }
}

TEST_F(FindCli, EachCommandsHelpHasExamples) {
  for (const char* command : {"search", "patients list", "patients show", "patients search"}) {
    auto run = test::run_shell(quote(test::chartroom_executable()) + " " + command + " --help 2>&1");
    EXPECT_EQ(run.status, 0) << command;
    EXPECT_NE(run.out.find("  chartroom " + std::string(command).substr(0, std::string(command).find(' '))),
              std::string::npos)
        << run.out;
  }
}

}  // namespace
}  // namespace chartroom
