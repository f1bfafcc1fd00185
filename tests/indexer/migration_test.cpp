// A store made by the release before the decisions (schema version 4), with
// documents, pages, search text, page progress and a plain SHA-256 audit
// chain, opened by this build (migrated through 5 to 8): everything is kept,
// the old chain still verifies, new rows are keyed, and decisions work on the
// old documents.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "indexer/store_impl.h"
#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// A version-4 audit row: SHA-256 over the previous hash and the fields, each
// followed by a unit separator (the format those stores were written in).
std::string v4_row(int seq, const std::string& prev, const std::string& action, const std::string& object,
                   std::string* hash) {
  const std::string at = "2026-11-0" + std::to_string(seq) + "T09:00:00.000Z";
  std::string data;
  for (const std::string& part : {prev, at, std::string("pipeline"), action, object, std::string("batch b1")}) {
    data += part + '\x1f';
  }
  *hash = hash_text(data);
  return "INSERT INTO audit(seq, at, actor, action, object, detail, prev_hash, hash) VALUES (" + std::to_string(seq) +
         ", '" + at + "', 'pipeline', '" + action + "', '" + object + "', 'batch b1', '" + prev + "', '" + *hash +
         "');";
}

class Migration : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path root = tmp_.path();
    fs::create_directories(root / "documents" / "d1");
    fs::create_directories(root / "documents" / "d2");
    testing::make_page_pdf(root / "documents" / "d1" / "d1filed.pdf", "hypertension follow up");
    testing::make_page_pdf(root / "documents" / "d2" / "d2review.pdf", "operative report appendix");
    auto db = Db::open(root / "chartroom.db");
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(migrate(*db, 4));
    std::string h1;
    std::string h2;
    const std::string rows = v4_row(1, kGenesis, "file", "d1filed,d2review", &h1);
    const std::string sql =
        "INSERT INTO patients VALUES ('M1', 'Doe', 'Jane', '', '1980-02-29', 'F', '2026-11-01T00:00:00Z');"
        "INSERT INTO patients VALUES ('M2', 'Roe', 'Rick', '', '1975-07-04', 'M', '2026-11-01T00:00:00Z');"
        "INSERT INTO files VALUES ('aa11', 'in/a.tif', 10, 1, 0, NULL, '2026-11-01T09:00:00Z');"
        "INSERT INTO files VALUES ('bb22', 'in/b.tif', 10, 1, 0, NULL, '2026-11-01T09:00:00Z');"
        "INSERT INTO documents VALUES ('d1filed', 'filed', 'M1', 0.99, 'progress_note', 0.9, "
        "'documents/d1/d1filed.pdf', 1, '[]', 'b1', '{}', '2026-11-01T09:00:00Z');"
        "INSERT INTO documents VALUES ('d2review', 'review', NULL, NULL, 'operative_report', 0.9, "
        "'documents/d2/d2review.pdf', 1, '[\"MRN 999 (page 1, line 2) is not in the patient index; import the "
        "patient or choose one\"]', 'b1', '{}', '2026-11-01T09:00:01Z');"
        "INSERT INTO pages(source, idx, file_hash, state, document_id, pdf_page) VALUES "
        "('in/a.tif', 0, 'aa11', 'filed', 'd1filed', 1), ('in/b.tif', 0, 'bb22', 'review', 'd2review', 1);"
        "INSERT INTO page_text(document_id, pdf_page, text) VALUES ('d1filed', 1, 'hypertension follow up'), "
        "('d2review', 1, 'operative report appendix');"
        "INSERT INTO page_work(file_hash, page, source, batch, state, text, created_at, updated_at) VALUES "
        "('cc33', 0, 'in/c.tif', 'b2', 'read', 'MRN: 00012345', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z');" +
        rows + v4_row(2, h1, "show", "d1filed", &h2);
    ASSERT_TRUE(db->exec(sql.c_str(), "making a version 4 store"));
  }

  TempDir tmp_;
};

