// Helpers for indexer tests: a temp folder, real one-page PDFs, shell commands.
#pragma once

#include <filesystem>
#include <string>

#include "indexer/indexer.h"

namespace chartroom::indexer::testing {

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes a one-page PDF (Helvetica) that shows `text`, made with qpdf.
void make_page_pdf(const std::filesystem::path& path, const std::string& text);

// Runs a shell command; returns its stdout and sets `status` to its exit status.
std::string run(const std::string& command, int& status);

// Octal permission bits of a file or folder (e.g. 0700).
unsigned mode_of(const std::filesystem::path& path);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

// A batch of one 3-page file filed as one document "doc0001", plus one
// quarantined file. Page PDFs go under `dir`.
BatchRecord three_page_batch(const std::filesystem::path& dir);

}  // namespace chartroom::indexer::testing
