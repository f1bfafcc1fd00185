#include "app/stage_timings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/stage_clock.h"

namespace chartroom::app {

namespace {

thread_local bool t_worker_thread = false;

constexpr std::array<Stage, kStageCount> kAllStages = {
    Stage::kDecode, Stage::kClean,     Stage::kOcr,       Stage::kClassify,   Stage::kAssemble,
    Stage::kCommit, Stage::kWaitStore, Stage::kWaitPages, Stage::kWaitWorkers};

constexpr double kFirstBucket = 1e-4;  // seconds
constexpr double kBucketRatio = 1.05;

}  // namespace

double StageTimings::worker_total() const {
  double total = 0;
  for (const StageTime& s : stages) total += s.worker_seconds;
  return total;
}

double StageTimings::reader_total() const {
  double total = 0;
  for (const StageTime& s : stages) total += s.reader_seconds;
  return total;
}

std::string_view stage_key(Stage stage) {
  switch (stage) {
    case Stage::kDecode: return "decode";
    case Stage::kClean: return "clean";
    case Stage::kOcr: return "ocr";
    case Stage::kClassify: return "classify";
    case Stage::kAssemble: return "assemble";
    case Stage::kCommit: return "commit";
    case Stage::kWaitStore: return "wait_store";
    case Stage::kWaitPages: return "wait_pages";
    case Stage::kWaitWorkers: return "wait_workers";
  }
  return "unknown";
}

std::string_view stage_label(Stage stage) {
  switch (stage) {
    case Stage::kDecode: return "decode";
    case Stage::kClean: return "clean";
    case Stage::kOcr: return "OCR";
    case Stage::kClassify: return "classify";
    case Stage::kAssemble: return "assemble PDFs";
    case Stage::kCommit: return "commit";
    case Stage::kWaitStore: return "waiting for the store";
    case Stage::kWaitPages: return "waiting for pages";
    case Stage::kWaitWorkers: return "waiting for workers";
  }
  return "unknown";
}

std::string format_timings(const StageTimings& t) {
  const double worker_time = t.workers * t.wall_seconds;
  const double pages = std::max(1, t.pages_timed);
  std::string out = fmt::format(
      "Where the time went: {:.1f} s wall, {} worker(s) ({:.1f} s of worker time) and the reader thread; "
      "{} page(s) read\n",
      t.wall_seconds, t.workers, worker_time, t.pages_timed);
  out += fmt::format("  {:<22} {:>10} {:>10} {:>9} {:>12} {:>10}\n", "stage", "workers s", "reader s",
                     "% workers", "ms per page", "p95 ms");
  auto row = [&](std::string_view label, double workers_s, double reader_s, double p95) {
    const double share = worker_time > 0 ? 100 * workers_s / worker_time : 0;
    out += fmt::format("  {:<22} {:>10.1f} {:>10.1f} {:>8.1f}% {:>12.0f} {:>10}\n", label, workers_s,
                       reader_s, share, 1000 * (workers_s + reader_s) / pages,
                       p95 < 0 ? std::string("-") : fmt::format("{:.0f}", 1000 * p95));
  };
  for (Stage stage : kAllStages) {
    const StageTime& s = t[stage];
    row(stage_label(stage), s.worker_seconds, s.reader_seconds, s.p95_seconds);
  }
  row("other (unmeasured)", std::max(0.0, worker_time - t.worker_total()),
      std::max(0.0, t.wall_seconds - t.reader_total()), -1);
  const SecondReadings& again = t.second_readings;
  out += fmt::format(
      "Second readings (inside OCR above): {} page(s) read turned half a turn to settle their orientation; "
      "{} faint page(s) scanned 1-bit read again with their strokes closed, {} of them better so\n",
      again.orientation, again.strokes, again.strokes_kept);
  return out;
}

void StageClock::mark_worker_thread(bool worker) {
  t_worker_thread = worker;
}

void StageClock::add(Stage stage, Clock::duration elapsed) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  auto& totals = t_worker_thread ? worker_nanos_ : reader_nanos_;
  totals[static_cast<std::size_t>(stage)].fetch_add(nanos, std::memory_order_relaxed);
}

void StageClock::add_seconds(Stage stage, double seconds) {
  add(stage, std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

void StageClock::add_page(Stage stage, Clock::duration elapsed) {
  const int index = per_page_index(stage);
  if (index < 0) return;
  const int bucket = bucket_of(std::chrono::duration<double>(elapsed).count());
  histogram_[static_cast<std::size_t>(index)][static_cast<std::size_t>(bucket)].fetch_add(
      1, std::memory_order_relaxed);
}

StageTimings StageClock::totals(int workers, double wall_seconds) const {
  StageTimings t;
  t.workers = workers;
  t.wall_seconds = wall_seconds;
  t.pages_timed = pages_.load();
  t.second_readings = {second_[0].load(), second_[1].load(), second_[2].load()};
  for (Stage stage : kAllStages) {
    const auto i = static_cast<std::size_t>(stage);
    StageTime& s = t.stages[i];
    s.worker_seconds = static_cast<double>(worker_nanos_[i].load()) * 1e-9;
    s.reader_seconds = static_cast<double>(reader_nanos_[i].load()) * 1e-9;
    if (const int per_page = per_page_index(stage); per_page >= 0) s.p95_seconds = p95(per_page);
  }
  return t;
}

StageClock::Clock::duration StageClock::Span::stop() {
  if (stopped_) return {};
  stopped_ = true;
  const Clock::duration elapsed = Clock::now() - start_;
  clock_.add(stage_, elapsed);
  return elapsed;
}

int StageClock::bucket_of(double seconds) {
  if (seconds <= kFirstBucket) return 0;
  const int bucket = 1 + static_cast<int>(std::log(seconds / kFirstBucket) / std::log(kBucketRatio));
  return std::min(bucket, kBuckets - 1);
}

double StageClock::bucket_seconds(int bucket) {  // the bucket's upper edge
  return kFirstBucket * std::pow(kBucketRatio, bucket);
}

int StageClock::per_page_index(Stage stage) {
  switch (stage) {
    case Stage::kDecode: return 0;
    case Stage::kClean: return 1;
    case Stage::kOcr: return 2;
    default: return -1;
  }
}

double StageClock::p95(int per_page) const {
  const auto& counts = histogram_[static_cast<std::size_t>(per_page)];
  std::uint64_t total = 0;
  for (const auto& c : counts) total += c.load();
  if (total == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(0.95 * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts[static_cast<std::size_t>(b)].load();
    if (seen >= wanted) return bucket_seconds(b);
  }
  return bucket_seconds(kBuckets - 1);
}

}  // namespace chartroom::app