TEST_F(Migration, AVersion4StoreOpensWithEverythingKeptAndItsOldChainVerified) {
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  auto docs = (*store)->documents();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 2U);
  EXPECT_EQ((*docs)[0].id, "d1filed");
  EXPECT_EQ((*docs)[0].state, DocumentState::kFiled);
  ASSERT_TRUE((*docs)[0].patient);
  EXPECT_EQ((*docs)[0].patient->mrn, "M1");
  EXPECT_EQ((*docs)[0].revision, 0);
  EXPECT_FALSE((*docs)[0].decided_by);
  EXPECT_EQ((*docs)[1].state, DocumentState::kReview);
  // Kinds were not recorded then: worked out from the reason's wording.
  EXPECT_EQ(review_kinds_of((*docs)[1]), std::vector<std::string>{"patient"});
  auto pages = (*store)->pages();
  ASSERT_TRUE(pages);
  ASSERT_EQ(pages->size(), 2U);
  EXPECT_EQ((*pages)[0].document, "d1filed");
  auto hits = (*store)->search("hypertension");
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1U);
  EXPECT_EQ((*hits)[0].document, "d1filed");
  // The old plain chain verifies, and so does a keyed row appended after it.
  EXPECT_TRUE((*store)->verify_audit());
  ASSERT_TRUE((*store)->audit({"alice", "show", "d2review", "document", "", {}}));
  auto verified = (*store)->verify_audit();
  EXPECT_TRUE(verified) << verified.error().message;
  auto log = (*store)->audit_log();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 3U);
}

int query_int(const fs::path& db_file, const char* sql) {
  auto db = Db::open(db_file);
  if (!db) return -1;
  auto stmt = db->prepare(sql, "reading a number");
  if (!stmt) return -1;
  auto row = stmt->step();
  return row && *row ? static_cast<int>(stmt->integer(0)) : -1;
}

// Through versions 5 to 9: a page read before words were kept comes back
// without words and with no image size (its boxes are unknown) nor embedded
// text, and the documents of a batch are indexed.
TEST_F(Migration, AVersion4StoreReachesVersion9WithItsPagesKept) {
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  const fs::path db_file = tmp_.path() / "chartroom.db";
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), current_schema_version());
  EXPECT_GE(current_schema_version(), 9);
  EXPECT_EQ(query_int(db_file, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'documents_by_batch'"),
            1);
  auto saved = (*store)->saved_page("cc33", 0);
  ASSERT_TRUE(saved && saved->has_value()) << (saved ? "" : saved.error().message);
  EXPECT_EQ((*saved)->state, PageState::kRead);
  EXPECT_EQ((*saved)->text, "MRN: 00012345");
  EXPECT_TRUE((*saved)->words.empty());
  EXPECT_EQ((*saved)->image_width, 0);
  EXPECT_EQ((*saved)->image_height, 0);
  EXPECT_EQ((*saved)->embedded_text, "");
}

int index_count(const fs::path& db_file, const std::string& name) {
  const std::string sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '" + name + "'";
  return query_int(db_file, sql.c_str());
}

// Version 7: the patient index in name order (patients list|search) replaces
// the version-2 index on the upper-case family name alone; the patients of
// the old store are listed and found through it.
TEST_F(Migration, AVersion6StoreGetsTheNameOrderIndexAndKeepsItsPatients) {
  const fs::path db_file = tmp_.path() / "chartroom.db";
  {
    auto db = Db::open(db_file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, 6));
  }
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), 6);
  EXPECT_EQ(index_count(db_file, "patients_by_family_upper"), 1);
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), current_schema_version());
  EXPECT_EQ(index_count(db_file, "patients_by_name_upper"), 1);
  EXPECT_EQ(index_count(db_file, "patients_by_family_upper"), 0);
  auto listed = (*store)->list_patients(10, 0);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].patient.mrn, "M1");  // Doe before Roe
  EXPECT_EQ((*listed)[0].documents, 1);
  auto found = (*store)->find_patients(PatientQuery{"roe, ri", "", 10, 0});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1U);
  EXPECT_EQ(found->front().patient.mrn, "M2");
  auto matched = (*store)->patients_by_family_name("DOE", 10);
  ASSERT_TRUE(matched && matched->size() == 1U);
}

