// `chartroom status` and the reconciliation printed at the end of an ingest.
#include "app/status.h"

#include <signal.h>

#include <ctime>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "app/command_support.h"
#include "app/json_output.h"

namespace chartroom::app {

namespace fs = std::filesystem;

std::string format_reconciliation(const IngestReport& report) {
  std::string out;
  if (report.folders.size() > 1 || !report.quarantined.empty()) {
    out += fmt::format("\n{:<40} {:>6} {:>6} {:>6} {:>11} {:>6}\n", "FOLDER", "PAGES", "FILED", "REVIEW",
                       "QUARANTINED", "BLANK");
    for (const auto& [folder, c] : report.folders) {
      out += fmt::format("{:<40} {:>6} {:>6} {:>6} {:>11} {:>6}\n", folder, c.pages, c.filed, c.review,
                         c.quarantined, c.blank);
    }
  }
  if (!report.quarantined.empty()) {
    out += "\nQuarantined (rescan and ingest again; after raising a limit: chartroom reprocess --quarantined):\n";
    for (const QuarantinedPage& q : report.quarantined) {
      // Reasons from the decoders already name the file; do not say it twice.
      const bool names_file = q.reason.starts_with(q.source);
      out += "  " + (names_file ? q.reason : (q.page < 0 ? q.source : page_label({q.source, q.page})) + ": " + q.reason) +
             "\n";
    }
  }
  return out;
}

int run_status(const CommonOptions& common) {
  const fs::path& store_path = common.store;
  const bool json = common.json;
  auto store = open_existing_store(common);
  if (!store) return 1;
  // It names files and their quarantine reasons: a read like any other.
  if (!audited(*store, {"", "status", "", "page queue", "", {}})) return 1;
  auto status = store->work_status();
  if (!status) {
    std::cerr << "chartroom: " << status.error().message << "\n";
    return 1;
  }
  auto by_state = [](const std::vector<std::pair<PageState, int>>& counts) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [state, n] : counts) out[std::string(page_state_name(state))] = n;
    return out;
  };
  // Written every few seconds by a running `chartroom watch`.
  std::ifstream daemon_file(store_path / "work" / "watch-status.json");
  nlohmann::json daemon = nlohmann::json::parse(daemon_file, nullptr, false);
  if (daemon.is_discarded() || !daemon.is_object()) daemon = nullptr;
  if (daemon.is_object()) {
    const auto age = std::time(nullptr) - daemon.value("heartbeat", std::int64_t{0});
    daemon["heartbeat_age_seconds"] = age;
    daemon["running"] = age < 30 && ::kill(daemon.value("pid", 0), 0) == 0;
  }
  if (json) {
    nlohmann::json oldest = nullptr;
    if (status->oldest_waiting_source) {
      oldest = {{"source", *status->oldest_waiting_source}, {"since", status->oldest_waiting_since.value_or("")}};
    }
    print_json({{"waiting", by_state(status->waiting)},
                {"finished", by_state(status->finished)},
                {"finished_last_10_min", status->finished_last_10_min},
                {"finished_last_hour", status->finished_last_hour},
                {"quarantined_last_day", status->quarantined_last_day},
                {"oldest_waiting", oldest},
                {"recent_errors", status->recent_errors},
                {"watch", daemon}});
    return 0;
  }
  auto list = [](const std::vector<std::pair<PageState, int>>& counts) {
    std::string out;
    for (const auto& [state, n] : counts) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, page_state_name(state));
    return out.empty() ? std::string("none") : out;
  };
  std::cout << fmt::format("Store {}\n", store_path.string());
  std::cout << fmt::format("  waiting:     {}\n", list(status->waiting));
  std::cout << fmt::format("  finished:    {}\n", list(status->finished));
  std::cout << fmt::format("  throughput:  {} page(s) in the last 10 minutes, {} in the last hour\n",
                           status->finished_last_10_min, status->finished_last_hour);
  std::cout << fmt::format("  errors:      {} page(s) quarantined in the last 24 hours\n", status->quarantined_last_day);
  for (const std::string& e : status->recent_errors) std::cout << "               " << e << "\n";
  if (status->oldest_waiting_source) {
    std::cout << fmt::format("  oldest waiting: {} (since {})\n", *status->oldest_waiting_source,
                             status->oldest_waiting_since.value_or("?"));
  } else {
    std::cout << "  oldest waiting: nothing is waiting\n";
  }
  if (daemon.is_object()) {
    std::cout << fmt::format("chartroom watch: {} (pid {}, last heartbeat {} s ago), {} batch(es) in flight, "
                             "{} waiting to retry, {} error(s) since start\n",
                             daemon["running"].get<bool>() ? "running" : "NOT RUNNING", daemon.value("pid", 0),
                             daemon["heartbeat_age_seconds"].get<std::int64_t>(), daemon.value("batches_in_flight", 0),
                             daemon.value("batches_waiting_retry", 0), daemon.value("errors", 0));
    if (daemon.value("stalled", false)) {
      std::cout << "  STALLED: no page has finished for a long while ([watch] stall_seconds); systemd's watchdog "
                   "will restart the service. See: journalctl -u chartroom-watch\n";
    }
    for (const auto& scanner : daemon.value("scanners", nlohmann::json::array())) {
      std::string oldest = scanner["oldest_waiting_seconds"].is_number()
                               ? fmt::format(", oldest for {} s", scanner["oldest_waiting_seconds"].get<std::int64_t>())
                               : "";
      std::cout << fmt::format("  scanner {}: {} file(s)/folder(s) still being written{}\n",
                               scanner.value("name", "?"), scanner.value("waiting_to_complete", 0), oldest);
    }
  }
  return 0;
}

}  // namespace chartroom::app
