#include "app/event_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <mutex>

namespace chartroom::app {

namespace {

std::shared_ptr<spdlog::logger> service_logger() {
  static std::once_flag once;
  static std::shared_ptr<spdlog::logger> logger;
  std::call_once(once, [] {
    logger = std::make_shared<spdlog::logger>("chartroom", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // journald stamps each line itself; by hand, the time leads the line.
    const char* journal = std::getenv("JOURNAL_STREAM");
    logger->set_pattern(journal != nullptr && *journal != '\0' ? "level=%l %v"
                                                               : "time=%Y-%m-%dT%H:%M:%S%z level=%l %v");
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::info);
  });
  return logger;
}

bool plain(std::string_view value) {
  if (value.empty()) return false;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u == 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

void replace_all(std::string& text, const std::string& what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

}  // namespace

std::string logfmt_value(std::string_view value) {
  if (plain(value)) return std::string(value);
  std::string out = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < ' ' || u == 0x7f) {
          out += fmt::format("\\x{:02x}", u);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  std::string line = "event=" + logfmt_value(event);
  for (const LogField& field : fields) {
    line += ' ';
    line += field.key();
    line += '=';
    line += logfmt_value(field.value());
  }
  const spdlog::level::level_enum spd = level == LogLevel::kError     ? spdlog::level::err
                                        : level == LogLevel::kWarning ? spdlog::level::warn
                                                                      : spdlog::level::info;
  service_logger()->log(spd, spdlog::string_view_t(line));
}

std::string without_names(std::string message, const std::vector<std::filesystem::path>& files,
                          const std::vector<std::filesystem::path>& folders) {
  // Longest first, so that a full path goes before the folder inside it.
  for (const auto& file : files) replace_all(message, file.string(), "[file]");
  for (const auto& folder : folders) replace_all(message, folder.string(), "[folder]");
  for (const auto& file : files) replace_all(message, file.filename().string(), "[file]");
  return message;
}

}  // namespace chartroom::app
