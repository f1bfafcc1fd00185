// ocr/: reads clean page images with Tesseract. One engine per worker thread,
// created once and reused; the engine never leaves this folder.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::ocr {

// Debian's Tesseract is built with OpenMP, which runs several times slower on a
// busy machine unless held to one thread; chartroom parallelizes across pages.
// Sets OMP_THREAD_LIMIT=1 unless the environment already sets it. Call it at
// the start of main(), before any thread or engine exists.
void limit_openmp_threads();

struct EngineOptions {
  std::string language = "eng";
  std::string tessdata_dir;  // empty = Tesseract's default
  int page_segmentation = 3; // PSM_AUTO: fully automatic layout analysis, no OSD
  int jpeg_quality = 85;     // for gray/colour page images inside the PDF
  // Time limit for recognising one page, in seconds (0 = none). A page that
  // takes longer (noise Tesseract reads as thousands of tiny "words") is
  // stopped there: read() returns what it has with ocr_stopped set, so a
  // worker is never held by one page. Layout analysis, which runs before
  // recognition, is not covered by Tesseract's deadline.
  double max_seconds_per_page = 120;
  // Pages scanned at less than `min_dpi` (150 dpi fax and archive scans) are
  // read scaled up a whole number of times to at least `upsample_dpi`:
  // Tesseract reads best with capital letters some 20-30 pixels high, twice
  // what 150 dpi gives body text (200 dpi gives ~23). The page PDF shows the
  // image as it was, at its size on paper; words are reported in the pixels
  // of the image given. min_dpi 0 turns this off.
  int min_dpi = 200;
  int upsample_dpi = 300;
};

struct ReadOptions {
  // When set, a one-page searchable PDF (the page image with an invisible,
  // correctly placed text layer) is written here.
  std::filesystem::path pdf_path;
  std::string title;  // PDF title
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> create(const EngineOptions& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Reads one page. The image's dpi is passed to Tesseract (300 assumed if 0).
  // `what` names the page in error messages ("scan.tif, page 2").
  Result<PageText> read(const Image& page, const ReadOptions& options, const std::string& what);

  // "tesseract 5.3.0, eng" — recorded with every result.
  std::string describe() const;

 private:
  Engine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fixed set of engines created once. Workers lease one for as long as they
// run; `lease` blocks while all are taken.
class EnginePool {
 public:
  static Result<std::unique_ptr<EnginePool>> create(int engines, const EngineOptions& options = {});

  class Lease {
   public:
    Lease(EnginePool* pool, std::unique_ptr<Engine> engine) : pool_(pool), engine_(std::move(engine)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Engine& operator*() { return *engine_; }
    Engine* operator->() { return engine_.get(); }

   private:
    EnginePool* pool_;
    std::unique_ptr<Engine> engine_;
  };

  Lease lease();
  int size() const { return size_; }

 private:
  EnginePool() = default;
  void give_back(std::unique_ptr<Engine> engine);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Engine>> idle_;
  int size_ = 0;
};

// "5.3.0"
std::string tesseract_version();

}  // namespace chartroom::ocr
