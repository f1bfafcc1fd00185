// Finding things in the store: full-text search with prefixes and the filters
// of `documents`, typed input that looks like FTS5 syntax, the patient index
// in name order and looked up by MRN, name and date of birth, and the query
// plans that keep those fast on a million pages and patients.
#include <gtest/gtest.h>

#include <algorithm>

#include "find_store.h"
#include "indexer/store_impl.h"
#include "test_util.h"

namespace chartroom::indexer {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

class Find : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(tmp_.path() / "store");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto made = testing::make_find_store(*store_, tmp_.path() / "work");
    ASSERT_TRUE(made) << made.error().message;
  }

  std::vector<std::string> documents_found(const std::string& text, DocumentQuery filters = {}) {
    auto hits = store_->search(SearchQuery{text, filters});
    EXPECT_TRUE(hits) << text << ": " << (hits ? "" : hits.error().message);
    std::vector<std::string> out;
    for (const SearchHit& h : hits ? *hits : std::vector<SearchHit>{}) out.push_back(h.document);
    std::ranges::sort(out);
    return out;
  }
  static PatientQuery by(const std::string& text, const std::string& birth_date = "") {
    PatientQuery query;
    query.text = text;
    query.birth_date = birth_date;
    return query;
  }
  std::vector<std::string> mrns_found(const PatientQuery& query) {
    auto found = store_->find_patients(query);
    EXPECT_TRUE(found) << query.text << ": " << (found ? "" : found.error().message);
    std::vector<std::string> out;
    for (const PatientListing& p : found ? *found : std::vector<PatientListing>{})
      out.push_back(p.patient.mrn);
    return out;
  }
  // The plan SQLite chooses for a statement, one detail per line.
  std::string plan(const std::string& sql) {
    auto db = Db::open(tmp_.path() / "store" / "chartroom.db");
    EXPECT_TRUE(db);
    auto stmt = db->prepare("EXPLAIN QUERY PLAN " + sql, "explaining");
    EXPECT_TRUE(stmt) << (stmt ? "" : stmt.error().message);
    std::string out;
    while (stmt && stmt->step().value_or(false)) out += stmt->text(3) + "\n";
    return out;
  }

  using Docs = std::vector<std::string>;
  TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(Find, APrefixFindsTheWordsItStartsAndNotOthers) {
  EXPECT_EQ(documents_found("hyperten*"), (Docs{"doc_a", "doc_b", "doc_c"}));
  EXPECT_EQ(documents_found("hypertension"), (Docs{"doc_a", "doc_c"}));
  EXPECT_EQ(documents_found("hyperten"), Docs{});  // without the *, a whole word
  EXPECT_EQ(documents_found("hyper*"),
            (Docs{"doc_a", "doc_a", "doc_b", "doc_c", "doc_d"}));  // not hypothermia
  EXPECT_EQ(documents_found("hyperten* diabet*"), Docs{"doc_c"});
  EXPECT_EQ(documents_found("\"essential hyperten\"*"), Docs{"doc_a"});  // a phrase's last word as a prefix
}

TEST_F(Find, PhrasesKeepWorking) {
  EXPECT_EQ(documents_found("\"essential hypertension\""), Docs{"doc_a"});
  EXPECT_EQ(documents_found("\"hypertension essential\""), Docs{});
  EXPECT_EQ(documents_found("\"blood pressure\" hyperten*"), Docs{"doc_a"});
}

