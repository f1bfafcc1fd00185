// The review station on a large store: how long the queue page and the switch
// to the next document take, at the 50th and 95th percentile, over HTTP on
// loopback (so the figures include the server's whole work: session, store
// queries, evidence, candidates, neighbours and the audit row of each view).
//   ./build/bench/chartroom-station-bench [DOCUMENTS] [REQUESTS]   # 100000 200
// The store is made in a temporary folder with the real schema (Store::open),
// its rows written straight into SQLite in one transaction (filing 100,000
// PDFs would take hours and is not what is measured); a fifth of the
// documents are filed, the rest in review, five to a batch, with evidence
// the size real documents carry.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "review/station.h"

namespace {

using chartroom::Patient;
namespace fs = std::filesystem;
using nlohmann::json;

const char* const kKinds[] = {"patient", "type", "boundary", "quality"};

std::string mrn_of(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "%08d", 10000000 + i);
  return text;
}

std::string evidence(int patient, std::mt19937& random) {
  json ids = json::array();
  const char* fields[][2] = {{"mrn", "MRN:"}, {"name", "Patient:"}, {"birth_date", "DOB:"}};
  for (int i = 0; i < 3; ++i) {
    ids.push_back({{"kind", fields[i][0]}, {"value", i == 0 ? mrn_of(patient) : "DOE, JANE"}, {"read", "value"},
                   {"label", fields[i][1]}, {"page", 1}, {"line", 3 + i},
                   {"box", {{"x", 300}, {"y", 400 + 40 * i}, {"width", 220}, {"height", 33}}}, {"corrected", false},
                   {"from_barcode", false}, {"suffix", ""}});
  }
  json candidates = json::array();
  for (int c = 0; c < 2; ++c) {
    candidates.push_back({{"mrn", mrn_of((patient + c * 7) % 50000)}, {"confidence", c == 0 ? 0.91 : 0.05},
                          {"weight", 12.5 - 9 * c}, {"agreements", {"MRN exact (page 1, line 4)", "DOB exact"}},
                          {"conflicts", json::array({"given name differs"})}});
  }
  return json{{"identifiers", ids},
              {"candidates", candidates},
              {"types", {{{"label", "progress_note"}, {"confidence", 0.6}}, {{"label", "consult_note"}, {"confidence", 0.3}}}},
              {"pages", {"page 1 of scans/box_0042/scan_" + std::to_string(random() % 100000) + ".tif"}},
              {"boundary", {{"reasons", {"new title"}}, {"unsure", false}}},
              {"page_sizes", {{{"width", 2550}, {"height", 3300}}}},
              {"ocr_engine", "tesseract 5.3.0, eng"}}
      .dump();
}

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, error ? error : "?");
    std::exit(1);
  }
}

