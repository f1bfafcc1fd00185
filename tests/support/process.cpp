#include "tests/support/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace chartroom::test {

namespace fs = std::filesystem;

fs::path chartroom_executable() { return fs::path(CHARTROOM_BINARY_DIR) / "app" / "chartroom"; }
fs::path testpages_executable() { return fs::path(CHARTROOM_BINARY_DIR) / "tests" / "gen" / "chartroom-testpages"; }

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& log, rlim_t file_size_limit) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  std::FILE* out = std::fopen(log.c_str(), "w");
  if (out != nullptr) {
    ::dup2(::fileno(out), STDOUT_FILENO);
    ::dup2(::fileno(out), STDERR_FILENO);
  }
  if (file_size_limit > 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{file_size_limit, file_size_limit};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& args, const fs::path& log, rlim_t file_size_limit) {
  return wait_for(spawn(args, log, file_size_limit));
}

ShellRun run_shell(const std::string& command) {
  ShellRun result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

}  // namespace chartroom::test
