// Store::decide and the keyed audit log, over a real store: real SQLite, real
// PDFs made with qpdf and checked with `qpdf --check` and pdftotext.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

int raw_exec(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

class Decisions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::open(tmp_.path() / "store");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->upsert_patients({{"MRN001", "Doe", "Jane", "", "1980-02-29", 'F'},
                                         {"MRN002", "Roe", "Rick", "", "1975-07-04", 'M'}}));
    BatchRecord batch = testing::three_page_batch(tmp_.path() / "in");
    batch.documents[0].state = DocumentState::kReview;
    batch.documents[0].doc_type.reset();
    batch.documents[0].review_reasons = {"MRN MRN009 is not in the patient index",
                                         "its document type is not sure (best guess discharge summary, 41%); "
                                         "choose its type"};
    batch.documents[0].review_kinds = {"patient", "type"};
    for (PageRecord& p : batch.pages) {
      if (p.state == PageState::kFiled) p.state = PageState::kReview;
    }
    ASSERT_TRUE(store_->file_batch(batch));
  }

  Decision decision(DecisionKind kind) {
    Decision d;
    d.kind = kind;
    d.document = "doc0001";
    d.actor = "alice";
    d.reason = "checked against the chart";
    return d;
  }

  DocumentRow doc(const std::string& id) {
    auto d = store_->document(id);
    EXPECT_TRUE(d && d->has_value()) << id;
    return d && d->has_value() ? **d : DocumentRow{};
  }

  // Every page of the file is in exactly one document, in a PDF of the recorded length.
  void expect_consistent() {
    auto pages = store_->pages();
    ASSERT_TRUE(pages);
    std::map<std::string, std::set<int>> seen;
    for (const PageRow& p : *pages) {
      if (!p.document) continue;
      EXPECT_TRUE(seen[*p.document].insert(*p.pdf_page).second) << "two pages at one place in " << *p.document;
    }
    auto docs = store_->documents();
    ASSERT_TRUE(docs);
    int total = 0;
    for (const DocumentRow& d : *docs) {
      total += d.pages;
      EXPECT_EQ(static_cast<int>(seen[d.id].size()), d.pages) << d.id;
      const fs::path pdf = store_->root() / d.pdf;
      int status = 0;
      testing::run("qpdf --check " + pdf.string() + " >/dev/null 2>&1", status);
      EXPECT_EQ(status, 0) << pdf;
      const std::string n = testing::run("qpdf --show-npages " + pdf.string(), status);
      EXPECT_EQ(std::stoi(n), d.pages) << pdf;
      auto text = store_->document_text(d.id);
      ASSERT_TRUE(text);
      EXPECT_EQ(static_cast<int>(text->size()), d.pages) << d.id;
    }
    EXPECT_EQ(total, 3);
    EXPECT_TRUE(store_->verify_audit()) << store_->verify_audit().error().message;
  }

  std::vector<PageRow> all_pages() {
    auto pages = store_->pages();
    EXPECT_TRUE(pages);
    return pages ? *pages : std::vector<PageRow>{};
  }
  std::vector<DocumentRow> all_documents() {
    auto docs = store_->documents();
    EXPECT_TRUE(docs);
    return docs ? *docs : std::vector<DocumentRow>{};
  }

  std::string pdf_text(const DocumentRow& d, int page) {
    int status = 0;
    return testing::run("pdftotext -f " + std::to_string(page) + " -l " + std::to_string(page) + " " +
                            (store_->root() / d.pdf).string() + " -",
                        status);
  }

  TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(Decisions, ResolveFilesToAPatientInTheIndexAndRecordsWhoAndWhy) {
  Decision d = decision(DecisionKind::kResolve);
  d.mrn = "MRN002";
  d.label = "lab_result";
  auto result = store_->decide(d);
  ASSERT_TRUE(result) << result.error().message;
  const DocumentRow row = doc("doc0001");
  EXPECT_EQ(row.state, DocumentState::kFiled);
  EXPECT_EQ(row.patient->mrn, "MRN002");
  EXPECT_EQ(row.doc_type->label, "lab_result");
  EXPECT_TRUE(row.review_reasons.empty());
  EXPECT_EQ(row.decided_by, "alice");
  for (const PageRow& p : all_pages()) {
    if (p.document) {
      EXPECT_EQ(p.state, PageState::kFiled);
    }
  }
  auto history = store_->document_history("doc0001");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1U);
  EXPECT_EQ((*history)[0].actor, "alice");
  EXPECT_EQ((*history)[0].to_mrn, "MRN002");
  EXPECT_EQ((*history)[0].reason, "checked against the chart");
  const AuditRow last = store_->audit_log()->back();
  EXPECT_EQ(last.action, "review resolve");
  EXPECT_EQ(last.actor, "alice");
  EXPECT_EQ(last.reason, "checked against the chart");
  EXPECT_EQ(last.patients, (std::vector<std::string>{"MRN001", "MRN002"}));
  expect_consistent();
}

