// `chartroom train-types`: builds a document-type model from labelled text.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "classify/classify.h"

namespace chartroom::app {

int run_train_types(const std::filesystem::path& input, const std::filesystem::path& out, double holdout) {
  std::ifstream in(input);
  if (!in) {
    std::cerr << "chartroom: cannot open " << input.string() << " (a JSON Lines file: one "
              << "{\"label\": \"progress_note\", \"text\": \"...\"} per line, optionally with "
              << "\"source\": the note it was made from)\n";
    return 1;
  }
  std::vector<classify::LabelledText> labelled;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      labelled.push_back({j.at("label").get<std::string>(), j.at("text").get<std::string>(),
                          j.value("source", std::string())});
    } catch (const nlohmann::json::exception& e) {
      std::cerr << "chartroom: " << input.string() << ", line " << number
                << ": not {\"label\": ..., \"text\": ...} (" << e.what() << ")\n";
      return 1;
    }
  }
  classify::TrainOptions options;
  options.holdout = holdout;
  classify::TrainReport report;
  auto model = classify::train_type_model(labelled, options, &report);
  if (!model) {
    std::cerr << "chartroom: " << model.error().message << "\n";
    return 1;
  }
  const std::string text = model->serialize();
  if (auto s = write_file_atomic(out, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, 0644); !s) {
    std::cerr << "chartroom: " << s.error().message << "\n";
    return 1;
  }
  std::cout << "Trained on " << report.train_documents << " documents, " << model->labels().size()
            << " types, " << model->features() << " features (" << report.nonzero_weights << " non-zero weights).\n"
            << "Held out " << report.holdout_documents << " documents (" << report.holdout_sources
            << " source notes) the model never saw in any form: accuracy "
            << report.holdout_accuracy * 100 << "%; at confidence >= " << report.abstain_threshold << " it answers "
            << report.answered_share * 100 << "% of them, " << report.answered_accuracy * 100 << "% right.\n"
            << "Calibration temperature " << report.temperature << ". Model written to " << out.string() << " ("
            << text.size() / 1024 << " KiB).\n";
  std::cout << "Per type on the held-out documents (precision = right when given this type, recall = found "
            << "among documents of this type):\n";
  for (const classify::TrainReport::PerLabel& l : report.per_label) {
    std::printf("  %-22s held out %4d  precision %5.1f%%  recall %5.1f%%\n", l.label.c_str(), l.held,
                l.predicted == 0 ? 0.0 : 100.0 * l.right / l.predicted, l.held == 0 ? 0.0 : 100.0 * l.right / l.held);
  }
  for (const std::string& c : report.confusions) std::cout << "  confused: " << c << "\n";
  std::cout << "Calibration (held-out documents by the confidence of their best type):\n";
  for (const classify::TrainReport::Bin& b : report.calibration) {
    if (b.documents == 0) continue;
    std::printf("  %.1f-%.1f: %4d documents, %5.1f%% right\n", b.from, std::min(b.to, 1.0), b.documents,
                100.0 * b.right / b.documents);
  }
  return 0;
}

}  // namespace chartroom::app
