// What the parser is given before CLI11 sees it: a mistyped command
// ("chartroom documnets") is named, the nearest command suggested, and the
// exit status is 2, as for every other mistake in the command line.
#include <iostream>

#include "app/cli.h"

namespace chartroom::app {

std::optional<int> refuse_unknown_command(const CLI::App& app, int argc, char** argv) {
  const CLI::App* current = &app;
  std::string path = "chartroom";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word.front() == '-') return std::nullopt;  // an option: CLI11's to judge
    std::vector<std::string> names;
    for (const CLI::App* sub : current->get_subcommands({})) names.push_back(sub->get_name());
    if (names.empty()) return std::nullopt;  // a command's own arguments from here on
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : current->get_subcommands({})) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      const auto near = nearest_word(word, names, 3);
      std::cerr << "chartroom: '" << word << "' is not a command of " << path << "."
                << (near ? " Did you mean '" + *near + "'?" : std::string()) << "\nThe commands are: "
                << join(names, ", ") << ". See: " << path << " --help\n";
      return 2;
    }
    current = next;
    path += " " + word;
  }
  return std::nullopt;
}

}  // namespace chartroom::app
