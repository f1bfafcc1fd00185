// Store: opening (layout, permissions, pragmas, migrations) and patients.
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <system_error>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace fs = std::filesystem;
namespace {

Status make_private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot create the store folder " + dir.string() + ": " + ec.message());
  // Patient data: only the owner may list or read it, whatever the umask.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot make " + dir.string() + " private (mode 0700): " + ec.message());
  return {};
}

// Creates the database file with mode 0600 before SQLite does (it would use
// 0644); SQLite gives the -wal and -shm files the same mode.
Status make_private_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::kIo, "cannot create the store database " + file.string());
  ::fchmod(fd, 0600);  // best effort for a file made by an older build
  ::close(fd);
  return {};
}

// Whether the temp file `path` may still be written: its writer (the PID in
// its name) is alive. Legacy "NAME.tmp" files (older builds) carry no PID and
// are left for ten minutes.
bool temp_in_use(const fs::path& path, fs::file_time_type modified) {
  const auto now = fs::file_time_type::clock::now();
  const long pid = temp_file_owner(path);
  if (pid == 0) return modified > now - std::chrono::minutes(10);
  if (pid == ::getpid()) return true;
  // A PID reused a day later by an unrelated process does not keep a leftover.
  return (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) && modified > now - std::chrono::hours(24);
}

void remove_stale_temps_in(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool temp = name.ends_with(".tmp") || name.find(".tmp-") != std::string::npos;
    std::error_code ignored;
    if (!temp || !it->is_regular_file(ignored)) continue;
    const auto modified = it->last_write_time(ignored);
    if (!ignored && !temp_in_use(it->path(), modified)) fs::remove(it->path(), ignored);
  }
}

}  // namespace

std::string now_utc_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

Store::Store() : impl_(std::make_unique<Impl>()) {}
Store::~Store() = default;

const fs::path& Store::root() const { return impl_->root; }

void Store::remove_stale_temps() const {
  remove_stale_temps_in(impl_->root / "documents");
  remove_stale_temps_in(impl_->root / "work");
}
fs::path Store::work_dir() const { return impl_->root / "work"; }

Result<std::unique_ptr<Store>> Store::open(const fs::path& root) {
  if (auto s = sodium_ready(); !s) return std::unexpected(s.error());
  for (const fs::path& dir : {root, root / "documents", root / "quarantine", root / "work"}) {
    if (auto s = make_private_dir(dir); !s) return std::unexpected(s.error());
  }

  const fs::path db_file = root / "chartroom.db";
  if (auto s = make_private_file(db_file); !s) return std::unexpected(s.error());
  auto db = Db::open(db_file);
  if (!db) return std::unexpected(db.error());
  // busy_timeout first, so the others wait for a busy store instead of failing.
  if (auto s = db->exec("PRAGMA busy_timeout = 5000", "setting the lock timeout"); !s) return std::unexpected(s.error());
  if (auto s = db->exec("PRAGMA journal_mode = WAL", "switching to WAL"); !s) return std::unexpected(s.error());
  // FULL: a filed document's row must survive power loss, not just a crash.
  if (auto s = db->exec("PRAGMA synchronous = FULL", "setting synchronous"); !s) return std::unexpected(s.error());
  // Migrations first, with foreign keys off: a step may rebuild a table that
  // others reference (SQLite ignores this pragma inside a transaction).
  if (auto s = migrate(*db); !s) return std::unexpected(s.error());
  if (auto s = db->exec("PRAGMA foreign_keys = ON", "enabling foreign keys"); !s) return std::unexpected(s.error());

  std::unique_ptr<Store> store(new Store());  // private constructor: make_unique cannot reach it
  store->impl_->root = root;
  store->impl_->db = std::move(*db);
  store->impl_->audit = open_audit_chain(store->impl_->db, root);
  return store;
}

// ---------------------------------------------------------------- patients

