// `chartroom watch`: the scanning-room daemon. Watches one folder per scanner
// (inotify plus a periodic rescan, since SMB/NFS mounts miss events), takes
// each batch once the scanner profile says it is complete, ingests it through
// the same durable pipeline as `chartroom ingest`, and moves the originals to
// ARCHIVE/YYYY-MM-DD/HASH/NAME once every page is in a terminal state.
// SIGTERM parks the pages in flight and exits; SIGHUP reloads the config.
#pragma once

#include <filesystem>
#include <vector>

#include "app/commands.h"
#include "scanners/scanners.h"

namespace chartroom::app {

struct WatchConfig {
  std::vector<scanners::ScannerProfile> scanners;
  std::filesystem::path archive;
  int rescan_seconds = 30;
  // While batches are in flight and no page has finished for this long, the
  // service counts as stalled: it says so in its log and status, and stops
  // answering systemd's watchdog, so that systemd restarts it (the restart
  // resumes from the store; [limits] ocr_attempts_per_page ends a loop).
  int stall_seconds = 1800;
  std::filesystem::path store;  // [watch] store, if set (--store wins)
};

// Reads [watch] and the [[scanner]] tables of a chartroom.toml. Errors name
// the file and key and give an example.
Result<WatchConfig> load_watch_config(const std::filesystem::path& path);

// Runs until SIGTERM/SIGINT. Returns the exit code.
int run_watch(const CommonOptions& common, bool store_given, const std::filesystem::path& config_path);

}  // namespace chartroom::app