// Version 8: page_text_rows finds a document's FTS rows by primary key (a
// filing replaces its text without scanning all the text ever filed); the
// text of documents filed before it is indexed by the migration.
TEST_F(Migration, TextFiledBeforeVersion8IsFoundThroughPageTextRows) {
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  const fs::path db_file = tmp_.path() / "chartroom.db";
  EXPECT_EQ(query_int(db_file, "SELECT count(*) FROM page_text_rows"), 2);
  auto text = (*store)->document_text("d1filed");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, std::vector<std::string>{"hypertension follow up"});
  auto db = Db::open(db_file);
  ASSERT_TRUE(db);
  auto plan = db->prepare(
      "EXPLAIN QUERY PLAN DELETE FROM page_text WHERE rowid IN "
      "(SELECT text_rowid FROM page_text_rows WHERE document_id = 'd1filed')",
      "the plan");
  ASSERT_TRUE(plan);
  std::string steps;
  for (auto row = plan->step(); row && *row; row = plan->step()) steps += plan->text(3) + "\n";
  EXPECT_NE(steps.find("page_text_rows USING PRIMARY KEY (document_id=?)"), std::string::npos) << steps;
}

// Version 9: page_work gets the input PDF's own text layer, '' for the
// pages of a version-7 store; a page saved with one reads it back.
TEST_F(Migration, AVersion7StoreGetsTheEmbeddedTextColumn) {
  const fs::path db_file = tmp_.path() / "chartroom.db";
  {
    auto db = Db::open(db_file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, 7));
  }
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), 7);
  EXPECT_EQ(query_int(db_file, "SELECT count(*) FROM pragma_table_info('page_work') WHERE name = 'embedded_text'"),
            0);
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), current_schema_version());
  EXPECT_EQ(query_int(db_file, "SELECT count(*) FROM pragma_table_info('page_work') WHERE name = 'embedded_text'"),
            1);
  auto old = (*store)->saved_page("cc33", 0);
  ASSERT_TRUE(old && old->has_value()) << (old ? "" : old.error().message);
  EXPECT_EQ((*old)->embedded_text, "");
  PageRecord page = **old;
  page.ref.index = 1;
  page.embedded_text = "the scanner's own words";
  ASSERT_TRUE((*store)->save_page(page, "b1"));
  auto saved = (*store)->saved_page("cc33", 1);
  ASSERT_TRUE(saved && saved->has_value()) << (saved ? "" : saved.error().message);
  EXPECT_EQ((*saved)->embedded_text, "the scanner's own words");
}

// Version 10: page_work counts crashes inside OCR apart from starts; the
// pages of a version-9 store keep their starts and have had no crash.
TEST_F(Migration, AVersion9StoreCountsCrashesApartFromStarts) {
  const fs::path db_file = tmp_.path() / "chartroom.db";
  {
    auto db = Db::open(db_file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, 9));
    ASSERT_TRUE(db->exec("UPDATE page_work SET ocr_attempts = 2 WHERE file_hash = 'cc33' AND page = 0", "test"));
  }
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), current_schema_version());
  ASSERT_TRUE((*store)->record_ocr_crashes({{"cc33", 0}}));
  auto attempts = (*store)->start_ocr_attempt("cc33", 0);
  ASSERT_TRUE(attempts) << attempts.error().message;
  EXPECT_EQ(attempts->started, 3);
  EXPECT_EQ(attempts->crashed, 1);
}

