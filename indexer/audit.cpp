// The audit log: an append-only table whose rows form a keyed hash chain.
//
// Scheme 2 (every row written by this build): hash = HMAC-SHA-256 under a
// 32-byte key kept outside the database (STORE/audit.key, mode 0600, or the
// file CHARTROOM_AUDIT_KEY names) over the row's sequence number, the previous
// row's hash and every field. Someone who can write the database but not read
// the key cannot edit, insert or renumber a row without `audit verify`
// noticing. After each commit the newest (seq, hash) is appended to
// STORE/audit.head and fsynced: a log whose tail was cut ends before the head.
// Scheme 1 rows (plain SHA-256 chain, stores from before version 5) are kept
// and verified as they were written; the first keyed row seals them.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace fs = std::filesystem;
namespace {

constexpr const char* kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr int kKeyedScheme = 2;

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto at = text.find(sep);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

// The legacy chain (scheme 1): SHA-256 over the previous hash and the fields.
std::string plain_hash(const AuditRow& r) {
  std::string data;
  for (std::string_view part : {std::string_view(r.prev_hash), std::string_view(r.at), std::string_view(r.actor),
                                std::string_view(r.action), std::string_view(r.object), std::string_view(r.detail)}) {
    data.append(part);
    data.push_back('\x1f');  // unit separators keep ("ab","c") and ("a","bc") apart
  }
  return sha256_hex(data);
}

std::string keyed_hash(const AuditKey& key, const AuditRow& r) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  const std::string seq = std::to_string(r.seq);
  const std::string patients = join(r.patients, ",");
  for (std::string_view part : {std::string_view("chartroom-audit-2"), std::string_view(seq),
                                std::string_view(r.prev_hash), std::string_view(r.at), std::string_view(r.actor),
                                std::string_view(r.action), std::string_view(r.object), std::string_view(r.detail),
                                std::string_view(r.reason), std::string_view(patients)}) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
    const unsigned char separator = 0x1f;
    crypto_auth_hmacsha256_update(&state, &separator, 1);
  }
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  return to_hex(mac);
}

Result<bool> has_keyed_rows(Db& db) {
  auto stmt = db.prepare("SELECT 1 FROM audit WHERE scheme >= 2 LIMIT 1", "reading the audit log");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->step();
}

Result<AuditKey> read_key(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "cannot read the audit key " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) ::fchmod(fd, 0600);  // a key others can read is no key
  char buf[128];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  AuditKey key{};
  std::size_t bin_len = 0;
  if (n < static_cast<ssize_t>(key.size() * 2) ||
      sodium_hex2bin(key.data(), key.size(), buf, static_cast<std::size_t>(n), "\n", &bin_len, nullptr) != 0 ||
      bin_len != key.size()) {
    return fail(ErrorCode::kCorrupt, "the audit key " + path.string() +
                                         " is damaged (it must hold 64 hex digits); restore it from a backup");
  }
  return key;
}

Status write_new_key(const fs::path& path) {
  AuditKey key{};
  randombytes_buf(key.data(), key.size());
  const std::string text = to_hex(key) + "\n";
  sodium_memzero(key.data(), key.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return {};  // another process made it first: use theirs
    return fail(ErrorCode::kIo, "cannot create the audit key " + path.string() + ": " + std::strerror(errno));
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return fail(ErrorCode::kIo, "cannot write the audit key " + path.string() + ": " + std::strerror(errno));
  }
  return fsync_dir(path.parent_path());
}

// The (seq, hash) pairs the head file holds; a torn last line (a crash while
// appending) is ignored.
Result<std::vector<std::pair<std::int64_t, std::string>>> read_heads(const fs::path& path) {
  std::vector<std::pair<std::int64_t, std::string>> heads;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return heads;
    return fail(ErrorCode::kIo, "cannot read the audit head " + path.string() + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) break;  // torn last line
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const auto space = line.find(' ');
    char* tail = nullptr;
    const long long seq = space == std::string::npos ? 0 : std::strtoll(line.c_str(), &tail, 10);
    if (seq <= 0 || tail != line.c_str() + space) {
      return fail(ErrorCode::kCorrupt, "the audit head " + path.string() + " holds a line that is not 'SEQ HASH' ('" +
                                           line.substr(0, 80) + "')");
    }
    heads.emplace_back(seq, line.substr(space + 1));
  }
  return heads;
}

