#include "indexer/sqlite_db.h"

namespace chartroom::indexer {

Stmt& Stmt::check_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view value) {
  return check_bind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                                        SQLITE_UTF8));
}
Stmt& Stmt::bind(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(stmt_.get(), index, value));
}
Stmt& Stmt::bind(int index, double value) { return check_bind(sqlite3_bind_double(stmt_.get(), index, value)); }
Stmt& Stmt::bind_null(int index) { return check_bind(sqlite3_bind_null(stmt_.get(), index)); }

Result<bool> Stmt::step() {
  if (bind_error_ != SQLITE_OK) {
    const int rc = bind_error_;
    bind_error_ = SQLITE_OK;
    return std::unexpected(db_->error(what_ + " (binding a value)", rc));
  }
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error err = db_->error(what_, rc);
  sqlite3_reset(stmt_.get());
  return std::unexpected(std::move(err));
}

Status Stmt::run() {
  for (;;) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
  }
  reset();
  return {};
}

Result<std::vector<std::string>> Stmt::first_column_texts() {
  std::vector<std::string> out;
  for (;;) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(text(0));
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = SQLITE_OK;
}

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::string> Stmt::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

Result<Db> Db::open(const std::filesystem::path& file) {
  Db db;
  db.path_ = file.string();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db.path_.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db.db_.reset(raw);  // owns the handle even when open failed
  if (rc != SQLITE_OK) return std::unexpected(db.error("opening the database", rc));
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(what, rc));
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return std::unexpected(error(std::string(what) + " (preparing SQL)", rc));
  }
  return Stmt(*this, raw, std::string(what));
}

Error Db::error(std::string_view what, int rc) const {
  const std::string detail = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  const std::string w(what);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kDatabase, "the store at " + path_ + " is locked by another chartroom process (" + w +
                                        "); wait for it or stop it"};
    case SQLITE_FULL:
      return {ErrorCode::kDatabase, "the disk holding the store at " + path_ + " is full (" + w +
                                        "); free some space and retry"};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorCode::kDatabase, "the store database " + path_ + " is damaged or not a chartroom store (" + w +
                                        ": " + detail + "); restore it from a backup"};
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return {ErrorCode::kDatabase, "cannot write the store database " + path_ + " (" + w + ": " + detail +
                                        "); check that the folder exists and you may write to it"};
    default:
      return {ErrorCode::kDatabase, "the store at " + path_ + ": " + w + " failed: " + detail};
  }
}

Result<Transaction> Transaction::begin(Db& db, std::string_view what) {
  if (auto s = db.exec("BEGIN IMMEDIATE", std::string("starting a transaction for ") + std::string(what)); !s) {
    return std::unexpected(s.error());
  }
  return Transaction(db, std::string(what));
}

Transaction::~Transaction() {
  if (db_) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
  Db* db = db_;
  if (!db) return {};
  if (auto s = db->exec("COMMIT", "committing " + what_); !s) return s;  // destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace chartroom::indexer
