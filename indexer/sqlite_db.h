// RAII wrappers over the SQLite C API, private to indexer/. Every failure
// becomes an Error (kDatabase) that names the store and says what to do.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace chartroom::indexer {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

class Db;

// A prepared statement. Bind errors are remembered and reported by step()/run(),
// so call sites stay a flat chain of binds.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt, std::string what) : db_(&db), stmt_(stmt), what_(std::move(what)) {}

  Stmt& bind(int index, std::string_view value);
  Stmt& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Stmt& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Stmt& bind(int index, double value);
  Stmt& bind_null(int index);
  Stmt& bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
  }

  // One step: true when a row is ready, false when done.
  Result<bool> step();
  // Steps to completion and resets, for statements that return no rows.
  Status run();
  // Ready for new bindings.
  void reset();
  // Steps to completion: the first column of every row, as text.
  Result<std::vector<std::string>> first_column_texts();

  bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::string text(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double real(int col) const { return sqlite3_column_double(stmt_.get(), col); }

 private:
  Stmt& check_bind(int rc);
  Db* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  std::string what_;
  int bind_error_ = SQLITE_OK;
};

class Db {
 public:
  static Result<Db> open(const std::filesystem::path& file);

  Status exec(const char* sql, std::string_view what);
  Result<Stmt> prepare(std::string_view sql, std::string_view what);
  // An Error for a failed call, naming the store and the remedy.
  Error error(std::string_view what, int rc) const;
  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before commit().
// IMMEDIATE takes the write lock up front so busy_timeout applies to it.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db, std::string_view what);
  Transaction(Transaction&& other) noexcept : db_(other.db_), what_(std::move(other.what_)) {
    other.db_ = nullptr;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  Transaction(Db& db, std::string what) : db_(&db), what_(std::move(what)) {}
  Db* db_;
  std::string what_;
};

}  // namespace chartroom::indexer