TEST_F(Decisions, RefusedDecisionsChangeNothing) {
  const auto audit_before = store_->audit_log()->size();
  Decision unknown = decision(DecisionKind::kResolve);
  unknown.mrn = "MRN404";
  unknown.label = "lab_result";
  auto r = store_->decide(unknown);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not in the patient index"), std::string::npos);
  Decision no_reason = decision(DecisionKind::kResolve);
  no_reason.mrn = "MRN001";
  no_reason.label = "lab_result";
  no_reason.reason = "  ";
  EXPECT_FALSE(store_->decide(no_reason));
  Decision no_type = decision(DecisionKind::kResolve);
  no_type.mrn = "MRN001";
  r = store_->decide(no_type);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--type"), std::string::npos);
  Decision move = decision(DecisionKind::kMove);  // not filed yet
  move.mrn = "MRN002";
  r = store_->decide(move);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("review resolve"), std::string::npos);
  Decision split = decision(DecisionKind::kSplit);
  split.page = 4;
  EXPECT_FALSE(store_->decide(split));
  EXPECT_EQ(doc("doc0001").state, DocumentState::kReview);
  EXPECT_EQ(doc("doc0001").revision, 0);
  EXPECT_EQ(store_->audit_log()->size(), audit_before);
  // A document filed already cannot be resolved again.
  Decision ok = decision(DecisionKind::kResolve);
  ok.mrn = "MRN001";
  ok.label = "lab_result";
  ASSERT_TRUE(store_->decide(ok));
  EXPECT_FALSE(store_->decide(ok));
  expect_consistent();
}

TEST_F(Decisions, MoveKeepsTheEarlierPatientAsHistory) {
  Decision resolve = decision(DecisionKind::kResolve);
  resolve.mrn = "MRN001";
  resolve.label = "discharge_summary";
  ASSERT_TRUE(store_->decide(resolve));
  Decision move = decision(DecisionKind::kMove);
  move.mrn = "MRN002";
  move.actor = "bob";
  move.reason = "misfiled: DOB on page 2 is Rick Roe's";
  ASSERT_TRUE(store_->decide(move));
  EXPECT_EQ(doc("doc0001").patient->mrn, "MRN002");
  auto history = *store_->document_history("doc0001");
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].action, "move");
  EXPECT_EQ(history[1].from_mrn, "MRN001");
  EXPECT_EQ(history[1].to_mrn, "MRN002");
  EXPECT_EQ(history[1].actor, "bob");
  EXPECT_EQ(history[1].reason, "misfiled: DOB on page 2 is Rick Roe's");
  auto about_first = store_->audit_rows({"", "", "MRN001"});
  ASSERT_TRUE(about_first);
  bool move_listed = false;
  for (const AuditRow& r : *about_first) move_listed = move_listed || r.action == "move";
  EXPECT_TRUE(move_listed);  // the privacy officer sees the move under both patients
  expect_consistent();
}

