// The document-type model: features, prediction, the model file.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "classify/classify.h"
#include "classify/type_features.h"

namespace chartroom::classify {

namespace detail {

namespace {

std::uint32_t bucket(std::string_view prefix, std::string_view a, std::string_view b = {}) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
  };
  mix(prefix);
  mix(a);
  if (!b.empty()) {
    mix("_");
    mix(b);
  }
  return static_cast<std::uint32_t>(h % kTypeBuckets);
}

}  // namespace

std::string type_text(std::string_view text) {
  // Page footers: "Page 2 of 3", "Page 2/3", "pg 2", "- 2 -" (OCR may read
  // digits as look-alike letters).
  static const std::regex footer(R"((\b(page|pg)\.?\s*[0-9OolI|]{1,3}(\s*(of|/)\s*[0-9OolI|]{1,3})?|^\s*-\s*[0-9OolI|]{1,3}\s*-)\s*$)",
                                 std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  PageText page;
  page.text = std::string(text);
  std::set<int> identifier_lines;
  for (const Identifier& id : find_identifiers(page, 0)) identifier_lines.insert(id.line);
  std::string kept;
  kept.reserve(text.size());
  std::istringstream lines(page.text);
  std::string line;
  for (int n = 0; std::getline(lines, line); ++n) {
    if (identifier_lines.contains(n)) continue;
    if (line.size() < 100 && std::regex_search(line, footer)) continue;
    kept += line;
    kept += '\n';
  }
  return kept;
}

std::unordered_map<std::uint32_t, float> type_features(std::string_view raw) {
  const std::string text = type_text(raw);
  // Title lines: the short ones among the first four lines ("DISCHARGE
  // SUMMARY", "Knee Arthroscopy - Consult", a clinic name).
  std::vector<bool> title_line;
  {
    std::istringstream lines(text);
    int non_empty = 0;
    for (std::string l; non_empty < 4 && std::getline(lines, l);) {
      const std::string t = trim(l);
      non_empty += t.empty() ? 0 : 1;
      title_line.push_back(!t.empty() && t.size() <= 60);
    }
  }
  std::unordered_map<std::uint32_t, float> counts;
  // Section headings ("CHIEF COMPLAINT:", "SUBJECTIVE:", "GROSS DESCRIPTION:")
  // at the start of a line: the layout of a note, whole, as one feature.
  {
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);) {
      std::string heading;
      std::size_t i = 0;
      while (i < l.size() && l[i] == ' ') ++i;
      for (; i < l.size() && i < 48; ++i) {
        const char c = l[i];
        if (c >= 'A' && c <= 'Z') {
          heading += static_cast<char>(c - 'A' + 'a');
        } else if (c == ' ' || c == '/' || c == '&' || c == '-') {
          heading += ' ';
        } else {
          break;
        }
      }
      if (i < l.size() && l[i] == ':' && heading.size() >= 3) counts[bucket("H:", trim(heading))] += 1;
    }
  }
  std::string word;
  std::string previous;
  int line = 0;
  const auto finish = [&]() {
    if (word.size() >= 2) {
      counts[bucket("w:", word)] += 1;
      if (!previous.empty()) counts[bucket("b:", previous, word)] += 1;
      if (line < 12) counts[bucket("t:", word)] += 1;
      if (line < static_cast<int>(title_line.size()) && title_line[static_cast<std::size_t>(line)]) {
        counts[bucket("T:", word)] += 3;  // a title says more than a word of the body
      }
      const std::string padded = " " + word + " ";
      for (std::size_t n : {3U, 5U}) {
        for (std::size_t i = 0; i + n <= padded.size(); ++i) {
          counts[bucket("c:", std::string_view(padded).substr(i, n))] += 1;
        }
      }
      previous = word;
    }
    word.clear();
  };
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') {
      word += c;
    } else if (c >= '0' && c <= '9') {
      word += '0';  // numbers differ, their shape does not
    } else {
      finish();
      if (c == '\n') ++line;
    }
  }
  finish();
  return counts;
}

}  // namespace detail

namespace {

Error bad_model(const std::string& what) {
  return Error{ErrorCode::kCorrupt, "the document-type model is damaged: " + what +
                                        " (rebuild it with `chartroom train-types`)"};
}

}  // namespace

