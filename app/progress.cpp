#include "app/progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace chartroom::app {

namespace {

std::string duration_words(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f} min", seconds / 60);
  if (seconds < 172800) return fmt::format("{:.1f} h", seconds / 3600);
  return fmt::format("{:.1f} days", seconds / 86400);
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, int expected_pages, std::chrono::seconds interval)
    : out_(out),
      terminal_(terminal),
      expected_(expected_pages),
      interval_(interval),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

std::string ProgressPrinter::describe(int done) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_minute = elapsed > 0 ? done * 60.0 / elapsed : 0;
  const int expected = std::max(expected_, done);
  std::string text = expected > 0 ? fmt::format("{}/{} pages ({}%)", done, expected, done * 100 / expected)
                                  : fmt::format("{} pages", done);
  text += fmt::format("  {:.1f} pages/min", per_minute);
  if (done > 0 && expected > done && per_minute > 0) {
    text += "  about " + duration_words((expected - done) * 60.0 / per_minute) + " left";
  }
  return text;
}

void ProgressPrinter::draw_locked(int done) {
  if (terminal_) {
    const int expected = std::max(expected_, done);
    constexpr int kWidth = 30;
    const int filled = expected > 0 ? done * kWidth / expected : 0;
    out_ << "\r\033[K[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << describe(done) << std::flush;
    drawn_ = true;
  } else {
    out_ << "progress: " << describe(done) << "\n" << std::flush;
  }
}

void ProgressPrinter::update(int done) {
  std::lock_guard lock(mutex_);
  done_ = std::max(done_, done);
  const auto now = std::chrono::steady_clock::now();
  const auto every = terminal_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(interval_);
  if (now - last_ < every) return;
  last_ = now;
  draw_locked(done_);
}

void ProgressPrinter::line(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (terminal_ && drawn_) out_ << "\r\033[K";
  out_ << text << "\n";
  if (terminal_ && drawn_) draw_locked(done_);
  out_ << std::flush;
}

void ProgressPrinter::finish() {
  std::lock_guard lock(mutex_);
  draw_locked(done_);  // short of 100% only when the run stopped early (SIGTERM) or skipped a copy
  if (terminal_) out_ << "\n" << std::flush;
}

}  // namespace chartroom::app
