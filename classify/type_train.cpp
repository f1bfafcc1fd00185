// Training the document-type model with liblinear (L1-regularised logistic
// regression: sparse weights, a small model file), then calibrating its
// probabilities on held-out documents.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <linear.h>

#include "classify/classify.h"
#include "classify/type_features.h"

namespace chartroom::classify {

struct TypeModelBuilder {
  static std::vector<std::string>& labels(TypeModel& m) { return m.labels_; }
  static double& temperature(TypeModel& m) { return m.temperature_; }
  static std::vector<std::pair<std::uint32_t, float>>& idf(TypeModel& m) { return m.idf_; }
  static std::vector<std::vector<float>>& weights(TypeModel& m) { return m.weights_; }
  static std::vector<float>& bias(TypeModel& m) { return m.bias_; }
};

namespace {

void quiet(const char*) {}

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

Result<TypeModel> train_type_model(const std::vector<LabelledText>& labelled, const TrainOptions& options,
                                   TrainReport* report) {
  using B = TypeModelBuilder;
  // Source documents per label, in first-seen order; a document without a
  // source is a source of its own.
  std::map<std::string, std::vector<std::string>> sources_by_label;
  std::map<std::string, std::vector<std::size_t>> docs_by_source;
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    const std::string source = labelled[i].source.empty() ? "#" + std::to_string(i) : labelled[i].source;
    auto [it, fresh] = docs_by_source.try_emplace(source);
    if (fresh) sources_by_label[labelled[i].label].push_back(source);
    it->second.push_back(i);
  }
  if (sources_by_label.size() < 3) {
    return fail(ErrorCode::kInvalidArgument, "training needs at least 3 document types; the data has " +
                                                 std::to_string(sources_by_label.size()));
  }
  // Deterministic split per label by source document, so every label is
  // measured and no rendering of a held-out note is trained on.
  std::vector<std::size_t> train_docs;
  std::vector<std::size_t> held_docs;
  int held_sources = 0;
  std::uint64_t state = options.seed;
  for (auto& [label, sources] : sources_by_label) {
    for (std::size_t i = sources.size(); i > 1; --i) std::swap(sources[i - 1], sources[splitmix(state) % i]);
    const std::size_t held =
        sources.size() < 2 ? 0 : std::max<std::size_t>(1, static_cast<std::size_t>(sources.size() * options.holdout));
    for (std::size_t k = 0; k < sources.size(); ++k) {
      const std::vector<std::size_t>& docs = docs_by_source[sources[k]];
      (k < held ? held_docs : train_docs).insert((k < held ? held_docs : train_docs).end(), docs.begin(), docs.end());
    }
    held_sources += static_cast<int>(held);
  }
  std::ranges::sort(train_docs);
  std::ranges::sort(held_docs);
  TypeModel result;
  for (const auto& [label, sources] : sources_by_label) B::labels(result).push_back(label);
  const auto label_index = [&](const std::string& l) {
    return static_cast<int>(std::ranges::find(B::labels(result), l) - B::labels(result).begin());
  };

