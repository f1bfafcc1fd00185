// Progress of a long ingest on the operator's terminal: a bar with pages per
// minute and an estimated time left when stderr is a terminal; otherwise (a
// log file, systemd, cron) a plain line every `interval`.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string>

namespace chartroom::app {

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal, int expected_pages,
                  std::chrono::seconds interval = std::chrono::seconds(30));

  // Thread-safe. `done` = pages done so far in this run.
  void update(int done);
  // Prints a line (e.g. a batch result) above the bar.
  void line(const std::string& text);
  // The final figures, once.
  void finish();

  // "12/40 pages (30%)  18.5 pages/min  about 2 min left"
  std::string describe(int done) const;

 private:
  void draw_locked(int done);
  std::ostream& out_;
  const bool terminal_;
  int expected_;
  const std::chrono::seconds interval_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::mutex mutex_;
  int done_ = 0;
  bool drawn_ = false;
};

}  // namespace chartroom::app
