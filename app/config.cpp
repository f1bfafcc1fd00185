#include "app/config.h"
#include "app/config_schema.h"

#include <algorithm>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace chartroom::app {

Config default_config() {
  Config config;
  config.ingest.workers = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  return config;
}

namespace {

// ", line 12" where the node came from.
std::string line_of(const toml::node& node) {
  const auto line = node.source().begin.line;
  return line > 0 ? ", line " + std::to_string(line) : "";
}

template <typename T>
Status read_number(const toml::table& table, std::string_view section, std::string_view key, T& out,
                   double min, double max, const std::filesystem::path& path) {
  const toml::node* node = table.at_path(std::string(section) + "." + std::string(key)).node();
  if (node == nullptr) return {};
  std::optional<double> value = node->value<double>();
  if (!value) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("{}{}: [{}] {} must be a number (written without quotes)",
                                                         path.string(), line_of(*node), section, key));
  }
  if (*value < min || *value > max) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("{}{}: [{}] {} = {:g} is not allowed: it must be between {:g} and {:g}; change "
                            "it, or remove the line to use the default",
                            path.string(), line_of(*node), section, key, *value, min, max));
  }
  out = static_cast<T>(*value);
  return {};
}

// [classify] type_model: a model `chartroom train-types` wrote; a relative
// path is taken from the configuration file's folder.
Status read_type_model(const toml::table& table, IngestOptions& o, const std::filesystem::path& path) {
  auto v = table.at_path("classify.type_model").value<std::string>();
  if (!v) return {};
  std::filesystem::path model_path(*v);
  if (model_path.is_relative()) model_path = path.parent_path() / model_path;
  auto model = classify::TypeModel::load(model_path);
  if (!model) {
    return fail(ErrorCode::kInvalidArgument,
                path.string() + ": [classify] type_model: " + model.error().message +
                    " (build a model with: chartroom train-types corpus.jsonl --out doctype.model)");
  }
  o.type_model = std::make_shared<const classify::TypeModel>(std::move(*model));
  return {};
}

// [classify] keys that are not numbers.
Status read_classify(const toml::table& table, classify::MatchOptions& match, const std::filesystem::path& path) {
  const auto bad = [&](const std::string& what) {
    return fail(ErrorCode::kInvalidArgument, path.string() + ": [classify] " + what);
  };
  if (match.review_threshold > match.file_threshold) {
    return bad("review_threshold must not be above file_threshold");
  }
  if (auto v = table.at_path("classify.file_without_mrn").value<bool>()) match.file_without_mrn = *v;
  if (auto v = table.at_path("classify.mrn_pattern").value<std::string>()) {
    try {
      std::regex check(*v);
    } catch (const std::regex_error&) {
      return bad("mrn_pattern \"" + *v + "\" is not a valid regular expression (example: \"[0-9]{8}\")");
    }
    match.identifiers.mrn_pattern = *v;
  }
  if (auto v = table.at_path("classify.check_digit").value<std::string>()) {
    if (*v == "none") {
      match.identifiers.check_digit = classify::CheckDigit::kNone;
    } else if (*v == "luhn") {
      match.identifiers.check_digit = classify::CheckDigit::kLuhn;
    } else if (*v == "mod11") {
      match.identifiers.check_digit = classify::CheckDigit::kMod11;
    } else {
      return bad("check_digit \"" + *v + "\" is not one of none, luhn, mod11");
    }
  }
  if (const toml::array* values = table.at_path("classify.separator_values").as_array()) {
    match.identifiers.separator_values.clear();
    for (const toml::node& v : *values) {
      auto text = v.value<std::string>();
      if (!text || text->empty()) return bad("separator_values must be a list of non-empty strings");
      match.identifiers.separator_values.push_back(*text);
    }
  }
  return {};
}

}  // namespace

Result<Config> load_config(const std::filesystem::path& path) {
  Config config = default_config();
  auto parsed = read_config_file(path);
  if (!parsed) return std::unexpected(parsed.error());
  const toml::table& table = *parsed;
  IngestOptions& o = config.ingest;
  for (Status s : {
           read_number(table, "pipeline", "workers", o.workers, 1, 256, path),
           read_number(table, "classify", "file_threshold", o.match.file_threshold, 0.5, 1.0, path),
           read_number(table, "classify", "review_threshold", o.match.review_threshold, 0.0, 1.0, path),
           read_number(table, "classify", "type_threshold", o.type.abstain_threshold, 0.0, 1.0, path),
           read_number(table, "capture", "min_skew_confidence", o.clean.skew.min_confidence, 0, 1, path),
           read_number(table, "capture", "max_skew_degrees", o.clean.skew.max_degrees, 1, 45, path),
           read_number(table, "capture", "blank_max_ink_fraction", o.clean.blank.max_ink_fraction, 0, 0.1, path),
           read_number(table, "capture", "blank_read_from_marks", o.clean.blank.read_from_marks, 1, 1000, path),
           read_number(table, "capture", "blank_min_word_confidence", o.clean.blank.min_word_confidence, 0, 100, path),
           read_number(table, "capture", "blank_look_from_marks", o.clean.blank.look_from_marks, 1, 1000, path),
           read_number(table, "capture", "light_read_well_confidence", o.clean.quality.light_read_well_confidence, 0,
                       101, path),
           read_number(table, "capture", "orientation_ocr_margin", o.clean.orientation.ocr_margin, 0, 100, path),
           read_number(table, "capture", "reread_strokes_below_confidence", o.reread_strokes_below_confidence, 0,
                       101, path),
           read_number(table, "limits", "max_file_bytes", o.limits.max_file_bytes, 1, 1e13, path),
           read_number(table, "limits", "max_pixels", o.limits.max_pixels, 1, 1e10, path),
           read_number(table, "limits", "max_dimension", o.limits.max_dimension, 1, 1e6, path),
           read_number(table, "limits", "max_pages", o.limits.max_pages, 1, 1e6, path),
           read_number(table, "limits", "assumed_dpi", o.limits.assumed_dpi, 50, 2400, path),
           read_number(table, "limits", "min_dimension", o.limits.min_dimension, 1, 10000, path),
           read_number(table, "limits", "ocr_seconds_per_page", o.ocr.max_seconds_per_page, 0, 86400, path),
           read_number(table, "limits", "ocr_attempts_per_page", o.ocr_attempts_per_page, 1, 1000, path),
       }) {
    if (!s) return std::unexpected(s.error());
  }
  if (auto s = read_classify(table, o.match, path); !s) return std::unexpected(s.error());
  if (auto s = read_type_model(table, o, path); !s) return std::unexpected(s.error());
  if (auto language = table.at_path("ocr.language").value<std::string>()) o.ocr.language = *language;
  if (auto data = table.at_path("ocr.tessdata_dir").value<std::string>()) o.ocr.tessdata_dir = *data;
  return config;
}

}  // namespace chartroom::app
