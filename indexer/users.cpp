// Users who may decide: names, roles and Argon2id password hashes
// (libsodium's crypto_pwhash_str, which stores its own salt and parameters).
#include <sodium.h>

#include "indexer/store_impl.h"

namespace chartroom::indexer {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kOperator: return "operator";
    case Role::kReviewer: return "reviewer";
    case Role::kAdmin: return "admin";
  }
  return "operator";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::kOperator, Role::kReviewer, Role::kAdmin}) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kUserColumns = "SELECT name, role, disabled, created_at, created_by FROM users ";

User read_user(const Stmt& s) {
  return {s.text(0), parse_role(s.text(1)).value_or(Role::kOperator), s.integer(2) != 0, s.text(3), s.text(4)};
}

Status check_user_name(std::string_view name) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") ==
                      std::string_view::npos;
  if (ok) return {};
  return fail(ErrorCode::kInvalidArgument,
              "'" + std::string(name) + "' cannot be a user name (use up to 64 of A-Z a-z 0-9 . _ - @)");
}

}  // namespace

Status Store::add_user(const User& user, std::string_view password) {
  if (auto s = check_user_name(user.name); !s) return s;
  if (password.size() < 8) {
    return fail(ErrorCode::kInvalidArgument, "the password for " + user.name + " is too short (at least 8 characters)");
  }
  if (auto s = sodium_ready(); !s) return s;
  char hash[crypto_pwhash_STRBYTES];
  // The "interactive" limits (64 MiB, a fraction of a second): a login must stay quick.
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return fail(ErrorCode::kInternal, "not enough memory to hash the password of " + user.name);
  }
  auto tx = Transaction::begin(impl_->db, "adding a user");
  if (!tx) return std::unexpected(tx.error());
  auto insert = impl_->db.prepare(
      "INSERT INTO users(name, role, password_hash, disabled, created_at, created_by) VALUES (?1, ?2, ?3, 0, ?4, ?5) "
      "ON CONFLICT(name) DO NOTHING RETURNING name",
      "adding a user");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, user.name).bind(2, role_name(user.role)).bind(3, std::string_view(hash)).bind(4, now_utc_iso());
  insert->bind(5, user.created_by);
  auto added = insert->step();
  if (!added) return std::unexpected(added.error());
  if (!*added) {
    return fail(ErrorCode::kConflict, "there is already a user " + user.name + " (see: chartroom users list)");
  }
  insert->reset();
  if (auto s = append_audit(impl_->db, impl_->audit,
                            {user.created_by, "users add", user.name, "role " + std::string(role_name(user.role)), "",
                             {}});
      !s) {
    return s;
  }
  return commit_audited(*tx, impl_->db, impl_->audit);
}

Result<std::vector<User>> Store::users() {
  auto stmt = impl_->db.prepare(std::string(kUserColumns) + "ORDER BY name", "listing users");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<User> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read_user(*stmt));
  }
}

Result<std::optional<User>> Store::user(std::string_view name) {
  auto stmt = impl_->db.prepare(std::string(kUserColumns) + "WHERE name = ?1", "looking up a user");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<User>();
  return std::optional<User>(read_user(*stmt));
}

Status Store::set_user_disabled(std::string_view name, bool disabled, std::string_view actor) {
  auto tx = Transaction::begin(impl_->db, "changing a user");
  if (!tx) return std::unexpected(tx.error());
  auto stmt = impl_->db.prepare("UPDATE users SET disabled = ?2 WHERE name = ?1 RETURNING name", "changing a user");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, name).bind(2, disabled ? 1 : 0);
  auto changed = stmt->step();
  if (!changed) return std::unexpected(changed.error());
  if (!*changed) {
    return fail(ErrorCode::kNotFound, "there is no user " + std::string(name) + " (see: chartroom users list)");
  }
  stmt->reset();
  if (auto s = append_audit(impl_->db, impl_->audit,
                            {std::string(actor), disabled ? "users disable" : "users enable", std::string(name), "",
                             "", {}});
      !s) {
    return s;
  }
  return commit_audited(*tx, impl_->db, impl_->audit);
}

Result<bool> Store::check_password(std::string_view name, std::string_view password) {
  if (auto s = sodium_ready(); !s) return std::unexpected(s.error());
  auto stmt = impl_->db.prepare("SELECT password_hash, disabled FROM users WHERE name = ?1", "checking a password");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row || stmt->integer(1) != 0) return false;
  const std::string hash = stmt->text(0);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace chartroom::indexer
