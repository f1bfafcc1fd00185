// `chartroom train-types`: builds a document-type model from labelled text.
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
              << "{\"label\": \"progress_note\", \"text\": \"...\"} per line)\n";
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> labelled;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      labelled.emplace_back(j.at("label").get<std::string>(), j.at("text").get<std::string>());
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
            << "Held out " << report.holdout_documents << " documents the model never saw: accuracy "
            << report.holdout_accuracy * 100 << "%; at confidence >= " << report.abstain_threshold << " it answers "
            << report.answered_share * 100 << "% of them, " << report.answered_accuracy * 100 << "% right.\n"
            << "Calibration temperature " << report.temperature << ". Model written to " << out.string() << " ("
            << text.size() / 1024 << " KiB).\n";
  for (const std::string& c : report.confusions) std::cout << "  confused: " << c << "\n";
  return 0;
}

}  // namespace chartroom::app