TEST_F(Decisions, SplitThenMergeMovesPagesTextAndPdfsTogether) {
  Decision split = decision(DecisionKind::kSplit);
  split.page = 2;
  auto result = store_->decide(split);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->changed.size(), 2U);
  const std::string part = result->changed[1];
  EXPECT_EQ(doc("doc0001").pages, 1);
  EXPECT_EQ(doc(part).pages, 2);
  EXPECT_EQ(doc(part).state, DocumentState::kReview);
  EXPECT_NE(pdf_text(doc(part), 1).find("amoxicillin"), std::string::npos);
  EXPECT_NE(pdf_text(doc("doc0001"), 1).find("admission"), std::string::npos);
  auto hits = store_->search("amoxicillin");
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1U);
  EXPECT_EQ((*hits)[0].document, part);
  EXPECT_EQ((*hits)[0].pdf_page, 1);
  // The PDF before the split is kept, and named in the history.
  const auto history = *store_->document_history("doc0001");
  ASSERT_TRUE(history.back().pdf_before.has_value());
  EXPECT_TRUE(fs::exists(store_->root() / *history.back().pdf_before));
  expect_consistent();

  Decision merge = decision(DecisionKind::kMerge);
  merge.other = part;
  ASSERT_TRUE(store_->decide(merge));
  EXPECT_EQ(doc("doc0001").pages, 3);
  EXPECT_EQ(doc(part).state, DocumentState::kMerged);
  EXPECT_EQ(doc(part).merged_into, "doc0001");
  EXPECT_NE(pdf_text(doc("doc0001"), 3).find("discharge"), std::string::npos);
  hits = store_->search("discharge");
  ASSERT_EQ(hits->size(), 1U);
  EXPECT_EQ((*hits)[0].document, "doc0001");
  EXPECT_EQ((*hits)[0].pdf_page, 3);
  for (const DocumentRow& d : all_documents()) EXPECT_NE(d.id, part);  // merged: no longer listed
  expect_consistent();
}

// The evidence's page_sizes (one per page, where its boxes are) follow the
// pages through a split and a merge; a document whose evidence has none
// counts its pages as of unknown size.
TEST_F(Decisions, SplitAndMergeKeepOnePageSizePerPage) {
  const auto sizes = [this](const std::string& id) {
    return nlohmann::json::parse(doc(id).evidence_json).value("page_sizes", nlohmann::json());
  };
  const auto size = [](int width, int height) { return nlohmann::json{{"width", width}, {"height", height}}; };
  ASSERT_EQ(raw_exec(store_->root() / "chartroom.db",
                     R"(UPDATE documents SET evidence = '{"page_sizes": [{"width": 100, "height": 1}, )"
                     R"({"width": 200, "height": 2}, {"width": 300, "height": 3}]}' WHERE id = 'doc0001')"),
            SQLITE_OK);
  Decision split = decision(DecisionKind::kSplit);
  split.page = 2;
  auto result = store_->decide(split);
  ASSERT_TRUE(result) << result.error().message;
  const std::string part = result->changed[1];
  EXPECT_EQ(sizes("doc0001"), nlohmann::json::array({size(100, 1)}));
  EXPECT_EQ(sizes(part), nlohmann::json::array({size(200, 2), size(300, 3)}));

  ASSERT_EQ(raw_exec(store_->root() / "chartroom.db", "UPDATE documents SET evidence = '{}' WHERE id = '" + part + "'"),
            SQLITE_OK);
  Decision merge = decision(DecisionKind::kMerge);
  merge.other = part;
  ASSERT_TRUE(store_->decide(merge));
  EXPECT_EQ(sizes("doc0001"), nlohmann::json::array({size(100, 1), size(0, 0), size(0, 0)}));
}

