// Users (who may decide) and the audit log (verify, export for the privacy officer).
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/identity.h"
#include "app/json_output.h"

namespace chartroom::app {

namespace {

// A line from standard input; on a terminal it is not echoed.
std::optional<std::string> read_secret(const std::string& prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved {};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// "2026-12-01" -> the ISO instant that day starts, and the next day's (for an inclusive --to).
std::optional<std::string> day_start(const std::string& date, int plus_days) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  const std::chrono::year_month_day shifted{std::chrono::sys_days{ymd} + std::chrono::days{plus_days}};
  return fmt::format("{:04d}-{:02d}-{:02d}T00:00:00.000Z", static_cast<int>(shifted.year()),
                     static_cast<unsigned>(shifted.month()), static_cast<unsigned>(shifted.day()));
}

}  // namespace

int run_users_add(const CommonOptions& common, const std::string& name, const std::string& role_text) {
  const auto role = indexer::parse_role(role_text);
  if (!role) {
    std::cerr << "chartroom: --role must be operator, reviewer or admin\n";
    return 2;
  }
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto users = store->users();
  if (!users) {
    print_error(users.error());
    return 1;
  }
  const std::string actor = os_account();
  if (users->empty() && *role != indexer::Role::kAdmin) {
    std::cerr << "chartroom: the first user must be an admin, so that someone can manage the others: "
                 "chartroom users add NAME --role admin\n";
    return 1;
  }
  if (auto s = authorize(*store, actor, {indexer::Role::kAdmin}, "add users"); !s) {
    print_error(s.error());
    return 1;
  }
  const auto password = read_secret("Password for " + name + ": ");
  if (!password) {
    std::cerr << "chartroom: no password was given on standard input\n";
    return 1;
  }
  if (::isatty(STDIN_FILENO) != 0) {
    const auto again = read_secret("The same password again: ");
    if (!again || *again != *password) {
      std::cerr << "chartroom: the two passwords differ; nothing was changed\n";
      return 1;
    }
  }
  indexer::User user;
  user.name = name;
  user.role = *role;
  user.created_by = actor;
  if (auto s = store->add_user(user, *password); !s) {
    print_error(s.error());
    return 1;
  }
  std::cout << "Added " << role_text << " " << name << ".";
  if (users->empty()) {
    std::cout << " From now on only reviewers and admins may decide on documents, and terminal commands act as "
                 "the operating-system account running them.";
  }
  std::cout << "\n";
  return 0;
}

int run_users_list(const CommonOptions& common) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto users = store->users();
  if (!users) {
    print_error(users.error());
    return 1;
  }
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::User& u : *users) {
      out.push_back({{"name", u.name},
                     {"role", indexer::role_name(u.role)},
                     {"disabled", u.disabled},
                     {"created_at", u.created_at},
                     {"created_by", u.created_by}});
    }
    print_json(out);
    return 0;
  }
  if (users->empty()) {
    std::cout << "No users yet: anyone who can open the store may decide. Add the first admin with: "
                 "chartroom users add NAME --role admin\n";
    return 0;
  }
  std::cout << fmt::format("{:<24}  {:<8}  {:<8}  {}\n", "USER", "ROLE", "STATE", "ADDED");
  for (const indexer::User& u : *users) {
    std::cout << fmt::format("{:<24}  {:<8}  {:<8}  {} by {}\n", u.name, indexer::role_name(u.role),
                             u.disabled ? "disabled" : "active", u.created_at, u.created_by);
  }
  return 0;
}

int run_users_disable(const CommonOptions& common, const std::string& name) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  const std::string actor = os_account();
  if (auto s = authorize(*store, actor, {indexer::Role::kAdmin}, "disable users"); !s) {
    print_error(s.error());
    return 1;
  }
  if (auto users = store->users(); users) {
    int admins = 0;
    bool target_is_admin = false;
    for (const indexer::User& u : *users) {
      admins += u.role == indexer::Role::kAdmin && !u.disabled;
      target_is_admin = target_is_admin || (u.name == name && u.role == indexer::Role::kAdmin && !u.disabled);
    }
    if (target_is_admin && admins == 1) {
      std::cerr << "chartroom: " << name << " is the last active admin; add another admin first\n";
      return 1;
    }
  }
  if (auto s = store->set_user_disabled(name, true, actor); !s) {
    print_error(s.error());
    return 1;
  }
  std::cout << "Disabled " << name << "; their decisions stay in the audit log.\n";
  return 0;
}

int run_audit_verify(const CommonOptions& common) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  if (auto s = store->verify_audit(); !s) {
    print_error(s.error());
    return 1;
  }
  auto rows = store->audit_rows({"", "", ""});
  const std::size_t count = rows ? rows->size() : 0;
  // Every use of the log is itself recorded, the one way every command treats
  // the audit log: when the row cannot be written, the command says so and fails.
  const std::string last = rows && !rows->empty() ? ", the last at " + rows->back().at : "";
  if (!audited(*store, {"", "audit verify", "", fmt::format("intact, {} entries", count), "", {}})) return 1;
  std::cout << fmt::format("The audit log is intact: {} entries{}, every seal checked, and it reaches the last entry "
                           "recorded outside the database.\n",
                           count, last);
  return 0;
}

int run_audit_export(const CommonOptions& common, const std::string& from, const std::string& to,
                     const std::string& patient) {
  const auto start = from.empty() ? std::optional<std::string>("") : day_start(from, 0);
  const auto end = to.empty() ? std::optional<std::string>("") : day_start(to, 1);
  if (!start || !end) {
    std::cerr << "chartroom: --from and --to are dates (YYYY-MM-DD), e.g. --from 2026-11-01 --to 2026-11-30\n";
    return 2;
  }
  auto store = open_existing_store(common);
  if (!store) return 1;
  const std::string actor = os_account();
  if (auto s = authorize(*store, actor, {indexer::Role::kAdmin}, "export the audit log"); !s) {
    print_error(s.error());
    return 1;
  }
  auto rows = store->audit_rows({*start, *end, patient});
  if (!rows) {
    print_error(rows.error());
    return 1;
  }
  if (auto s = store->audit({actor, "audit export", patient,
                             fmt::format("{} entries from {} to {}", rows->size(), from.empty() ? "the start" : from,
                                         to.empty() ? "now" : to),
                             "", patient.empty() ? std::vector<std::string>{} : std::vector<std::string>{patient}});
      !s) {
    print_error(s.error());
    return 1;
  }
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::AuditRow& r : *rows) {
      out.push_back({{"seq", r.seq},
                     {"at", r.at},
                     {"actor", r.actor},
                     {"action", r.action},
                     {"object", r.object},
                     {"detail", r.detail},
                     {"reason", r.reason},
                     {"patients", r.patients}});
    }
    print_json(out);
    return 0;
  }
  std::cout << fmt::format("{} audit entries{}{}:\n", rows->size(), patient.empty() ? "" : " about MRN " + patient,
                           from.empty() && to.empty() ? "" : fmt::format(" from {} to {}", from.empty() ? "the start" : from,
                                                                         to.empty() ? "now" : to));
  for (const indexer::AuditRow& r : *rows) {
    std::cout << fmt::format("{}  {:<16} {:<18} {}{}{}{}\n", r.at, r.actor, r.action, r.object,
                             r.patients.empty() ? "" : "  patients " + join(r.patients, ","),
                             r.detail.empty() ? "" : "  (" + r.detail + ")",
                             r.reason.empty() ? "" : "  reason: " + r.reason);
  }
  return 0;
}

}  // namespace chartroom::app
