// Private to app/: the accumulator behind IngestReport::timings. Totals are
// atomics (a few additions a page, next to a second of OCR); the per-page
// figures go into fixed histograms, so memory does not grow with the run.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "app/stage_timings.h"

namespace chartroom::app {

class StageClock {
 public:
  using Clock = std::chrono::steady_clock;

  // The calling thread's side of the table from now on: the reader thread
  // (the default) or a worker.
  static void mark_worker_thread(bool worker);

  void add(Stage stage, Clock::duration elapsed);
  void add_seconds(Stage stage, double seconds);
  // One page's time in a per-page stage (decode, clean, OCR), for its percentile.
  void add_page(Stage stage, Clock::duration elapsed);
  void count_page() { pages_.fetch_add(1, std::memory_order_relaxed); }
  enum class Second { kOrientation, kStrokes, kStrokesKept };
  void count_second_reading(Second what) {
    second_[static_cast<std::size_t>(what)].fetch_add(1, std::memory_order_relaxed);
  }

  StageTimings totals(int workers, double wall_seconds) const;

  // Adds the time from its making to its end (or to stop()) to one stage.
  class Span {
   public:
    Span(StageClock& clock, Stage stage) : clock_(clock), stage_(stage), start_(Clock::now()) {}
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;
    ~Span() { stop(); }
    // Ends the span now; returns its length (zero the second time).
    Clock::duration stop();

   private:
    StageClock& clock_;
    Stage stage_;
    Clock::time_point start_;
    bool stopped_ = false;
  };

 private:
  // Buckets 5% wide from 0.1 ms to about an hour: the 95th percentile within 5%.
  static constexpr int kBuckets = 360;
  static int bucket_of(double seconds);
  static double bucket_seconds(int bucket);
  static int per_page_index(Stage stage);  // -1: not a per-page stage
  double p95(int per_page) const;

  std::array<std::atomic<std::int64_t>, kStageCount> worker_nanos_{};
  std::array<std::atomic<std::int64_t>, kStageCount> reader_nanos_{};
  std::array<std::array<std::atomic<std::uint32_t>, kBuckets>, 3> histogram_{};
  std::atomic<int> pages_{0};
  std::array<std::atomic<int>, 3> second_{};
};

}  // namespace chartroom::app
