// The durable page state machine: page_work rows, one per input page, each
// step committed before the next starts (see Store::save_page).
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace fs = std::filesystem;
namespace {

constexpr const char* kUpsert =
    "INSERT INTO page_work(file_hash, page, source, batch, state, reason, orientation, skew, blank, needs_rescan, "
    "text, ocr_confidence, page_pdf, created_at, updated_at, barcodes, words, image_width, image_height, "
    "embedded_text) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, ?17, ?18, ?19) "
    "ON CONFLICT(file_hash, page) DO UPDATE SET source = excluded.source, batch = excluded.batch, "
    "state = excluded.state, reason = excluded.reason, orientation = excluded.orientation, skew = excluded.skew, "
    "blank = excluded.blank, needs_rescan = excluded.needs_rescan, text = excluded.text, "
    "ocr_confidence = excluded.ocr_confidence, page_pdf = excluded.page_pdf, updated_at = excluded.updated_at, "
    "barcodes = excluded.barcodes, words = excluded.words, image_width = excluded.image_width, "
    "image_height = excluded.image_height, embedded_text = excluded.embedded_text";

std::string words_json(const std::vector<Word>& words) {
  nlohmann::json out = nlohmann::json::array();
  for (const Word& w : words) {
    out.push_back({{"text", w.text},
                   {"x", w.box.x},
                   {"y", w.box.y},
                   {"width", w.box.width},
                   {"height", w.box.height},
                   {"line", w.line},
                   {"confidence", w.confidence}});
  }
  return dump(out);
}

// What words_json wrote; entries that are not objects are skipped.
std::vector<Word> words_from_json(const std::string& text) {
  std::vector<Word> words;
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) return words;
  for (const auto& w : json) {
    if (!w.is_object()) continue;
    Word word;
    word.text = w.value("text", "");
    word.box = {w.value("x", 0), w.value("y", 0), w.value("width", 0), w.value("height", 0)};
    word.line = w.value("line", 0);
    word.confidence = w.value("confidence", 0.0F);
    words.push_back(std::move(word));
  }
  return words;
}

Status bind_and_run(Stmt& stmt, const fs::path& root, const PageRecord& page, std::string_view batch,
                    const std::string& now) {
  stmt.bind(1, page.file_hash).bind(2, page.ref.index).bind(3, page.ref.source).bind(4, batch);
  stmt.bind(5, page_state_name(page.state)).bind(6, page.reason.empty() ? std::nullopt : std::optional(page.reason));
  stmt.bind(7, page.orientation).bind(8, page.skew).bind(9, page.blank ? 1 : 0).bind(10, page.needs_rescan ? 1 : 0);
  stmt.bind(11, page.text).bind(12, static_cast<double>(page.ocr_confidence));
  if (page.page_pdf.empty()) {
    stmt.bind_null(13);
  } else {
    stmt.bind(13, page.page_pdf.lexically_relative(root).string());
  }
  stmt.bind(14, now);
  nlohmann::json codes = nlohmann::json::array();
  for (const Barcode& b : page.barcodes) {
    codes.push_back({{"format", b.format}, {"value", b.value}, {"box", {b.box.x, b.box.y, b.box.width, b.box.height}}});
  }
  stmt.bind(15, dump(codes)).bind(16, words_json(page.words));
  stmt.bind(17, page.image_width).bind(18, page.image_height).bind(19, page.embedded_text);
  return stmt.run();
}

// "2024-05-01T12:00:00.000Z" for now minus `ago`, comparable as text with now_utc_iso().
std::string utc_iso_ago(std::chrono::seconds ago) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - ago);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

Result<int> count_since(Db& db, const char* sql, const std::string& since) {
  auto stmt = db.prepare(sql, "reading the page queue");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, since);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? static_cast<int>(stmt->integer(0)) : 0;
}

}  // namespace

fs::path Store::page_pdf_path(const std::string& file_hash, int page) const {
  const std::string prefix = file_hash.size() >= 2 ? file_hash.substr(0, 2) : std::string("__");
  return impl_->root / "work" / "pages" / prefix / (file_hash + "-" + std::to_string(page) + ".pdf");
}

Status Store::save_page(const PageRecord& page, std::string_view batch) { return save_pages({page}, batch); }

Result<OcrAttempts> Store::start_ocr_attempt(const std::string& file_hash, int page) {
  auto stmt = impl_->db.prepare(
      "UPDATE page_work SET ocr_attempts = ocr_attempts + 1 WHERE file_hash = ?1 AND page = ?2 "
      "RETURNING ocr_attempts, ocr_crashes",
      "counting an OCR attempt");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, file_hash).bind(2, page);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kNotFound, "page " + std::to_string(page + 1) + " of file " + file_hash +
                                                   " has no saved progress; save it before reading it");
  const OcrAttempts attempts{static_cast<int>(stmt->integer(0)), static_cast<int>(stmt->integer(1))};
  if (auto done = stmt->step(); !done) return std::unexpected(done.error());  // the statement completes: committed
  return attempts;
}

Status Store::record_ocr_crashes(const std::vector<PageKey>& pages) {
  if (pages.empty()) return {};
  auto tx = Transaction::begin(impl_->db, "recording crashes inside OCR");
  if (!tx) return std::unexpected(tx.error());
  auto stmt = impl_->db.prepare(
      "UPDATE page_work SET ocr_crashes = ocr_crashes + 1 WHERE file_hash = ?1 AND page = ?2",
      "recording crashes inside OCR");
  if (!stmt) return std::unexpected(stmt.error());
  for (const PageKey& key : pages) {
    stmt->reset();
    stmt->bind(1, key.file_hash).bind(2, key.page);
    if (auto done = stmt->step(); !done) return std::unexpected(done.error());
  }
  return tx->commit();
}