AuditRow read_row(const Stmt& s) {
  AuditRow r;
  r.seq = s.integer(0);
  r.at = s.text(1);
  r.actor = s.text(2);
  r.action = s.text(3);
  r.object = s.text(4);
  r.detail = s.text(5);
  r.prev_hash = s.text(6);
  r.hash = s.text(7);
  r.scheme = static_cast<int>(s.integer(8));
  r.reason = s.text(9);
  r.patients = split(s.text(10), ',');
  return r;
}

constexpr const char* kRowColumns =
    "SELECT seq, at, actor, action, object, detail, prev_hash, hash, scheme, reason, patients FROM audit ";

Result<std::vector<AuditRow>> collect(Stmt& stmt) {
  std::vector<AuditRow> rows;
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return rows;
    rows.push_back(read_row(stmt));
  }
}

}  // namespace

AuditChain open_audit_chain(Db& db, const fs::path& root) {
  AuditChain chain;
  const char* env = std::getenv("CHARTROOM_AUDIT_KEY");
  chain.key_path = env != nullptr && *env != '\0' ? fs::path(env) : root / "audit.key";
  chain.head_path = root / "audit.head";
  auto key = read_key(chain.key_path);
  if (!key && key.error().code == ErrorCode::kNotFound) {
    // A new key only for a log that no key has sealed yet: making one for a
    // sealed log would make every earlier row look forged.
    auto sealed = has_keyed_rows(db);
    if (!sealed) {
      chain.problem = sealed.error().message;
      return chain;
    }
    if (*sealed) {
      chain.problem = "the audit key " + chain.key_path.string() +
                      " is missing, and the audit log was sealed with it; restore it from a backup "
                      "(chartroom records and shows nothing without it)";
      return chain;
    }
    if (auto s = write_new_key(chain.key_path); !s) {
      chain.problem = s.error().message;
      return chain;
    }
    key = read_key(chain.key_path);
  }
  if (!key) {
    chain.problem = key.error().message;
    return chain;
  }
  chain.key = *key;
  return chain;
}

Status append_audit(Db& db, AuditChain& chain, const AuditEntry& entry) {
  if (!chain.key) {
    return fail(ErrorCode::kIo, "cannot write the audit log: " + chain.problem);
  }
  auto last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", "reading the audit chain");
  if (!last) return std::unexpected(last.error());
  auto found = last->step();
  if (!found) return std::unexpected(found.error());
  AuditRow row;
  row.seq = *found ? last->integer(0) + 1 : 1;
  row.prev_hash = *found ? last->text(1) : kGenesisHash;
  row.at = now_utc_iso();
  row.actor = entry.actor;
  row.action = entry.action;
  row.object = entry.object;
  row.detail = entry.detail;
  row.reason = entry.reason;
  row.patients = entry.patients;
  row.scheme = kKeyedScheme;
  row.hash = keyed_hash(*chain.key, row);
  auto insert = db.prepare(
      "INSERT INTO audit(seq, at, actor, action, object, detail, prev_hash, hash, scheme, reason, patients) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      "appending to the audit log");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, row.seq).bind(2, row.at).bind(3, row.actor).bind(4, row.action).bind(5, row.object);
  insert->bind(6, row.detail).bind(7, row.prev_hash).bind(8, row.hash).bind(9, row.scheme).bind(10, row.reason);
  insert->bind(11, join(row.patients, ","));
  return insert->run();
}

void seal_audit_head(Db& db, AuditChain& chain) {
  // Best effort, after the commit: a head that lags the log by a row or two
  // (a crash right here) still verifies; only a head ahead of the log fails.
  auto last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", "reading the audit chain");
  if (!last) return;
  auto found = last->step();
  if (!found || !*found || last->integer(0) <= chain.head_written) return;
  const std::string line = std::to_string(last->integer(0)) + " " + last->text(1) + "\n";
  const int fd = ::open(chain.head_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fdatasync(fd) == 0) {
    chain.head_written = last->integer(0);
  }
  ::close(fd);
}

Status commit_audited(Transaction& tx, Db& db, AuditChain& chain) {
  if (auto s = tx.commit(); !s) return s;
  seal_audit_head(db, chain);
  return {};
}

Status Store::audit(std::string_view actor, std::string_view action, std::string_view object,
                    std::string_view detail) {
  return audit(AuditEntry{std::string(actor), std::string(action), std::string(object), std::string(detail), "", {}});
}

Status Store::audit(const AuditEntry& entry) {
  auto tx = Transaction::begin(impl_->db, "appending to the audit log");
  if (!tx) return std::unexpected(tx.error());
  if (auto s = append_audit(impl_->db, impl_->audit, entry); !s) return s;
  return commit_audited(*tx, impl_->db, impl_->audit);
}

Result<std::vector<AuditRow>> Store::audit_log() {
  auto stmt = impl_->db.prepare(std::string(kRowColumns) + "ORDER BY seq", "reading the audit log");
  if (!stmt) return std::unexpected(stmt.error());
  return collect(*stmt);
}

Result<std::vector<AuditRow>> Store::audit_rows(const AuditQuery& query) {
  std::string sql = std::string(kRowColumns) + "WHERE at >= ?1 AND at < ?2";
  if (!query.patient.empty()) {
    sql += " AND (instr(',' || patients || ',', ',' || ?3 || ',') > 0 OR instr(',' || patients || ',', ',*,') > 0)";
  }
  sql += " ORDER BY seq";
  auto stmt = impl_->db.prepare(sql, "reading the audit log");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, query.from.empty() ? std::string("0000") : query.from);
  stmt->bind(2, query.to.empty() ? std::string("9999") : query.to);
  if (!query.patient.empty()) stmt->bind(3, query.patient);
  return collect(*stmt);
}

