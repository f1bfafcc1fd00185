// Helpers for tests that drive the real `chartroom` executable (and the test
// page generator) as child processes: start, wait, capture output.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace chartroom::test {

// The executables under test, from this build's tree.
std::filesystem::path chartroom_executable();
std::filesystem::path testpages_executable();

// The whole content of a file ("" when it cannot be read).
std::string slurp(const std::filesystem::path& path);

// Starts `args` (args[0] is the program's path) with stdout and stderr written
// to `log`. `file_size_limit` > 0 sets RLIMIT_FSIZE in the child, so writes
// past it fail with EFBIG (a full disk) instead of killing the process.
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& log, rlim_t file_size_limit = 0);

// Waits for a child: its exit status, or 128 + the signal that ended it.
int wait_for(pid_t pid);

// spawn + wait_for.
int run(const std::vector<std::string>& args, const std::filesystem::path& log, rlim_t file_size_limit = 0);

struct ShellRun {
  int status = 0;   // exit status; -1 when the command did not exit normally
  std::string out;  // what it wrote to stdout
};

// Runs a /bin/sh command line and collects its stdout. Redirections (2>&1,
// 2>/dev/null, a leading "cd DIR &&") are the caller's to add.
ShellRun run_shell(const std::string& command);

// A path in single quotes for a shell command line (test paths hold no quote).
std::string quote(const std::filesystem::path& path);

}  // namespace chartroom::test