TEST_F(Find, ABareStarOrAShortPrefixIsRefusedWithAReason) {
  for (const char* bad : {"*", "**", "hy*", "a*", "hypertension h*", "\"essential h\"*", "\"\"*", "--*"}) {
    auto hits = store_->search(SearchQuery{bad, {}});
    ASSERT_FALSE(hits) << bad;
    EXPECT_EQ(hits.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(hits.error().message.find("3 letters"), std::string::npos) << hits.error().message;
  }
  EXPECT_EQ(documents_found("hyp*"), (Docs{"doc_a", "doc_a", "doc_b", "doc_c", "doc_d", "doc_e"}));
}

TEST_F(Find, EachHitCarriesItsDocumentsPatientTypePageAndState) {
  auto hits = store_->search(SearchQuery{"hyperthyroid", {}});
  ASSERT_TRUE(hits) << hits.error().message;
  ASSERT_EQ(hits->size(), 1U);
  const SearchHit& hit = hits->front();
  EXPECT_EQ(hit.document, "doc_a");
  EXPECT_EQ(hit.pdf_page, 2);
  EXPECT_EQ(hit.state, DocumentState::kFiled);
  ASSERT_TRUE(hit.patient);
  EXPECT_EQ(hit.patient->mrn, "M100");
  ASSERT_TRUE(hit.doc_type);
  EXPECT_EQ(hit.doc_type->label, "progress_note");
  EXPECT_NE(hit.snippet.find("[hyperthyroid]"), std::string::npos) << hit.snippet;

  hits = store_->search(SearchQuery{"diabetes", {}});
  ASSERT_TRUE(hits && hits->size() == 1U);
  EXPECT_EQ(hits->front().state, DocumentState::kReview);
  EXPECT_FALSE(hits->front().patient);  // in review with no candidate
}

TEST_F(Find, TheFiltersOfDocumentsNarrowTheHits) {
  DocumentQuery f;
  f.patient = "M100";
  EXPECT_EQ(documents_found("hyper*", f), (Docs{"doc_a", "doc_a", "doc_d"}));
  f.state = DocumentState::kFiled;
  EXPECT_EQ(documents_found("hyper*", f), (Docs{"doc_a", "doc_a"}));
  DocumentQuery by_type;
  by_type.type = "lab_result";
  EXPECT_EQ(documents_found("hyp*", by_type), (Docs{"doc_b", "doc_e"}));
  DocumentQuery review;
  review.state = DocumentState::kReview;
  EXPECT_EQ(documents_found("hyper*", review), (Docs{"doc_c", "doc_d"}));
  DocumentQuery future;
  future.since = "2999-01-01";
  EXPECT_EQ(documents_found("hyper*", future), Docs{});
  future.since = "2000-01-01";
  EXPECT_EQ(documents_found("hyper*", future).size(), 5U);
}

TEST_F(Find, HitsArePagedBestFirst) {
  DocumentQuery page;
  page.limit = 2;
  auto first = store_->search(SearchQuery{"hyp*", page});
  page.offset = 2;
  auto second = store_->search(SearchQuery{"hyp*", page});
  page.offset = 6;
  auto past = store_->search(SearchQuery{"hyp*", page});
  ASSERT_TRUE(first && second && past);
  ASSERT_EQ(first->size(), 2U);
  ASSERT_EQ(second->size(), 2U);
  EXPECT_TRUE(past->empty());
  EXPECT_LE((*first)[1].rank, (*second)[0].rank);
  for (const SearchHit& a : *first) {
    for (const SearchHit& b : *second) EXPECT_FALSE(a.document == b.document && a.pdf_page == b.pdf_page);
  }
}

TEST_F(Find, TypedFts5SyntaxIsSearchedForAsTextNeverRun) {
  // What a person might type that FTS5 would read as syntax.
  const std::vector<std::string> typed{
      "\"", "\"\"",      "NEAR(", "NEAR(door arrival)", "OR",    "door OR", "AND",    "NOT",
      "-",  "-door",     ":",     "text:door",          "^door", "door)",   "(door",  "{text}: door",
      "+",  "hyper* OR", "'",     "\"unclosed phrase",  "\\",    "door;--", "a\"b\"c"};
  for (const std::string& text : typed) {
    auto hits = store_->search(SearchQuery{text, {}});
    EXPECT_TRUE(hits) << text << ": " << (hits ? "" : hits.error().message);
  }
  // Words that are FTS5 operators are plain words: they must appear in the text.
  EXPECT_EQ(documents_found("NEAR door"), Docs{"doc_e"});
  EXPECT_EQ(documents_found("hypothermia OR"), Docs{"doc_e"});
  EXPECT_EQ(documents_found("hypertension OR hypothermia"), Docs{});
  EXPECT_EQ(documents_found("text:door"), Docs{});              // not a column filter: the phrase "text door"
  EXPECT_EQ(documents_found("arrival: -door"), Docs{"doc_e"});  // no NOT: both words must appear
}

TEST_F(Find, TheFullTextQueryDrivesAndEachHitFindsItsDocumentByKey) {
  const std::string p = plan(search_statement());
  EXPECT_EQ(p.find("SCAN t VIRTUAL TABLE"), 0U) << p;
  EXPECT_NE(p.find("SEARCH d USING INDEX sqlite_autoindex_documents_1 (id=?)"), std::string::npos) << p;
}

TEST_F(Find, TheIndexIsListedInNameOrderAPageAtATime) {
  auto all = store_->list_patients(0, 0);
  ASSERT_TRUE(all) << all.error().message;
  std::vector<std::string> mrns;
  for (const PatientListing& p : *all) mrns.push_back(p.patient.mrn);
  // Case-insensitive: "doe" between "De La Cruz" and "Smith"; Joan before John.
  EXPECT_EQ(mrns, (Docs{"000123", "000124", "M200", "M300", "M101", "M100", "M102"}));
  EXPECT_EQ((*all)[5].documents, 1);  // M100: doc_a filed; doc_d is only in review for them
  EXPECT_EQ((*all)[0].documents, 0);
  EXPECT_EQ((*all)[5].patient.given_name, "John");
  EXPECT_EQ((*all)[5].patient.birth_date, "1950-03-02");
  EXPECT_EQ((*all)[5].patient.sex, 'M');

  std::vector<std::string> paged;
  for (int offset = 0; offset < 10; offset += 3) {
    auto page = store_->list_patients(3, offset);
    ASSERT_TRUE(page);
    EXPECT_LE(page->size(), 3U);
    for (const PatientListing& p : *page) paged.push_back(p.patient.mrn);
  }
  EXPECT_EQ(paged, mrns);
  // Walks the name index: no sort, however many patients.
  const std::string p = plan(patients_statement(false, false));
  EXPECT_NE(p.find("USING INDEX patients_by_name_upper"), std::string::npos) << p;
  EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << p;
}

TEST_F(Find, PatientsAreFoundByMrnOrItsStart) {
  EXPECT_EQ(mrns_found(by("M100")), Docs{"M100"});
  EXPECT_EQ(mrns_found(by("00012")), (Docs{"000123", "000124"}));
  EXPECT_EQ(mrns_found(by("m100")), Docs{});  // MRNs as printed
  EXPECT_EQ(mrns_found(by("999")), Docs{});
}

TEST_F(Find, PatientsAreFoundByNameInTheWaysPeopleTypeIt) {
  EXPECT_EQ(mrns_found(by("Smith")), (Docs{"M101", "M100", "M102"}));  // the start of the family name
  EXPECT_EQ(mrns_found(by("smith")), (Docs{"M101", "M100", "M102"}));
  EXPECT_EQ(mrns_found(by("smith john")), Docs{"M100"});
  EXPECT_EQ(mrns_found(by("SMITH, John")), Docs{"M100"});
  EXPECT_EQ(mrns_found(by("Smith,jo")), (Docs{"M101", "M100"}));
  EXPECT_EQ(mrns_found(by("  smithers   wayland ")), Docs{"M102"});
  EXPECT_EQ(mrns_found(by("DOE")), Docs{"M300"});  // stored in lower case
  EXPECT_EQ(mrns_found(by("de la cruz, maria")), Docs{"M200"});
  EXPECT_EQ(mrns_found(by("john smith")), Docs{});  // the family name comes first
  PatientQuery few = by("smith");
  few.limit = 1;
  few.offset = 1;
  EXPECT_EQ(mrns_found(few), Docs{"M100"});
}

TEST_F(Find, PatientsAreFoundByDateOfBirth) {
  EXPECT_EQ(mrns_found(by("", "1950-03-02")), (Docs{"M100", "M102"}));
  EXPECT_EQ(mrns_found(by("1950-03-02")), (Docs{"M100", "M102"}));  // a date in the text
  EXPECT_EQ(mrns_found(by("smithers 1950-03-02")), Docs{"M102"});
  EXPECT_EQ(mrns_found(by("smith", "1962-07-15")), Docs{"M101"});
  EXPECT_EQ(mrns_found(by("", "1950-03-03")), Docs{});
  auto bad = store_->find_patients(by("", "02/03/1950"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(mrns_found(by("smith 1962-07-15", "1962-07-15")), Docs{"M101"});  // the same date twice
  auto two = store_->find_patients(by("smith 1962-07-15", "1950-03-02"));
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("two dates of birth"), std::string::npos) << two.error().message;
  auto nothing = store_->find_patients(by("   "));
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(Find, PatientLookupsUseAnIndex) {
  for (const auto& [by_text, by_date] : {std::pair{true, false}, {false, true}, {true, true}}) {
    const std::string p = plan(patients_statement(by_text, by_date));
    EXPECT_EQ(p.find("SCAN p"), std::string::npos) << p;
  }
  // Matching's lookup by family name (store.cpp) is served by the name index too.
  const std::string p = plan("SELECT mrn FROM patients WHERE upper(family_name) = 'SMITH' ORDER BY mrn");
  EXPECT_NE(p.find("USING INDEX patients_by_name_upper"), std::string::npos) << p;
}

}  // namespace
}  // namespace chartroom::indexer
