// `patients list|show|search`: reading the patient index, as subcommands.
#include <memory>

#include "app/cli.h"

namespace chartroom::app {

namespace {

void add_paging(CLI::App* command, PatientsArgs& args) {
  command->add_option("--limit", args.limit, "At most this many")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--offset", args.offset, "Skip the first N (the next page)")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace

void add_patient_commands(Cli& cli, CLI::App* patients) {
  auto args = std::make_shared<PatientsArgs>();

  auto* list =
      patients->add_subcommand("list",
                               "The patient index by family name: MRN, names, date of birth, sex and the\n"
                               "number of documents filed to each; a page at a time.\n"
                               "  chartroom patients list --limit 100\n"
                               "  chartroom patients list --limit 100 --offset 100   # the next page");
  add_paging(list, *args);
  cli.add_store(list);
  cli.add_json(list, "JSON array (fields documented in docs/json.md)");
  cli.handlers.emplace_back(list, [&cli, args] { return run_patients_list(cli.common, *args); });

  auto* show =
      patients->add_subcommand("show",
                               "One patient's index entry, then their documents (as `documents --patient`\n"
                               "lists them: id, type, received, pages, state).\n"
                               "  chartroom patients show 00012345");
  show->add_option("mrn", args->mrn, "The patient's MRN")->required();
  cli.add_store(show);
  cli.add_json(show, "JSON: {\"patient\", \"documents\"} (fields documented in docs/json.md)");
  cli.handlers.emplace_back(show, [&cli, args] { return run_patients_show(cli.common, *args); });

  auto* search = patients->add_subcommand(
      "search",
      "Find patients by MRN (all of it or its start), by name (the start of the family name,\n"
      "then of the given name; upper or lower case) or by date of birth, in name order.\n"
      "A family name of several words takes a comma: \"DE LA CRUZ, Maria\".\n"
      "  chartroom patients search \"SMITH, John\"\n"
      "  chartroom patients search smith --dob 1950-03-02\n"
      "  chartroom patients search 000123");
  search->add_option("text", args->text, "An MRN, a name (SMITH, SMITH JOHN, \"SMITH, John\") or YYYY-MM-DD");
  search->add_option("--dob", args->birth_date, "Only patients born that day (YYYY-MM-DD)");
  add_paging(search, *args);
  cli.add_store(search);
  cli.add_json(search, "JSON array in the `patients list --json` format");
  cli.handlers.emplace_back(search, [&cli, args] { return run_patients_search(cli.common, *args); });
}

}  // namespace chartroom::app