Status Store::save_pages(const std::vector<PageRecord>& pages, std::string_view batch) {
  auto tx = Transaction::begin(impl_->db, "recording page progress");
  if (!tx) return std::unexpected(tx.error());
  auto stmt = impl_->db.prepare(kUpsert, "recording page progress");
  if (!stmt) return std::unexpected(stmt.error());
  const std::string now = now_utc_iso();
  for (const PageRecord& page : pages) {
    if (auto s = bind_and_run(*stmt, impl_->root, page, batch, now); !s) return s;
  }
  return tx->commit();
}

Result<std::optional<PageRecord>> Store::saved_page(const std::string& file_hash, int page) {
  auto stmt = impl_->db.prepare(
      "SELECT source, state, reason, orientation, skew, blank, needs_rescan, text, ocr_confidence, page_pdf, barcodes, "
      "words, image_width, image_height, embedded_text FROM page_work WHERE file_hash = ?1 AND page = ?2",
      "reading page progress");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, file_hash).bind(2, page);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<PageRecord>();
  PageRecord record;
  record.ref = {stmt->text(0), page};
  record.file_hash = file_hash;
  record.state = parse_page_state(stmt->text(1)).value_or(PageState::kReceived);
  record.reason = stmt->optional_text(2).value_or("");
  record.orientation = static_cast<int>(stmt->integer(3));
  record.skew = stmt->real(4);
  record.blank = stmt->integer(5) != 0;
  record.needs_rescan = stmt->integer(6) != 0;
  record.text = stmt->text(7);
  record.ocr_confidence = static_cast<float>(stmt->real(8));
  if (auto pdf = stmt->optional_text(9)) record.page_pdf = impl_->root / *pdf;
  const auto codes = nlohmann::json::parse(stmt->text(10), nullptr, false);
  if (codes.is_array()) {
    for (const auto& c : codes) {
      if (!c.is_object() || !c.contains("box") || c["box"].size() != 4) continue;
      const auto& box = c["box"];
      record.barcodes.push_back({c.value("format", ""), c.value("value", ""),
                                 {box[0].get<int>(), box[1].get<int>(), box[2].get<int>(), box[3].get<int>()}});
    }
  }
  record.words = words_from_json(stmt->text(11));
  record.image_width = static_cast<int>(stmt->integer(12));
  record.image_height = static_cast<int>(stmt->integer(13));
  record.embedded_text = stmt->text(14);
  return std::optional<PageRecord>(std::move(record));
}

Result<WorkStatus> Store::work_status() {
  Db& db = impl_->db;
  WorkStatus status;
  auto states = db.prepare("SELECT state, count(*) FROM page_work GROUP BY state ORDER BY state", "reading the page queue");
  if (!states) return std::unexpected(states.error());
  for (;;) {
    auto row = states->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const auto state = parse_page_state(states->text(0));
    if (!state) continue;
    (is_terminal(*state) ? status.finished : status.waiting).emplace_back(*state, static_cast<int>(states->integer(1)));
  }
  constexpr const char* kFinishedSince =
      "SELECT count(*) FROM page_work WHERE updated_at >= ?1 "
      "AND state IN ('filed','review','quarantined','dropped_blank','separator')";
  auto ten = count_since(db, kFinishedSince, utc_iso_ago(std::chrono::minutes(10)));
  if (!ten) return std::unexpected(ten.error());
  status.finished_last_10_min = *ten;
  auto hour = count_since(db, kFinishedSince, utc_iso_ago(std::chrono::hours(1)));
  if (!hour) return std::unexpected(hour.error());
  status.finished_last_hour = *hour;
  auto day = count_since(db, "SELECT count(*) FROM page_work WHERE updated_at >= ?1 AND state = 'quarantined'",
                         utc_iso_ago(std::chrono::hours(24)));
  if (!day) return std::unexpected(day.error());
  status.quarantined_last_day = *day;

  auto oldest = db.prepare(
      "SELECT source, created_at FROM page_work WHERE state IN ('received','cleaned','read','classified') "
      "ORDER BY created_at LIMIT 1",
      "reading the page queue");
  if (!oldest) return std::unexpected(oldest.error());
  auto row = oldest->step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    status.oldest_waiting_source = oldest->text(0);
    status.oldest_waiting_since = oldest->text(1);
  }
  auto errors = db.prepare(
      "SELECT reason FROM page_work WHERE state = 'quarantined' AND reason IS NOT NULL "
      "ORDER BY updated_at DESC LIMIT 5",
      "reading the page queue");
  if (!errors) return std::unexpected(errors.error());
  for (;;) {
    auto next = errors->step();
    if (!next) return std::unexpected(next.error());
    if (!*next) break;
    status.recent_errors.push_back(errors->text(0));
  }
  return status;
}

// Called by record_batch inside the filing transaction: every page of the
// batch takes its terminal state in the same commit as its document.
Status record_page_work(Db& db, const fs::path& root, const std::vector<PageRecord>& pages, std::string_view batch) {
  auto stmt = db.prepare(kUpsert, "recording page progress");
  if (!stmt) return std::unexpected(stmt.error());
  const std::string now = now_utc_iso();
  for (const PageRecord& page : pages) {
    PageRecord row = page;
    row.page_pdf.clear();  // filed: the per-page PDF is gone once the document is in place
    if (auto s = bind_and_run(*stmt, root, row, batch, now); !s) return s;
  }
  return {};
}

}  // namespace chartroom::indexer