TEST_F(Decisions, RotateTurnsThePageAndSearchStillFindsIt) {
  Decision rotate = decision(DecisionKind::kRotate);
  rotate.page = 2;
  rotate.degrees = 90;
  ASSERT_TRUE(store_->decide(rotate));
  const DocumentRow row = doc("doc0001");
  EXPECT_EQ(row.revision, 1);
  int status = 0;
  const std::string qdf =
      testing::run("qpdf --qdf --object-streams=disable " + (store_->root() / row.pdf).string() + " -", status);
  EXPECT_NE(qdf.find("/Rotate 90"), std::string::npos);
  EXPECT_NE(pdf_text(row, 2).find("amoxicillin"), std::string::npos);
  EXPECT_EQ(store_->search("amoxicillin")->size(), 1U);
  for (const PageRow& p : all_pages()) {
    if (p.document && *p.pdf_page == 2) {
      EXPECT_EQ(p.orientation, 180);  // it was read at 90
    }
  }
  expect_consistent();
}

TEST_F(Decisions, SettingTheOnlyUnsureThingFilesAndRejectKeepsTheDocument) {
  // Only its type was unsure: naming it files the document to the sure patient.
  BatchRecord batch = testing::three_page_batch(tmp_.path() / "in2");
  batch.name = "batch_0002";
  for (FileRecord& f : batch.files) f.hash = std::string(64, f.hash[0] == 'a' ? 'c' : 'd');
  for (PageRecord& p : batch.pages) {
    p.file_hash = std::string(64, p.file_hash[0] == 'a' ? 'c' : 'd');
    p.ref.source = "scans/second_" + std::to_string(p.ref.index) + p.ref.source.substr(6);
    if (p.state == PageState::kFiled) p.state = PageState::kReview;
  }
  batch.documents[0].id = "doc0002";
  batch.documents[0].state = DocumentState::kReview;
  batch.documents[0].doc_type.reset();
  batch.documents[0].review_reasons = {"its document type is not sure; choose its type"};
  batch.documents[0].review_kinds = {"type"};
  ASSERT_TRUE(store_->file_batch(batch));
  Decision set_type = decision(DecisionKind::kSetType);
  set_type.document = "doc0002";
  set_type.label = "correspondence";
  ASSERT_TRUE(store_->decide(set_type));
  EXPECT_EQ(doc("doc0002").state, DocumentState::kFiled);
  EXPECT_EQ(doc("doc0002").patient->mrn, "MRN001");

  Decision reject = decision(DecisionKind::kReject);
  reject.reason = "not for this facility";
  ASSERT_TRUE(store_->decide(reject));
  EXPECT_EQ(doc("doc0001").state, DocumentState::kRejected);
  auto rejected = store_->documents_in_state(DocumentState::kRejected);
  ASSERT_EQ(rejected->size(), 1U);
  for (const PageRow& p : all_pages()) {
    if (p.document == std::optional<std::string>("doc0001")) {
      EXPECT_EQ(p.state, PageState::kRejected);
    }
  }
  EXPECT_TRUE(fs::exists(store_->root() / doc("doc0001").pdf));
  EXPECT_FALSE(store_->decide(decision(DecisionKind::kReject)));  // already rejected
}

TEST_F(Decisions, ShortIdsResolveWhenUnique) {
  EXPECT_EQ(*store_->resolve_document_id("doc0"), "doc0001");
  EXPECT_FALSE(store_->resolve_document_id("doc"));      // too short
  EXPECT_FALSE(store_->resolve_document_id("zzzz"));     // none
}

// ---------------------------------------------------------------- the audit log

class AuditTamper : public Decisions {
 protected:
  fs::path db() const { return store_->root() / "chartroom.db"; }
  std::string verify_message() {
    auto reopened = Store::open(store_->root());
    EXPECT_TRUE(reopened);
    auto s = (*reopened)->verify_audit();
    return s ? std::string() : s.error().message;
  }
  void SetUp() override {
    Decisions::SetUp();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->audit("alice", "show", "doc0001", "details"));
    ASSERT_TRUE(store_->verify_audit());
  }
};

