// Store::open, schema, patients and the audit log, over a real SQLite file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

// Runs one SQL statement on the store's database behind the Store's back.
int raw_exec(const fs::path& db_file, const std::string& sql, std::string* error = nullptr) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (error && message) *error = message;
  sqlite3_free(message);
  sqlite3_close(db);
  return rc;
}

int raw_int(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  const int value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST(StoreOpen, CreatesPrivateLayout) {
  TempDir tmp;
  const fs::path root = tmp.path() / "store";
  auto store = Store::open(root);
  ASSERT_TRUE(store) << store.error().message;
  for (const char* dir : {"", "documents", "quarantine", "work"}) {
    EXPECT_EQ(testing::mode_of(root / dir), 0700u) << dir;
  }
  EXPECT_EQ(testing::mode_of(root / "chartroom.db"), 0600u);
  EXPECT_EQ((*store)->work_dir(), root / "work");
  // v2: patient name index, v3: page_work, v4: OCR attempts per page
  EXPECT_GE(raw_int(root / "chartroom.db", "PRAGMA user_version"), 4);
  EXPECT_EQ(raw_int(root / "chartroom.db", "SELECT count(*) FROM sqlite_master WHERE name = 'page_text'"), 1);
}

TEST(StoreOpen, ReopenKeepsDataAndRemovesStaleTemps) {
  TempDir tmp;
  {
    auto store = Store::open(tmp.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->upsert_patients({{"M1", "Doe", "Jane", "", "1980-02-29", 'F'}}));
  }
  const fs::path stale = tmp.path() / "documents" / "ab" / "abc.pdf.tmp";
  fs::create_directories(stale.parent_path());
  testing::write_text(stale, "half a pdf");
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const fs::path fresh = tmp.path() / "work" / "busy.pdf.tmp";
  testing::write_text(fresh, "being written by another process");
  // A writer that died a moment ago (its PID is gone) left this one.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  const fs::path dead = tmp.path() / "documents" / "ab" / ("abd.pdf.tmp-" + std::to_string(child) + "-00ff00ff00ff00ff");
  testing::write_text(dead, "half a pdf of a killed run");
  const fs::path live = unique_temp_path(tmp.path() / "documents" / "ab" / "abe.pdf");
  EXPECT_EQ(temp_file_owner(live), ::getpid());
  testing::write_text(live, "being written by this process");

  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_TRUE(fs::exists(stale) && fs::exists(dead)) << "opening the store (a read) walks nothing";
  (*store)->remove_stale_temps();  // a writer's start
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  auto count = (*store)->patient_count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  auto p = (*store)->patient_by_mrn("M1");
  ASSERT_TRUE(p && p->has_value());
  EXPECT_EQ((*p)->family_name, "Doe");
  EXPECT_EQ((*p)->sex, 'F');
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));  // young temps may belong to a live writer
}

TEST(StoreOpen, RefusesNewerSchemaAndGarbage) {
  TempDir tmp;
  ASSERT_TRUE(Store::open(tmp.path()));
  ASSERT_EQ(raw_exec(tmp.path() / "chartroom.db", "PRAGMA user_version = 99"), SQLITE_OK);
  auto newer = Store::open(tmp.path());
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, ErrorCode::kDatabase);
  EXPECT_NE(newer.error().message.find("upgrade chartroom"), std::string::npos);

  TempDir other;
  testing::write_text(other.path() / "chartroom.db", std::string(4096, 'x'));
  auto garbage = Store::open(other.path());
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kDatabase);
  EXPECT_NE(garbage.error().message.find(other.path().string()), std::string::npos);
}

