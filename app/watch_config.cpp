// [watch] and [[scanner]] in chartroom.toml.
#include <toml++/toml.h>

#include "app/config_schema.h"
#include "app/watch.h"

namespace chartroom::app {

namespace fs = std::filesystem;

Result<WatchConfig> load_watch_config(const fs::path& path) {
  auto parsed = read_config_file(path);
  if (!parsed) return std::unexpected(parsed.error());
  const toml::table& table = *parsed;
  WatchConfig config;
  auto bad = [&](const std::string& what) { return fail(ErrorCode::kInvalidArgument, path.string() + ": " + what); };
  if (auto v = table.at_path("watch.archive").value<std::string>()) config.archive = *v;
  if (auto v = table.at_path("watch.store").value<std::string>()) config.store = *v;
  if (auto v = table.at_path("watch.rescan_seconds").value<std::int64_t>()) {
    if (*v < 1 || *v > 3600) return bad("[watch] rescan_seconds must be 1 .. 3600 (example: rescan_seconds = 30)");
    config.rescan_seconds = static_cast<int>(*v);
  }
  if (auto v = table.at_path("watch.stall_seconds").value<std::int64_t>()) {
    if (*v < 1 || *v > 86400) return bad("[watch] stall_seconds must be 1 .. 86400 (example: stall_seconds = 1800)");
    config.stall_seconds = static_cast<int>(*v);
  }
  if (config.archive.empty()) {
    return bad("[watch] archive is missing: the folder where originals go once filed "
               "(example: archive = \"/srv/chartroom/archive\")");
  }
  const toml::array* scanners = table["scanner"].as_array();
  if (scanners == nullptr || scanners->empty()) {
    return bad("no [[scanner]] table: add one per scanner folder (example:\n"
               "  [[scanner]]\n  name = \"ward3\"\n  folder = \"/srv/scans/ward3\")");
  }
  for (std::size_t i = 0; i < scanners->size(); ++i) {
    const toml::table* s = (*scanners)[i].as_table();
    const std::string where = "[[scanner]] number " + std::to_string(i + 1);
    if (s == nullptr) return bad(where + " is not a table");
    scanners::ScannerProfile p;
    p.name = s->at_path("name").value_or(std::string());
    p.folder = s->at_path("folder").value_or(std::string());
    if (p.name.empty() || p.folder.empty()) return bad(where + " needs a name and a folder");
    if (p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
        std::string::npos) {
      return bad(where + ": name \"" + p.name + "\" may use only letters, digits, _ and - (it names archive folders)");
    }
    const std::string complete = s->at_path("complete").value_or(std::string("stable"));
    if (complete == "stable") {
      p.complete = scanners::CompleteRule::kStable;
    } else if (complete == "marker") {
      p.complete = scanners::CompleteRule::kMarker;
    } else if (complete == "rename") {
      p.complete = scanners::CompleteRule::kRename;
    } else {
      return bad(where + ": complete = \"" + complete + "\" is not one of stable, marker, rename");
    }
    if (auto v = s->at_path("stable_seconds").value<std::int64_t>()) {
      if (*v < 1 || *v > 86400) return bad(where + ": stable_seconds must be 1 .. 86400");
      p.stable_seconds = static_cast<int>(*v);
    }
    p.marker_suffix = s->at_path("marker_suffix").value_or(p.marker_suffix);
    if (p.complete == scanners::CompleteRule::kMarker && p.marker_suffix.empty()) {
      return bad(where + ": complete = \"marker\" needs a marker_suffix (example: marker_suffix = \".done\")");
    }
    const std::string batch = s->at_path("batch").value_or(std::string("file"));
    if (batch == "file") {
      p.batch = scanners::BatchRule::kFile;
    } else if (batch == "folder") {
      p.batch = scanners::BatchRule::kFolder;
    } else {
      return bad(where + ": batch = \"" + batch + "\" is not one of file, folder");
    }
    const std::string duplex = s->at_path("duplex").value_or(std::string("none"));
    if (duplex == "none") {
      p.duplex = scanners::DuplexOrder::kNone;
    } else if (duplex == "fronts_then_reversed_backs") {
      p.duplex = scanners::DuplexOrder::kFrontsThenReversedBacks;
    } else {
      return bad(where + ": duplex = \"" + duplex + "\" is not one of none, fronts_then_reversed_backs");
    }
    for (const auto& other : config.scanners) {
      if (other.name == p.name) return bad(where + ": the name \"" + p.name + "\" is used twice");
    }
    config.scanners.push_back(std::move(p));
  }
  return config;
}

}  // namespace chartroom::app
