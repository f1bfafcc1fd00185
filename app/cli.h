// Private to the chartroom executable: how main.cpp and the files that add
// groups of subcommands (cli_review.cpp, cli_admin.cpp) share the parser.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/commands.h"

namespace chartroom::app {

struct Cli {
  CLI::App& app;
  CommonOptions& common;
  std::function<void(CLI::App*)> add_store;
  std::function<void(CLI::App*, const char*)> add_json;
  // Each leaf subcommand and what runs when it was given.
  std::vector<std::pair<CLI::App*, std::function<int()>>> handlers;
};

// The configuration a command reads: the file given, or the defaults (a bad
// file is reported, and nullopt returned).
std::optional<Config> config_from(const std::filesystem::path& path);

// A word where a command belongs that is none of them: says so, suggests the
// nearest, and returns the exit status (2); nullopt when the line is for CLI11.
std::optional<int> refuse_unknown_command(const CLI::App& app, int argc, char** argv);

// How chartroom exits, for every command's --help.
inline constexpr const char* kExitCodes =
    "Exit status: 0 done (every page accounted for); 1 not all done: a page or batch could not be\n"
    "filed, a decision was refused, the store could not be read or written, the audit log does\n"
    "not verify (the message says which); 2 the command line or the configuration is wrong.";

// `review list|resolve|split|merge|set-type|rotate|reject|rematch|serve`, `move`, `reprocess`.
void add_review_commands(Cli& cli);
// `patients list|show|search` under `patients` (app/cli_patients.cpp).
void add_patient_commands(Cli& cli, CLI::App* patients);
// `users add|list|disable`, `audit verify|export`.
void add_admin_commands(Cli& cli);

}  // namespace chartroom::app
