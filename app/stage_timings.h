// Where an ingest run's time went (`chartroom ingest --timings`): each stage
// measured with the steady clock where it runs, summed over the threads that
// ran it. The reader thread decodes; the workers clean and read; whichever
// thread reads a batch's last page classifies and files it.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace chartroom::app {

enum class Stage : int {
  kDecode,       // hashing files, opening them, decoding pages (the reader thread)
  kClean,        // capture::clean_page
  kOcr,          // ocr::Engine::read (recognition and the page's one-page PDF), both reads of an unsure page
  kClassify,     // the identifier lines of each page, then the batch split into documents and matched
  kAssemble,     // each document's PDF put together from its pages (qpdf)
  kCommit,       // page states and look-ups in the store, fsyncs, renames, the filing transaction
  kWaitStore,    // waiting for another thread to let go of the store
  kWaitPages,    // a worker with nothing to do: waiting for the reader to decode a page
  kWaitWorkers,  // the reader with a page ready (the queue is full), or done, waiting for the workers
};
inline constexpr int kStageCount = 9;

struct StageTime {
  double worker_seconds = 0;  // summed over the workers
  double reader_seconds = 0;  // on the reader thread
  // Per page, for the stages done once a page (decode, clean, OCR); -1 otherwise.
  double p95_seconds = -1;
};

// Pages read a second time (app/second_reading.h); that time is inside kOcr.
struct SecondReadings {
  int orientation = 0;   // read turned half a turn too: capture was unsure which way up the page is
  int strokes = 0;       // read again with their strokes closed: pages scanned 1-bit, read with low confidence
  int strokes_kept = 0;  // of those, the pages whose second reading was the better one
};

struct StageTimings {
  std::array<StageTime, kStageCount> stages{};
  int workers = 0;
  int pages_timed = 0;  // pages decoded and cleaned in this run (not resumed, not skipped)
  SecondReadings second_readings;
  double wall_seconds = 0;

  const StageTime& operator[](Stage stage) const { return stages[static_cast<std::size_t>(stage)]; }
  double worker_total() const;
  double reader_total() const;
};

// "decode", "clean", "ocr", ..., "wait_store": the names in `--json`.
std::string_view stage_key(Stage stage);
// "decode", "waiting for the store", ...: the names in the table.
std::string_view stage_label(Stage stage);

// The table `--timings` prints: each stage's seconds on the workers and on the
// reader thread, its share of the workers' time, its mean and 95th percentile
// per page; then the time no stage accounts for (thread start, bookkeeping,
// progress lines), so that each column adds up to the time its threads had;
// then how many pages were read a second time, and why.
std::string format_timings(const StageTimings& timings);

}  // namespace chartroom::app