void fill(const fs::path& db_file, int documents) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  exec(db, "BEGIN");
  sqlite3_stmt* patient = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO patients VALUES (?1, 'DOE', 'JANE', '', '1980-02-29', 'F', '2026-01-01')", -1,
                     &patient, nullptr);
  for (int i = 0; i < 50000; ++i) {
    sqlite3_bind_text(patient, 1, mrn_of(i).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(patient);
    sqlite3_reset(patient);
  }
  sqlite3_finalize(patient);
  sqlite3_stmt* doc = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO documents(id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, "
                     "pdf, page_count, review_reasons, batch, evidence, created_at, review_kinds) VALUES "
                     "(?1, ?2, ?3, 0.91, 'progress_note', 0.6, 'documents/xx/x.pdf', 2, ?4, ?5, ?6, ?7, ?8)",
                     -1, &doc, nullptr);
  std::mt19937 random(7);
  for (int i = 0; i < documents; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", i * 2654435761U);
    const bool filed = i % 5 == 0;
    const char* kind = kKinds[random() % 4];
    char created[32];
    std::snprintf(created, sizeof created, "2026-%02d-%02dT%02d:%02d:%02d.000Z", 1 + i / 300000 % 12,
                  1 + i / 10000 % 28, i / 400 % 24, i / 7 % 60, i % 60);
    sqlite3_bind_text(doc, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(doc, 2, filed ? "filed" : "review", -1, SQLITE_STATIC);
    sqlite3_bind_text(doc, 3, mrn_of(i % 50000).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(doc, 4, filed ? "[]" : "[\"MRN 0000 (page 1, line 4) is not in the patient index\"]", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(doc, 5, ("box_" + std::to_string(i / 5)).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(doc, 6, evidence(i % 50000, random).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(doc, 7, created, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(doc, 8, filed ? "[]" : (std::string("[\"") + kind + "\"]").c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(doc) != SQLITE_DONE) {
      std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
      std::exit(1);
    }
    sqlite3_reset(doc);
  }
  sqlite3_finalize(doc);
  exec(db, "COMMIT");
  exec(db, "ANALYZE");
  sqlite3_close(db);
}

struct Timings {
  std::vector<double> ms;
  void report(const char* what) {
    std::ranges::sort(ms);
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    std::printf("%-34s n=%zu  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms\n", what, ms.size(), at(0.5), at(0.95),
                ms.back());
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int documents = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 200;
  const fs::path root = fs::temp_directory_path() / ("chartroom-station-bench-" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto t0 = std::chrono::steady_clock::now();
  {
    auto store = chartroom::indexer::Store::open(root);
    if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  }
  fill(root / "chartroom.db", documents);
  auto store = chartroom::indexer::Store::open(root);
  if (!store || !(*store)->add_user({"rita", chartroom::indexer::Role::kReviewer, false, "", "bench"},
                                    "bench-password-1")) {
    return std::fprintf(stderr, "cannot open the bench store\n"), 1;
  }
  std::printf("store of %d documents made in %.1f s\n", documents,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  chartroom::review::StationOptions options;
  options.port = 0;
  options.type_labels = {"progress_note", "consult_note"};
  auto station = chartroom::review::Station::create(**store, options);
  if (!station) return std::fprintf(stderr, "%s\n", station.error().message.c_str()), 1;
  std::thread server([&] { (void)(*station)->run(); });
  httplib::Client client("127.0.0.1", (*station)->port());
  for (int i = 0; i < 100 && !client.Get("/favicon.ico"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto login = client.Post("/api/login", R"({"user":"rita","password":"bench-password-1"})", "application/json");
  if (!login || login->status != 200) return std::fprintf(stderr, "login failed\n"), 1;
  const std::string set = login->get_header_value("Set-Cookie");
  const httplib::Headers headers{{"Cookie", set.substr(0, set.find(';'))}};

  auto timed = [&](const std::string& path, Timings& t) -> json {
    const auto start = std::chrono::steady_clock::now();
    auto res = client.Get(path, headers);
    t.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!res || res->status != 200) {
      std::fprintf(stderr, "%s: %d\n", path.c_str(), res ? res->status : -1);
      std::exit(1);
    }
    return json::parse(res->body);
  };
  Timings queue;
  Timings queue_kind;
  Timings next;
  std::mt19937 random(11);
  for (int i = 0; i < requests; ++i) {
    // Reviewers work from the front of the queue: the first 20 pages of it.
    const json page = timed("/api/queue?offset=" + std::to_string(random() % 20 * 50), queue);
    timed(std::string("/api/queue?kind=") + kKinds[i % 4] + "&offset=" + std::to_string(random() % 20 * 50),
          queue_kind);
    const auto& docs = page["documents"];
    if (!docs.empty()) timed("/api/document/" + docs[random() % docs.size()]["id"].get<std::string>(), next);
  }
  std::printf("over HTTP on loopback, %d requests each, 2-core machine:\n", requests);
  queue.report("queue page (50 of all in review)");
  queue_kind.report("queue page filtered by kind");
  next.report("next document (evidence, neighbours)");
  (*station)->stop();
  server.join();
  fs::remove_all(root);
  return 0;
}
