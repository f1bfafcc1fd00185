// Users and the audit log, as subcommands.
#include <memory>

#include "app/cli.h"

namespace chartroom::app {

void add_admin_commands(Cli& cli) {
  auto* users = cli.app.add_subcommand(
      "users",
      "Who may decide. Once a store has users, terminal commands act as the operating-system\n"
      "account running them, and only a reviewer or admin of that name may decide on documents;\n"
      "the review station logs users in with their passwords (Argon2id hashes).\n"
      "  echo \"$PASSWORD\" | chartroom users add alice --role admin\n"
      "  chartroom users list");
  users->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  auto* add = users->add_subcommand("add",
                                    "Add a user; the password is read from standard input (not echoed on a "
                                    "terminal). The first user must be an admin.\n"
                                    "  chartroom users add bob --role reviewer");
  add->add_option("name", *name, "The user's name (their operating-system account name for terminal use)")
      ->required();
  add->add_option("--role", *role, "operator, reviewer or admin")->required();
  cli.add_store(add);
  cli.handlers.emplace_back(add, [&cli, name, role] { return run_users_add(cli.common, *name, *role); });
  auto* list = users->add_subcommand("list", "Every user, their role and whether they are disabled\n"
                                             "  chartroom users list --json");
  cli.add_store(list);
  cli.add_json(list, "JSON array");
  cli.handlers.emplace_back(list, [&cli] { return run_users_list(cli.common); });
  auto* disable = users->add_subcommand("disable", "Stop a user from logging in or deciding (kept, never deleted)\n"
                                                   "  chartroom users disable bob");
  disable->add_option("name", *name, "The user")->required();
  cli.add_store(disable);
  cli.handlers.emplace_back(disable, [&cli, name] { return run_users_disable(cli.common, *name); });

  auto* audit = cli.app.add_subcommand(
      "audit",
      "The audit log: every access to patient data and every decision, sealed with a key kept\n"
      "outside the database (STORE/audit.key, or the file CHARTROOM_AUDIT_KEY names).\n"
      "  chartroom audit verify\n"
      "  chartroom audit export --from 2026-11-01 --to 2026-11-30 --patient 00012345");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify",
      "Check every entry's seal, the chain and the head file; exits 1 naming the first entry\n"
      "that was edited, deleted or inserted, or saying that the log's tail was cut.\n"
      "  chartroom audit verify --store /srv/charts");
  cli.add_store(verify);
  cli.handlers.emplace_back(verify, [&cli] { return run_audit_verify(cli.common); });
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto patient = std::make_shared<std::string>();
  auto* exported = audit->add_subcommand(
      "export",
      "Who saw or changed which document, when and why, for the privacy officer (admins only\n"
      "once the store has users).\n"
      "  chartroom audit export --from 2026-11-01 --to 2026-11-30 --patient 00012345 --json");
  exported->add_option("--from", *from, "First day (YYYY-MM-DD, UTC)");
  exported->add_option("--to", *to, "Last day, included (YYYY-MM-DD, UTC)");
  exported->add_option("--patient", *patient, "Only entries about this MRN (and listings of every patient)");
  cli.add_store(exported);
  cli.add_json(exported, "JSON array");
  cli.handlers.emplace_back(exported, [&cli, from, to, patient] {
    return run_audit_export(cli.common, *from, *to, *patient);
  });
}

}  // namespace chartroom::app
