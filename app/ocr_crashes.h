// Which pages a run was reading inside OCR when it died of a crash or a hang.
//
// While a ledger is open, a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
// SIGABRT: a crash inside Tesseract, one of its ASSERT_HOST aborts, or
// systemd's watchdog ending a hung service) appends one line "HASH:PAGE" for
// each page being read to STORE/work/ocr-crashes, from the signal handler,
// before the process dies. A crash on one thread names only that thread's
// page; a signal sent from outside (the watchdog) names every page in OCR.
// SIGKILL (kill -9, the OOM killer) and a power cut write nothing: they say
// nothing about a page, so they are never held against one. The next run
// moves the lines into page_work.ocr_crashes (Store::record_ocr_crashes),
// and a page that has killed `[limits] ocr_attempts_per_page` runs is
// quarantined instead of read again.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "indexer/indexer.h"

namespace chartroom::app {

class CrashLedger {
 public:
  // Opens the ledger in `work_dir` for this run and installs the signal
  // handlers (once per process; one ledger open at a time).
  static Result<std::unique_ptr<CrashLedger>> open(const std::filesystem::path& work_dir);
  ~CrashLedger();
  CrashLedger(const CrashLedger&) = delete;
  CrashLedger& operator=(const CrashLedger&) = delete;

  // What the runs that died recorded in `work_dir` (call it before open, with
  // the store's writer claim held), and, once that is in the store, clear().
  static Result<std::vector<indexer::PageKey>> take(const std::filesystem::path& work_dir);
  static void clear(const std::filesystem::path& work_dir);

  // Marks the calling thread as reading one page inside OCR while it lives.
  class Reading {
   public:
    Reading(const std::string& file_hash, int page);
    ~Reading();
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

   private:
    int slot_ = -1;
  };

 private:
  CrashLedger() = default;
};

}  // namespace chartroom::app