Result<ImportReport> Store::upsert_patients(const std::vector<Patient>& patients) {
  Db& db = impl_->db;
  // A million rows update four B-trees: a page cache of 256 MiB keeps them
  // in memory instead of re-reading pages through the WAL (kept for the
  // connection; SQLite allocates it only as pages are used).
  if (patients.size() > 10000) {
    if (auto s = db.exec("PRAGMA cache_size = -262144", "sizing the page cache for the import"); !s) {
      return std::unexpected(s.error());
    }
  }
  auto tx = Transaction::begin(db, "importing patients");
  if (!tx) return std::unexpected(tx.error());
  // Counted inside the write lock: new rows are what the table grows by.
  auto count = db.prepare("SELECT count(*) FROM patients", "counting patients");
  if (!count) return std::unexpected(count.error());
  auto row = count->step();
  if (!row) return std::unexpected(row.error());
  const int before = static_cast<int>(count->integer(0));
  count->reset();
  auto stmt = db.prepare(
      "INSERT INTO patients(mrn, family_name, given_name, middle_name, birth_date, sex, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(mrn) DO UPDATE SET "
      "family_name = excluded.family_name, given_name = excluded.given_name, "
      "middle_name = excluded.middle_name, birth_date = excluded.birth_date, sex = excluded.sex, "
      "updated_at = excluded.updated_at",
      "importing patients");
  if (!stmt) return std::unexpected(stmt.error());
  const std::string now = now_utc_iso();
  for (const Patient& p : patients) {
    const char sex[2] = {p.sex, '\0'};
    stmt->bind(1, p.mrn).bind(2, p.family_name).bind(3, p.given_name).bind(4, p.middle_name);
    stmt->bind(5, p.birth_date).bind(6, sex).bind(7, now);
    if (auto s = stmt->run(); !s) {
      return fail(ErrorCode::kDatabase, s.error().message + " (patient " + p.mrn + "; nothing was imported)");
    }
  }
  row = count->step();
  if (!row) return std::unexpected(row.error());
  const int after = static_cast<int>(count->integer(0));
  if (auto s = append_audit(db, impl_->audit,
                            {"import", "patients.import", "patients",
                             std::to_string(patients.size()) + " patients sent", "", {"*"}});
      !s) {
    return std::unexpected(s.error());
  }
  if (auto s = commit_audited(*tx, db, impl_->audit); !s) return std::unexpected(s.error());
  ImportReport report;
  report.imported = after - before;
  report.updated = static_cast<int>(patients.size()) - report.imported;
  return report;
}

namespace {

Patient patient_row(const Stmt& stmt) {
  Patient p{stmt.text(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4), 'U'};
  const std::string sex = stmt.text(5);
  if (!sex.empty()) p.sex = sex[0];
  return p;
}

Result<std::vector<Patient>> patient_rows(Db& db, const char* sql, std::string_view key, int limit) {
  auto stmt = db.prepare(sql, "looking up patients");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, key).bind(2, limit);
  std::vector<Patient> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(patient_row(*stmt));
  }
  return out;
}

}  // namespace

Result<std::optional<Patient>> Store::patient_by_mrn(std::string_view mrn) {
  auto stmt = impl_->db.prepare(
      "SELECT mrn, family_name, given_name, middle_name, birth_date, sex FROM patients WHERE mrn = ?1",
      "looking up a patient");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, mrn);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Patient>();
  return std::optional<Patient>(patient_row(*stmt));
}

Result<std::vector<Patient>> Store::patients_by_birth_date(std::string_view date, int limit) {
  return patient_rows(impl_->db,
                      "SELECT mrn, family_name, given_name, middle_name, birth_date, sex FROM patients "
                      "WHERE birth_date = ?1 ORDER BY mrn LIMIT ?2",
                      date, limit);
}

Result<std::vector<Patient>> Store::patients_by_family_name(std::string_view family, int limit) {
  // Served by the index on upper(family_name), upper(given_name), mrn (schema version 7).
  return patient_rows(impl_->db,
                      "SELECT mrn, family_name, given_name, middle_name, birth_date, sex FROM patients "
                      "WHERE upper(family_name) = ?1 ORDER BY mrn LIMIT ?2",
                      family, limit);
}

Result<std::int64_t> Store::patient_family_name_count(std::string_view family) {
  // Counted on the same index as patients_by_family_name, up to 10,000 (a
  // name that common weighs the least anyway).
  auto stmt = impl_->db.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM patients WHERE upper(family_name) = ?1 LIMIT 10000)",
      "counting patients of one family name");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, family);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return stmt->integer(0);
}

Result<int> Store::patient_count() {
  auto stmt = impl_->db.prepare("SELECT count(*) FROM patients", "counting patients");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt->integer(0));
}

}  // namespace chartroom::indexer