// Version 12: pages are keyed by content, not by file name. A version-11
// store keyed them by name, so one content reprocessed under a second name
// had two rows; the migration keeps the row that is in a document, and the
// names of the files become sightings.
TEST_F(Migration, AVersion11StoreKeysItsPagesByContentAndKeepsTheFiledRow) {
  const fs::path db_file = tmp_.path() / "chartroom.db";
  {
    auto db = Db::open(db_file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, 11));
    ASSERT_TRUE(db->exec("INSERT INTO pages(source, idx, file_hash, state, document_id, pdf_page) VALUES "
                         "('in/a_again.tif', 0, 'aa11', 'skipped', NULL, NULL)",
                         "adding a second name for one content"));
    EXPECT_EQ(query_int(db_file, "SELECT count(*) FROM pages"), 3);
  }
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(query_int(db_file, "PRAGMA user_version"), current_schema_version());
  auto pages = (*store)->pages();
  ASSERT_TRUE(pages) << pages.error().message;
  ASSERT_EQ(pages->size(), 2U);
  const PageRow& a = (*pages)[0];
  EXPECT_EQ(a.source, "in/a.tif");
  EXPECT_EQ(a.file_hash, "aa11");
  EXPECT_EQ(a.document, "d1filed");
  EXPECT_EQ((*pages)[1].file_hash, "bb22");
  EXPECT_EQ((*pages)[1].document, "d2review");
  auto seen = (*store)->sightings("aa11");
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_EQ(*seen, std::vector<std::string>{"in/a.tif"});
  ASSERT_TRUE((*store)->note_sighting("aa11", "in/a_again.tif"));
  seen = (*store)->sightings("aa11");
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, (std::vector<std::string>{"in/a.tif", "in/a_again.tif"}));
  pages = (*store)->pages();
  ASSERT_TRUE(pages);
  EXPECT_EQ((*pages)[0].also_seen_as, std::vector<std::string>{"in/a_again.tif"});
  // The grown-file check asks which content a name last held: the name a
  // content was skipped under counts as much as the one it was filed under.
  auto held = (*store)->latest_hash_of_source("in/a_again.tif");
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->value_or("none"), "aa11");
  held = (*store)->latest_hash_of_source("in/never.tif");
  ASSERT_TRUE(held);
  EXPECT_FALSE(held->has_value());
}

TEST_F(Migration, DecisionsWorkOnDocumentsFiledBeforeThem) {
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  const auto decide = [&](DecisionKind kind, const std::string& id, const std::string& reason) {
    Decision d;
    d.kind = kind;
    d.document = id;
    d.actor = "alice";
    d.reason = reason;
    d.mrn = "M2";
    return (*store)->decide(d);
  };
  auto resolved = decide(DecisionKind::kResolve, "d2review", "MRN misread; the name and date of birth are Rick Roe's");
  ASSERT_TRUE(resolved) << resolved.error().message;
  auto moved = decide(DecisionKind::kMove, "d1filed", "misfiled");
  ASSERT_TRUE(moved) << moved.error().message;
  auto d1 = (*store)->document("d1filed");
  ASSERT_TRUE(d1 && d1->has_value());
  EXPECT_EQ((**d1).patient->mrn, "M2");
  auto history = (*store)->document_history("d1filed");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1U);
  EXPECT_EQ((*history)[0].from_mrn, "M1");
  EXPECT_TRUE((*store)->verify_audit());
}

TEST_F(Migration, AVersion4StoreWithABrokenChainIsStillReportedBroken) {
  {
    auto db = Db::open(tmp_.path() / "chartroom.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 1",
                         "editing a row"));
  }
  auto store = Store::open(tmp_.path());
  ASSERT_TRUE(store) << store.error().message;
  auto verified = (*store)->verify_audit();
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message.find("altered at entry 1 "), std::string::npos) << verified.error().message;
}

}  // namespace
}  // namespace chartroom::indexer
