#include "app/ocr_crashes.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>

namespace chartroom::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLedgerName = "ocr-crashes";
constexpr std::array kFatalSignals{SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// What the signal handler may read: fixed memory, atomics, no allocation.
struct Slot {
  std::atomic<bool> taken{false};   // owned by a Reading
  std::atomic<bool> active{false};  // `line` is complete and its page is in OCR
  char line[96] = {};
  std::size_t length = 0;
};
std::array<Slot, 64> g_slots;  // more workers than this are not tracked (never the case: one per core)
std::atomic<int> g_fd{-1};
thread_local int t_slot = -1;
struct sigaction g_previous[kFatalSignals.size()];

void write_slot(int fd, const Slot& slot) {
  if (!slot.active.load(std::memory_order_acquire)) return;
  [[maybe_unused]] const ssize_t n = ::write(fd, slot.line, slot.length);
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
  const int fd = g_fd.load(std::memory_order_acquire);
  if (fd >= 0) {
    // Sent by another process (systemd's watchdog, `kill -ABRT`): every page
    // in OCR is a suspect. Raised by this process (a fault, abort()): only the
    // page of the thread it happened on.
    const bool from_outside = info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE);
    if (from_outside) {
      for (const Slot& slot : g_slots) write_slot(fd, slot);
    } else if (t_slot >= 0) {
      write_slot(fd, g_slots[static_cast<std::size_t>(t_slot)]);
    }
  }
  // Then die as the signal meant: the previous handler (the default, or a
  // sanitizer's report) runs when the signal is raised again.
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    if (kFatalSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
  }
  ::raise(sig);
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
      struct sigaction action {};
      action.sa_sigaction = on_fatal_signal;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      ::sigaction(kFatalSignals[i], &action, &g_previous[i]);
    }
  });
}

}  // namespace

Result<std::unique_ptr<CrashLedger>> CrashLedger::open(const fs::path& work_dir) {
  const fs::path path = work_dir / kLedgerName;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open " + path.string() + " (" + std::strerror(errno) +
                                    "); free disk space or fix the store's permissions, then run again");
  }
  install_handlers();
  const int previous = g_fd.exchange(fd, std::memory_order_acq_rel);
  if (previous >= 0) ::close(previous);
  return std::unique_ptr<CrashLedger>(new CrashLedger());
}

CrashLedger::~CrashLedger() {
  const int fd = g_fd.exchange(-1, std::memory_order_acq_rel);
  if (fd >= 0) ::close(fd);
}

Result<std::vector<indexer::PageKey>> CrashLedger::take(const fs::path& work_dir) {
  const fs::path path = work_dir / kLedgerName;
  std::vector<indexer::PageKey> pages;
  std::error_code ec;
  if (!fs::exists(path, ec)) return pages;
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kIo, "cannot read " + path.string() + "; check the store's permissions");
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.rfind(':');
    if (colon == std::string::npos || colon == 0) continue;  // a line cut short by the crash itself
    int page = -1;
    const char* end = line.data() + line.size();
    auto [ptr, err] = std::from_chars(line.data() + colon + 1, end, page);
    if (err != std::errc() || ptr != end || page < 0) continue;
    pages.push_back({line.substr(0, colon), page});
  }
  return pages;
}

void CrashLedger::clear(const fs::path& work_dir) {
  std::error_code ec;
  fs::remove(work_dir / kLedgerName, ec);
}

CrashLedger::Reading::Reading(const std::string& file_hash, int page) {
  for (std::size_t i = 0; i < g_slots.size(); ++i) {
    bool expected = false;
    if (!g_slots[i].taken.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) continue;
    Slot& slot = g_slots[i];
    const std::string line = file_hash + ":" + std::to_string(page) + "\n";
    slot.length = std::min(line.size(), sizeof slot.line);
    std::memcpy(slot.line, line.data(), slot.length);
    slot.active.store(true, std::memory_order_release);
    slot_ = static_cast<int>(i);
    t_slot = slot_;
    return;
  }
}

CrashLedger::Reading::~Reading() {
  if (slot_ < 0) return;
  Slot& slot = g_slots[static_cast<std::size_t>(slot_)];
  slot.active.store(false, std::memory_order_release);
  t_slot = -1;
  slot.taken.store(false, std::memory_order_release);
}

}  // namespace chartroom::app