TEST_F(AuditTamper, AnEditedRowIsFound) {
  ASSERT_EQ(raw_exec(db(), "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2"),
            SQLITE_OK);
  EXPECT_NE(verify_message().find("entry 2"), std::string::npos) << verify_message();
}

TEST_F(AuditTamper, ARecomputedPlainHashDoesNotPassTheKeyedSeal) {
  // Someone who can write the database but not read the key recomputes a SHA-256.
  ASSERT_EQ(raw_exec(db(), "DROP TRIGGER audit_no_update; UPDATE audit SET scheme = 1 WHERE seq = 3"), SQLITE_OK);
  EXPECT_NE(verify_message().find("entry 3"), std::string::npos) << verify_message();
}

TEST_F(AuditTamper, ADeletedRowIsFound) {
  ASSERT_EQ(raw_exec(db(), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2"), SQLITE_OK);
  EXPECT_NE(verify_message().find("entry 2"), std::string::npos) << verify_message();
}

TEST_F(AuditTamper, AnInsertedRowIsFound) {
  ASSERT_EQ(raw_exec(db(), "INSERT INTO audit(seq, at, actor, action, object, detail, prev_hash, hash, scheme) "
                           "SELECT max(seq) + 1, '2026-01-01T00:00:00.000Z', 'mallory', 'show', 'doc0001', '', "
                           "(SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), 'ff', 2 FROM audit"),
            SQLITE_OK);
  EXPECT_FALSE(verify_message().empty());
}

TEST_F(AuditTamper, ACutTailIsFound) {
  const int last = static_cast<int>(store_->audit_log()->size());
  ASSERT_EQ(raw_exec(db(), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = " + std::to_string(last)),
            SQLITE_OK);
  EXPECT_NE(verify_message().find("tail was cut"), std::string::npos) << verify_message();
}

TEST_F(AuditTamper, AMissingKeyIsNotReplacedByANewOne) {
  fs::remove(store_->root() / "audit.key");
  auto reopened = Store::open(store_->root());
  ASSERT_TRUE(reopened);
  EXPECT_FALSE(fs::exists(store_->root() / "audit.key"));
  auto s = (*reopened)->audit("alice", "show", "doc0001", "");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("missing"), std::string::npos) << s.error().message;
  EXPECT_EQ(testing::mode_of(store_->root()), 0700u);
}

TEST(AuditKey, IsPrivate) {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(testing::mode_of(tmp.path() / "audit.key"), 0600u);
  ASSERT_TRUE((*store)->audit("alice", "show", "x", ""));
  EXPECT_EQ(testing::mode_of(tmp.path() / "audit.head"), 0600u);
}

// ---------------------------------------------------------------- users

TEST(Users, PasswordsAreArgon2idAndDisabledUsersCannotLogIn) {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->add_user({"alice", Role::kAdmin, false, "", "root"}, "correct horse"));
  EXPECT_FALSE((*store)->add_user({"alice", Role::kReviewer, false, "", "root"}, "another one"));
  EXPECT_FALSE((*store)->add_user({"bob", Role::kReviewer, false, "", "root"}, "short"));
  EXPECT_TRUE(*(*store)->check_password("alice", "correct horse"));
  EXPECT_FALSE(*(*store)->check_password("alice", "wrong horse"));
  int status = 0;
  const std::string hash = testing::run(
      "sqlite3 " + (tmp.path() / "chartroom.db").string() + " \"SELECT password_hash FROM users\"", status);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0U) << hash;
  ASSERT_TRUE((*store)->set_user_disabled("alice", true, "root"));
  EXPECT_FALSE(*(*store)->check_password("alice", "correct horse"));
  EXPECT_TRUE((*(*store)->user("alice"))->disabled);
}

}  // namespace
}  // namespace chartroom::indexer
