// The service log: one logfmt line per event on stderr (journald under
// systemd), written through spdlog. Every value is escaped, so a file name or
// an error message cannot forge a line; callers pass error messages through
// without_names() so that no scanner path or file name (which can hold a
// patient's name) reaches the log.
#pragma once

#include <fmt/format.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace chartroom::app {

enum class LogLevel { kInfo, kWarning, kError };

class LogField {
 public:
  LogField(std::string_view key, std::string_view value) : key_(key), value_(value) {}
  LogField(std::string_view key, const std::string& value) : key_(key), value_(value) {}
  LogField(std::string_view key, const char* value) : key_(key), value_(value) {}
  template <typename Number, std::enable_if_t<std::is_arithmetic_v<Number>, int> = 0>
  LogField(std::string_view key, Number value) : key_(key), value_(fmt::to_string(value)) {}

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }

 private:
  std::string_view key_;
  std::string value_;
};

// "level=error event=archive_failed scanner=ward3 message="cannot copy ..."".
void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// logfmt quoting: bare when the value is plain, else in double quotes with
// \" \\ \n \r \t and \xNN for other control bytes.
std::string logfmt_value(std::string_view value);

// `message` with every occurrence of each path (and of its file name) replaced
// by "[file]" or "[folder]": error messages name the files they failed on.
std::string without_names(std::string message, const std::vector<std::filesystem::path>& files,
                          const std::vector<std::filesystem::path>& folders = {});

}  // namespace chartroom::app