  std::vector<std::unordered_map<std::uint32_t, float>> features(labelled.size());
  for (std::size_t i = 0; i < labelled.size(); ++i) features[i] = detail::type_features(labelled[i].text);
  std::unordered_map<std::uint32_t, int> df;
  for (std::size_t i : train_docs) {
    for (const auto& [b, c] : features[i]) ++df[b];
  }
  std::vector<std::pair<std::uint32_t, int>> kept(df.begin(), df.end());
  std::erase_if(kept, [](const auto& p) { return p.second < 2; });
  std::ranges::sort(kept, [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  if (kept.size() > static_cast<std::size_t>(options.max_features)) kept.resize(static_cast<std::size_t>(options.max_features));
  std::ranges::sort(kept);
  const double n_train = static_cast<double>(train_docs.size());
  for (const auto& [b, d] : kept) {
    B::idf(result).emplace_back(b, static_cast<float>(std::log((n_train + 1) / (d + 1)) + 1));
  }
  std::unordered_map<std::uint32_t, int> column;
  for (std::size_t j = 0; j < kept.size(); ++j) column[kept[j].first] = static_cast<int>(j);

  // Sparse TF-IDF rows (1-based columns), with the bias column last.
  const int n_features = static_cast<int>(kept.size());
  const auto row = [&](std::size_t doc) {
    std::vector<feature_node> x;
    double norm = 0;
    for (const auto& [b, c] : features[doc]) {
      auto it = column.find(b);
      if (it == column.end()) continue;
      const double v = (1.0 + std::log(c)) * B::idf(result)[static_cast<std::size_t>(it->second)].second;
      x.push_back({it->second + 1, v});
      norm += v * v;
    }
    norm = norm > 0 ? std::sqrt(norm) : 1;
    for (feature_node& f : x) f.value /= norm;
    std::ranges::sort(x, [](const feature_node& a, const feature_node& b) { return a.index < b.index; });
    x.push_back({n_features + 1, 1.0});
    x.push_back({-1, 0});
    return x;
  };
  std::vector<std::vector<feature_node>> rows;
  std::vector<feature_node*> xs;
  std::vector<double> ys;
  for (std::size_t doc : train_docs) {
    rows.push_back(row(doc));
    ys.push_back(label_index(labelled[doc].label));
  }
  for (auto& r : rows) xs.push_back(r.data());
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = n_features + 1;
  prob.y = ys.data();
  prob.x = xs.data();
  prob.bias = -1;  // the bias is our own last column
  parameter param{};
  param.solver_type = L1R_LR;
  param.eps = 0.01;
  param.C = options.c;
  set_print_string_function(&quiet);
  if (const char* problem_text = check_parameter(&prob, &param)) {
    return fail(ErrorCode::kInternal, std::string("liblinear refused the training set-up: ") + problem_text);
  }
  std::unique_ptr<::model, void (*)(::model*)> trained(::train(&prob, &param), [](::model* m) { free_and_destroy_model(&m); });
  if (!trained) return fail(ErrorCode::kInternal, "liblinear could not train the model");
  const int classes = trained->nr_class;
  const std::size_t labels = B::labels(result).size();
  if (classes != static_cast<int>(labels)) {
    return fail(ErrorCode::kInvalidArgument, "every document type needs training documents");
  }
  B::weights(result).assign(kept.size(), {});
  B::bias(result).assign(labels, 0);
  int nonzero = 0;
  for (int k = 0; k < classes; ++k) {
    const std::size_t label = static_cast<std::size_t>(trained->label[k]);
    for (int j = 0; j < n_features; ++j) {
      const double w = trained->w[static_cast<std::size_t>(j) * static_cast<std::size_t>(classes) + static_cast<std::size_t>(k)];
      if (std::abs(w) < 1e-4) continue;
      auto& ws = B::weights(result)[static_cast<std::size_t>(j)];
      if (ws.empty()) ws.assign(labels, 0);
      ws[label] = static_cast<float>(w);
      ++nonzero;
    }
    B::bias(result)[label] = static_cast<float>(
        trained->w[static_cast<std::size_t>(n_features) * static_cast<std::size_t>(classes) + static_cast<std::size_t>(k)]);
  }
  // Features without any weight still count in the norm; keep their idf.

  // Calibration: the temperature that makes held-out probabilities honest.
  // Log-probabilities at temperature 1 are the scores less a constant, so the
  // held-out documents are read once and re-scaled for each temperature.
  B::temperature(result) = 1;
  std::vector<std::pair<std::vector<double>, std::size_t>> held_logp;  // per document: log p, index of its label
  for (std::size_t doc : held_docs) {
    std::vector<double> logp;
    std::size_t truth = 0;
    for (const auto& [label, p] : result.predict(labelled[doc].text)) {
      if (label == labelled[doc].label) truth = logp.size();
      logp.push_back(std::log(std::max(p, 1e-300)));
    }
    held_logp.emplace_back(std::move(logp), truth);
  }
  double best_nll = 1e300;
  double best_t = 1;
  for (double t = 0.05; t <= 4.0; t *= 1.15) {
    double nll = 0;
    for (const auto& [logp, truth] : held_logp) {
      double top = -1e300;
      for (double l : logp) top = std::max(top, l / t);
      double total = 0;
      for (double l : logp) total += std::exp(l / t - top);
      nll -= logp[truth] / t - top - std::log(total);
    }
    if (nll < best_nll) {
      best_nll = nll;
      best_t = t;
    }
  }
  B::temperature(result) = best_t;
  if (report != nullptr) {
    *report = TrainReport{};
    report->train_documents = static_cast<int>(train_docs.size());
    report->holdout_documents = static_cast<int>(held_docs.size());
    report->holdout_sources = held_sources;
    report->temperature = best_t;
    report->nonzero_weights = nonzero;
    int right = 0;
    int answered = 0;
    int answered_right = 0;
    std::map<std::string, int> confusions;
    std::map<std::string, TrainReport::PerLabel> per_label;
    for (const std::string& l : B::labels(result)) per_label[l].label = l;
    constexpr std::array<double, 9> kEdges = {0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001};
    for (std::size_t i = 0; i + 1 < kEdges.size(); ++i) report->calibration.push_back({kEdges[i], kEdges[i + 1], 0, 0});
    for (std::size_t doc : held_docs) {
      const auto p = result.predict(labelled[doc].text);
      const bool ok = p.front().first == labelled[doc].label;
      for (TrainReport::Bin& bin : report->calibration) {
        if (p.front().second >= bin.from && p.front().second < bin.to) {
          ++bin.documents;
          bin.right += ok ? 1 : 0;
        }
      }
      right += ok ? 1 : 0;
      ++per_label[labelled[doc].label].held;
      ++per_label[p.front().first].predicted;
      per_label[p.front().first].right += ok ? 1 : 0;
      if (!ok) ++confusions[labelled[doc].label + " -> " + p.front().first];
      if (p.front().second >= report->abstain_threshold) {
        ++answered;
        answered_right += ok ? 1 : 0;
      }
    }
    const double held = std::max<std::size_t>(1, held_docs.size());
    report->holdout_accuracy = right / held;
    report->answered_share = answered / held;
    report->answered_accuracy = answered == 0 ? 0 : static_cast<double>(answered_right) / answered;
    for (const auto& [what, n] : confusions) report->confusions.push_back(what + ": " + std::to_string(n));
    for (const auto& [label, counts] : per_label) report->per_label.push_back(counts);
  }
  return result;
}

}  // namespace chartroom::classify