Status Store::verify_audit() {
  const std::string where = "the audit log of the store at " + impl_->root.string();
  const auto altered = [&](std::int64_t seq, const std::string& how) {
    return fail(ErrorCode::kCorrupt, where + " was altered at entry " + std::to_string(seq) + " (" + how +
                                         "); keep the database and " + impl_->audit.head_path.filename().string() +
                                         " as evidence and restore a backup");
  };
  // The head file first, so that each entry is checked against it as the log
  // streams past (the log may hold millions of entries).
  auto head_lines = read_heads(impl_->audit.head_path);
  if (!head_lines) return std::unexpected(head_lines.error());
  std::map<std::int64_t, std::string> heads(head_lines->begin(), head_lines->end());
  auto stmt = impl_->db.prepare(std::string(kRowColumns) + "ORDER BY seq", "reading the audit log");
  if (!stmt) return std::unexpected(stmt.error());
  std::string prev = kGenesisHash;
  std::int64_t expected_seq = 1;
  bool keyed_seen = false;
  for (;;) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const AuditRow r = read_row(*stmt);
    if (r.seq != expected_seq) {
      return altered(expected_seq, r.seq > expected_seq ? "entries " + std::to_string(expected_seq) + " to " +
                                                              std::to_string(r.seq - 1) + " are missing"
                                                        : "its sequence number repeats");
    }
    if (r.prev_hash != prev) return altered(r.seq, "it does not follow the entry before it");
    if (r.scheme >= kKeyedScheme) {
      if (!impl_->audit.key) return fail(ErrorCode::kIo, "cannot verify " + where + ": " + impl_->audit.problem);
      if (r.hash != keyed_hash(*impl_->audit.key, r)) return altered(r.seq, "its content does not match its seal");
      keyed_seen = true;
    } else {
      if (keyed_seen) return altered(r.seq, "an unkeyed entry after keyed ones");
      if (r.hash != plain_hash(r)) return altered(r.seq, "its content does not match its hash");
    }
    if (auto h = heads.find(r.seq); h != heads.end() && h->second != r.hash) {
      return altered(r.seq, "it is not the entry recorded in the head file");
    }
    prev = r.hash;
    ++expected_seq;
  }
  const std::int64_t last = expected_seq - 1;
  if (!heads.empty() && heads.rbegin()->first > last) {
    return fail(ErrorCode::kCorrupt, where + " ends at entry " + std::to_string(last) + " but entry " +
                                         std::to_string(heads.rbegin()->first) + " was recorded in " +
                                         impl_->audit.head_path.string() +
                                         ": its tail was cut (or the database was restored from an older "
                                         "backup); keep both files as evidence");
  }
  return {};
}

}  // namespace chartroom::indexer
