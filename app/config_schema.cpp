// Every key chartroom.toml may hold, with its type: a key chartroom does not
// know (a typo such as `file_treshold`) or a value of the wrong type is an
// error naming the file, the line and the key it probably meant, never a
// setting silently left at its default.
#include <algorithm>
#include <string>
#include <vector>

#include "app/config_schema.h"

namespace chartroom::app {

namespace {

enum class Kind { kNumber, kString, kBool, kStrings };

struct Key {
  const char* section;  // "" for the keys of each [[scanner]]
  const char* name;
  Kind kind;
};

constexpr Key kKeys[] = {
    {"pipeline", "workers", Kind::kNumber},
    {"classify", "file_threshold", Kind::kNumber},
    {"classify", "review_threshold", Kind::kNumber},
    {"classify", "type_threshold", Kind::kNumber},
    {"classify", "file_without_mrn", Kind::kBool},
    {"classify", "mrn_pattern", Kind::kString},
    {"classify", "check_digit", Kind::kString},
    {"classify", "separator_values", Kind::kStrings},
    {"classify", "type_model", Kind::kString},
    {"capture", "min_skew_confidence", Kind::kNumber},
    {"capture", "max_skew_degrees", Kind::kNumber},
    {"capture", "blank_max_ink_fraction", Kind::kNumber},
    {"capture", "blank_read_from_marks", Kind::kNumber},
    {"capture", "blank_min_word_confidence", Kind::kNumber},
    {"capture", "blank_look_from_marks", Kind::kNumber},
    {"capture", "light_read_well_confidence", Kind::kNumber},
    {"capture", "orientation_ocr_margin", Kind::kNumber},
    {"capture", "reread_strokes_below_confidence", Kind::kNumber},
    {"limits", "max_file_bytes", Kind::kNumber},
    {"limits", "max_pixels", Kind::kNumber},
    {"limits", "max_dimension", Kind::kNumber},
    {"limits", "max_pages", Kind::kNumber},
    {"limits", "assumed_dpi", Kind::kNumber},
    {"limits", "min_dimension", Kind::kNumber},
    {"limits", "ocr_seconds_per_page", Kind::kNumber},
    {"limits", "ocr_attempts_per_page", Kind::kNumber},
    {"ocr", "language", Kind::kString},
    {"ocr", "tessdata_dir", Kind::kString},
    {"watch", "archive", Kind::kString},
    {"watch", "store", Kind::kString},
    {"watch", "rescan_seconds", Kind::kNumber},
    {"watch", "stall_seconds", Kind::kNumber},
    {"scanner", "name", Kind::kString},
    {"scanner", "folder", Kind::kString},
    {"scanner", "complete", Kind::kString},
    {"scanner", "stable_seconds", Kind::kNumber},
    {"scanner", "marker_suffix", Kind::kString},
    {"scanner", "batch", Kind::kString},
    {"scanner", "duplex", Kind::kString},
};

// " (did you mean file_threshold?)" when one known word is close.
std::string suggestion(std::string_view given, const std::vector<std::string>& known) {
  const auto best = nearest_word(given, known);
  return best ? " (did you mean " + *best + "?)" : "";
}

bool has_kind(const toml::node& node, Kind kind) {
  switch (kind) {
    case Kind::kNumber: return node.is_integer() || node.is_floating_point();
    case Kind::kString: return node.is_string();
    case Kind::kBool: return node.is_boolean();
    case Kind::kStrings: {
      const toml::array* array = node.as_array();
      return array != nullptr && std::ranges::all_of(*array, [](const toml::node& n) { return n.is_string(); });
    }
  }
  return false;
}

const char* kind_words(Kind kind) {
  switch (kind) {
    case Kind::kNumber: return "a number (no quotes)";
    case Kind::kString: return "text in quotes";
    case Kind::kBool: return "true or false";
    case Kind::kStrings: return "a list of texts in quotes, like [\"A\", \"B\"]";
  }
  return "";
}

std::string at(const std::filesystem::path& path, const toml::node& node) {
  return path.string() + ", line " + std::to_string(node.source().begin.line);
}

Status check_keys(const toml::table& table, const std::string& section, const std::filesystem::path& path) {
  std::vector<std::string> known;
  for (const Key& k : kKeys) {
    if (k.section == section) known.emplace_back(k.name);
  }
  const std::string where = section == "scanner" ? "[[scanner]]" : "[" + section + "]";
  for (const auto& [name, node] : table) {
    const auto key = std::ranges::find_if(kKeys, [&](const Key& k) { return k.section == section && k.name == name.str(); });
    if (key == std::end(kKeys)) {
      return fail(ErrorCode::kInvalidArgument, at(path, node) + ": " + where + " has no setting '" +
                                                   std::string(name.str()) + "'" + suggestion(name.str(), known) +
                                                   "; see chartroom.example.toml for every setting");
    }
    if (!has_kind(node, key->kind)) {
      return fail(ErrorCode::kInvalidArgument, at(path, node) + ": " + where + " " + std::string(name.str()) +
                                                   " must be " + kind_words(key->kind));
    }
  }
  return {};
}

}  // namespace

Status check_config_keys(const toml::table& table, const std::filesystem::path& path) {
  std::vector<std::string> sections;
  for (const Key& k : kKeys) {
    if (std::ranges::find(sections, k.section) == sections.end()) sections.emplace_back(k.section);
  }
  for (const auto& [name, node] : table) {
    const std::string section(name.str());
    if (std::ranges::find(sections, section) == sections.end()) {
      return fail(ErrorCode::kInvalidArgument, at(path, node) + ": there is no section [" + section + "]" +
                                                   suggestion(section, sections) +
                                                   "; see chartroom.example.toml for every setting");
    }
    if (section == "scanner") {
      const toml::array* scanners = node.as_array();
      if (scanners == nullptr) {
        return fail(ErrorCode::kInvalidArgument, at(path, node) + ": scanners are written [[scanner]], one per folder");
      }
      for (const toml::node& scanner : *scanners) {
        const toml::table* t = scanner.as_table();
        if (t == nullptr) return fail(ErrorCode::kInvalidArgument, at(path, scanner) + ": [[scanner]] must be a table");
        if (auto s = check_keys(*t, section, path); !s) return s;
      }
      continue;
    }
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      return fail(ErrorCode::kInvalidArgument, at(path, node) + ": " + section + " must be a section, [" + section + "]");
    }
    if (auto s = check_keys(*t, section, path); !s) return s;
  }
  return {};
}

Result<toml::table> read_config_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(ErrorCode::kInvalidArgument,
                path.string() + ": there is no such configuration file" +
                    (std::filesystem::exists(path, ec) ? " (it is a folder)" : "") +
                    "; check the path given to --config (chartroom.example.toml shows every setting)");
  }
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& error) {
    return fail(ErrorCode::kInvalidArgument,
                path.string() + ", line " + std::to_string(error.source().begin.line) +
                    ": this line is not valid TOML (" + std::string(error.description()) +
                    "). Settings are written `key = value`, text in double quotes, under a [section] "
                    "heading; see chartroom.example.toml");
  }
  if (auto s = check_config_keys(table, path); !s) return std::unexpected(s.error());
  return table;
}

}  // namespace chartroom::app