std::vector<std::pair<std::string, double>> TypeModel::predict(std::string_view text) const {
  auto counts = detail::type_features(text);
  // Sublinear TF-IDF over the kept features, L2-normalised.
  std::vector<std::pair<std::size_t, double>> x;
  double norm = 0;
  for (const auto& [b, count] : counts) {
    auto it = std::ranges::lower_bound(idf_, b, {}, &std::pair<std::uint32_t, float>::first);
    if (it == idf_.end() || it->first != b) continue;
    const double v = (1.0 + std::log(count)) * it->second;
    x.emplace_back(static_cast<std::size_t>(it - idf_.begin()), v);
    norm += v * v;
  }
  norm = norm > 0 ? std::sqrt(norm) : 1;
  std::vector<double> scores(bias_.begin(), bias_.end());
  for (const auto& [i, v] : x) {
    const std::vector<float>& w = weights_[i];
    if (w.empty()) continue;
    for (std::size_t k = 0; k < scores.size(); ++k) scores[k] += w[k] * v / norm;
  }
  double top = -1e300;
  for (double s : scores) top = std::max(top, s / temperature_);
  double total = 0;
  for (double& s : scores) total += (s = std::exp(s / temperature_ - top));
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t k = 0; k < scores.size(); ++k) out.emplace_back(labels_[k], scores[k] / total);
  std::ranges::sort(out, [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string TypeModel::serialize() const {
  std::ostringstream out;
  out << "chartroom-type-model 1\n";
  out << "buckets " << detail::kTypeBuckets << "\n";
  out << "labels";
  for (const std::string& l : labels_) out << ' ' << l;
  out << "\ntemperature " << temperature_ << "\nbias";
  for (float b : bias_) out << ' ' << b;
  out << "\nfeatures " << idf_.size() << "\n";
  // One line a feature: bucket, idf, then label:weight for non-zero weights.
  char buffer[64];
  for (std::size_t i = 0; i < idf_.size(); ++i) {
    std::snprintf(buffer, sizeof buffer, "%u %.3g", idf_[i].first, static_cast<double>(idf_[i].second));
    out << buffer;
    for (std::size_t k = 0; k < weights_[i].size(); ++k) {
      if (weights_[i][k] == 0) continue;
      std::snprintf(buffer, sizeof buffer, " %zu:%.4g", k, static_cast<double>(weights_[i][k]));
      out << buffer;
    }
    out << '\n';
  }
  return out.str();
}

Result<TypeModel> TypeModel::parse(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string word;
  int version = 0;
  if (!(in >> word >> version) || word != "chartroom-type-model" || version != 1) {
    return std::unexpected(bad_model("it does not start with \"chartroom-type-model 1\""));
  }
  std::uint32_t buckets = 0;
  if (!(in >> word >> buckets) || word != "buckets" || buckets != detail::kTypeBuckets) {
    return std::unexpected(bad_model("its feature hashing does not match this chartroom"));
  }
  TypeModel m;
  std::string line;
  std::getline(in, line);
  if (!std::getline(in, line) || !line.starts_with("labels ")) return std::unexpected(bad_model("no labels line"));
  {
    std::istringstream labels(line.substr(7));
    for (std::string l; labels >> l;) m.labels_.push_back(l);
  }
  if (m.labels_.empty()) return std::unexpected(bad_model("no labels"));
  if (!(in >> word >> m.temperature_) || word != "temperature" || !(m.temperature_ > 0)) {
    return std::unexpected(bad_model("no temperature"));
  }
  if (!(in >> word) || word != "bias") return std::unexpected(bad_model("no bias line"));
  m.bias_.resize(m.labels_.size());
  for (float& b : m.bias_) {
    if (!(in >> b)) return std::unexpected(bad_model("short bias line"));
  }
  std::size_t count = 0;
  if (!(in >> word >> count) || word != "features" || count > detail::kTypeBuckets) {
    return std::unexpected(bad_model("no feature count"));
  }
  std::getline(in, line);
  m.idf_.reserve(count);
  m.weights_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::getline(in, line)) return std::unexpected(bad_model("it ends after " + std::to_string(i) + " features"));
    std::istringstream f(line);
    std::uint32_t b = 0;
    float idf = 0;
    if (!(f >> b >> idf) || b >= detail::kTypeBuckets) {
      return std::unexpected(bad_model("feature line " + std::to_string(i + 1) + " is not \"bucket idf ...\""));
    }
    if (!m.idf_.empty() && b <= m.idf_.back().first) return std::unexpected(bad_model("features out of order"));
    std::vector<float> w;
    for (std::string pair; f >> pair;) {
      const auto colon = pair.find(':');
      std::size_t k = 0;
      float v = 0;
      try {
        k = std::stoul(pair.substr(0, colon));
        v = std::stof(pair.substr(colon + 1));
      } catch (...) {
        return std::unexpected(bad_model("bad weight on feature line " + std::to_string(i + 1)));
      }
      if (colon == std::string::npos || k >= m.labels_.size()) {
        return std::unexpected(bad_model("bad weight on feature line " + std::to_string(i + 1)));
      }
      if (w.empty()) w.assign(m.labels_.size(), 0);
      w[k] = v;
    }
    m.idf_.emplace_back(b, idf);
    m.weights_.push_back(std::move(w));
  }
  return m;
}

Result<TypeModel> TypeModel::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kNotFound, "cannot open the document-type model " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  auto model = parse(content.str());
  if (!model) return fail(model.error().code, path.string() + ": " + model.error().message);
  return model;
}

}  // namespace chartroom::classify