// One process files into a store at a time: a second claim is refused and
// names the first; the claim ends with its holder, even one killed with -9.
TEST(StoreOpen, OneWriterAtATime) {
  TempDir tmp;
  auto store = Store::open(tmp.path() / "store");
  ASSERT_TRUE(store) << store.error().message;
  {
    auto first = (*store)->claim_writing("chartroom watch");
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(first->held());
    auto second = (*store)->claim_writing("chartroom ingest");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    const std::string& message = second.error().message;
    EXPECT_NE(message.find("chartroom watch, pid " + std::to_string(::getpid())), std::string::npos) << message;
    EXPECT_NE(message.find("file the same pages twice"), std::string::npos) << message;
  }
  EXPECT_TRUE((*store)->claim_writing("chartroom ingest")) << "released with its holder";

  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto claim = (*store)->claim_writing("chartroom ingest");
    const char c = claim ? 'y' : 'n';
    [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  EXPECT_FALSE((*store)->claim_writing("chartroom reprocess")) << "the child holds it";
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_TRUE((*store)->claim_writing("chartroom reprocess")) << "a killed writer leaves no lock";
}

TEST(Patients, UpsertCountsNewAndUpdated) {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store);
  auto first = (*store)->upsert_patients({{"M1", "Doe", "Jane", "", "1980-01-01", 'F'},
                                          {"M2", "Roe", "Rick", "A", "1970-05-06", 'M'}});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->imported, 2);
  EXPECT_EQ(first->updated, 0);
  auto second = (*store)->upsert_patients({{"M2", "Roe", "Richard", "A", "1970-05-06", 'M'},
                                           {"M3", "Poe", "Ed", "", "1909-01-19", 'M'}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->imported, 1);
  EXPECT_EQ(second->updated, 1);
  auto m2 = (*store)->patient_by_mrn("M2");
  ASSERT_TRUE(m2 && m2->has_value());
  EXPECT_EQ((*m2)->given_name, "Richard");
  auto none = (*store)->patient_by_mrn("nope");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(Patients, ImportsOneHundredThousand) {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store);
  std::vector<Patient> patients;
  patients.reserve(100000);
  for (int i = 0; i < 100000; ++i) {
    patients.push_back({"MRN" + std::to_string(i), "Family" + std::to_string(i % 5000),
                        "Given" + std::to_string(i % 300), "", "19" + std::to_string(10 + i % 90) + "-03-15",
                        "FMOU"[i % 4]});
  }
  const auto start = std::chrono::steady_clock::now();
  auto report = (*store)->upsert_patients(patients);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(report) << report.error().message;
  std::printf("imported 100000 patients in %lld ms\n", static_cast<long long>(ms));
  EXPECT_EQ(report->imported, 100000);
  auto count = (*store)->patient_count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 100000);
}

TEST(Audit, ChainsAndRefusesChanges) {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->audit("alice", "view", "document/doc1", "reviewing"));
  ASSERT_TRUE((*store)->audit("bob", "move", "document/doc1", "wrong patient"));
  auto log = (*store)->audit_log();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ((*log)[1].prev_hash, (*log)[0].hash);
  EXPECT_EQ((*log)[1].hash.size(), 64u);
  EXPECT_EQ((*log)[1].actor, "bob");
  EXPECT_TRUE((*store)->verify_audit());

  const fs::path db = tmp.path() / "chartroom.db";
  std::string error;
  EXPECT_NE(raw_exec(db, "UPDATE audit SET actor = 'mallory' WHERE seq = 1", &error), SQLITE_OK);
  EXPECT_NE(error.find("append-only"), std::string::npos);
  EXPECT_NE(raw_exec(db, "DELETE FROM audit", &error), SQLITE_OK);

  // Someone who drops the trigger still cannot hide the edit from the chain.
  ASSERT_EQ(raw_exec(db, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 1"),
            SQLITE_OK);
  auto verdict = (*store)->verify_audit();
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(verdict.error().message.find("entry 1"), std::string::npos);
}

TEST(Hash, StreamsSha256) {
  TempDir tmp;
  testing::write_text(tmp.path() / "abc", "abc");
  auto h = content_hash(tmp.path() / "abc");
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  testing::write_text(tmp.path() / "big", std::string(3 * 1024 * 1024 + 7, 'z'));
  int status = 0;
  const std::string expected = testing::run("sha256sum " + (tmp.path() / "big").string(), status).substr(0, 64);
  auto big = content_hash(tmp.path() / "big");
  ASSERT_TRUE(big);
  EXPECT_EQ(*big, expected);
  auto opened = OpenedFile::open(tmp.path() / "big", "big");
  ASSERT_TRUE(opened);
  EXPECT_EQ(content_hash(*opened), expected);  // through the descriptor: the same digest
  auto missing = content_hash(tmp.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chartroom::indexer
