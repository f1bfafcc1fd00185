// Decisions killed half-way: the real `chartroom move`, `review merge` and
// `review split` SIGKILLed at seeded random moments. Each decision is also run
// to its end on a copy of the store taken just before, so after each kill the
// store must equal either the copy from before or the copy from after; its
// PDFs must agree with its rows, and `audit verify` must pass.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/app/durability_fixture.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

using durability::Durability;
using durability::kChartroom;
namespace fs = std::filesystem;
using test::run;
using test::slurp;
using test::spawn;
using test::wait_for;

// What a decision changes, without the times it was done at.
nlohmann::json placement(const fs::path& store, const fs::path& log) {
  if (run({kChartroom, "documents", "--json", "--store", store.string()}, log) != 0) return nullptr;
  auto documents = nlohmann::json::parse(slurp(log), nullptr, false);
  nlohmann::json out = nlohmann::json::object();
  for (auto& d : documents) {
    out[d["id"].get<std::string>()] = {d["state"], d["patient"].is_null() ? nullptr : d["patient"]["mrn"],
                                       d["pages"], d["pdf"], d["revision"]};
  }
  if (run({kChartroom, "pages", "--json", "--store", store.string()}, log) != 0) return nullptr;
  auto pages = nlohmann::json::parse(slurp(log), nullptr, false);
  for (auto& p : pages) {
    out["page " + p["source"].get<std::string>() + "#" + std::to_string(p["index"].get<int>())] = {
        p["state"], p["document"], p["pdf_page"]};
  }
  return out;
}

class DecisionCrash : public Durability {
 protected:
  // Every document's PDF is valid and holds as many pages as the rows say,
  // every page is placed once, and the audit chain is intact.
  void expect_consistent(const std::string& when) {
    const auto documents = json_of({"documents"});
    ASSERT_TRUE(documents.is_array()) << when << ": " << log();
    std::map<std::string, int> rows;
    const auto pages = json_of({"pages"});
    ASSERT_TRUE(pages.is_array()) << when << ": " << log();
    EXPECT_EQ(static_cast<int>(pages.size()), expected_pages_) << when;
    for (const auto& page : pages) {
      if (page["document"].is_string()) ++rows[page["document"]];
    }
    for (const auto& document : documents) {
      const fs::path pdf = store() / document["pdf"].get<std::string>();
      EXPECT_EQ(run({"/usr/bin/qpdf", "--check", pdf.string()}, root_ / "qpdf.log"), 0)
          << when << ": " << slurp(root_ / "qpdf.log");
      ASSERT_EQ(run({"/usr/bin/qpdf", "--show-npages", pdf.string()}, root_ / "qpdf.log"), 0) << when;
      EXPECT_EQ(std::stoi(slurp(root_ / "qpdf.log")), document["pages"].get<int>()) << when << ": " << document.dump();
      EXPECT_EQ(rows[document["id"]], document["pages"].get<int>()) << when << ": " << document.dump();
    }
    EXPECT_EQ(chartroom({"audit", "verify"}), 0) << when << ": " << log();
  }
};

TEST_F(DecisionCrash, KilledDuringMovesSplitsAndMergesLeavesEachDecisionWholeOrUndone) {
  ASSERT_EQ(run(ingest_args(), root_ / "ingest.log"), 0) << slurp(root_ / "ingest.log");
  const auto roster = slurp(root_ / "gen" / "roster.csv");
  std::vector<std::string> mrns;  // the roster's first column, header skipped
  for (std::size_t at = roster.find('\n'); at != std::string::npos && at + 1 < roster.size();
       at = roster.find('\n', at + 1)) {
    mrns.push_back(roster.substr(at + 1, roster.find(',', at + 1) - at - 1));
  }
  ASSERT_GE(mrns.size(), 2U);

  std::mt19937 random(20261202);  // seeded: the same moments every run
  // The kill falls anywhere in twice the time the same decision took on the
  // copy: about half before its commit and half after, however loaded the machine.
  std::uniform_real_distribution<double> share(0.0, 2.0);
  int killed_midway = 0;
  int done = 0;
  for (int round = 0; round < 15; ++round) {
    // Choose a decision the store's present state allows.
    const auto documents = json_of({"documents"});
    ASSERT_TRUE(documents.is_array()) << log();
    const nlohmann::json* keeper = nullptr;  // a filed document
    const nlohmann::json* other = nullptr;   // one in review, to merge into it
    for (const auto& d : documents) {
      if (!keeper && d["state"] == "filed") keeper = &d;
    }
    ASSERT_NE(keeper, nullptr) << documents.dump();
    for (const auto& d : documents) {
      if (d["state"] == "review" && d["id"] != (*keeper)["id"]) other = &d;
    }
    const std::string id = (*keeper)["id"];
    std::vector<std::string> args;
    if (round % 3 == 0) {
      const std::string to = (*keeper)["patient"]["mrn"] == mrns[0] ? mrns[1] : mrns[0];
      args = {"move", id, "--patient", to, "--reason", "misfiled (round " + std::to_string(round) + ")"};
    } else if (round % 3 == 1 && other) {
      args = {"review", "merge", id, (*other)["id"], "--reason", "the same note"};
    } else if ((*keeper)["pages"].get<int>() >= 2) {
      args = {"review", "split", id, "--at", std::to_string((*keeper)["pages"].get<int>()), "--reason",
              "a separate note"};
    } else {
      continue;
    }
    args.insert(args.begin(), kChartroom.string());
    args.insert(args.end(), {"--store", store().string()});

    // The store before, and after the same decision run to its end on a copy.
    const fs::path before = root_ / "before";
    const fs::path after = root_ / "after";
    fs::remove_all(before);
    fs::remove_all(after);
    fs::copy(store(), before, fs::copy_options::recursive);
    fs::copy(store(), after, fs::copy_options::recursive);
    std::vector<std::string> on_copy = args;
    on_copy.back() = after.string();
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(run(on_copy, root_ / "copy.log"), 0) << slurp(root_ / "copy.log");
    const auto took = std::chrono::steady_clock::now() - started;
    const auto expected_before = placement(before, root_ / "p.log");
    const auto expected_after = placement(after, root_ / "p.log");
    ASSERT_NE(expected_before, expected_after) << "the decision changed nothing: " << args[1];

    const pid_t pid = spawn(args, root_ / "decision.log");
    std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(took * share(random)));
    const bool killed = ::kill(pid, SIGKILL) == 0;
    const int status = wait_for(pid);
    const auto now = placement(store(), root_ / "p.log");
    const bool undone = now == expected_before;
    const bool whole = now == expected_after;
    EXPECT_TRUE(undone || whole) << args[1] << " round " << round << ":\n  now " << now.dump() << "\n  before "
                                 << expected_before.dump() << "\n  after " << expected_after.dump();
    if (killed && status == 128 + SIGKILL) killed_midway += undone ? 1 : 0;
    done += whole ? 1 : 0;
    expect_consistent(args[1] + " round " + std::to_string(round));
    if (HasFailure()) return;
  }
  std::cout << "decisions killed before their commit: " << killed_midway << ", completed: " << done << "\n";
  // The moments must fall both before and after the commit for the test to mean much.
  EXPECT_GE(killed_midway, 2) << "no kill left a decision undone";
  EXPECT_GE(done, 2) << "no decision was completed";
}

}  // namespace
}  // namespace chartroom
