// Writes the labelled corpus the default document-type model is trained on
// (JSON Lines for `chartroom train-types`): MTSamples rows mapped to the label
// set, minus every fifth row (kept for bench/classify_bench, which the model
// must never have seen), plus generated form pages.
//   chartroom-type-corpus [MTSAMPLES_CSV] > corpus.jsonl
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"

using namespace chartroom;

int main(int argc, char** argv) {
  const std::filesystem::path csv = argc > 1 ? std::filesystem::path(argv[1])
                                             : testgen::shared_data_dir() / "mtsamples_dev.csv";
  const std::vector<testgen::Sample> samples = testgen::load_samples(csv);
  const std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::set<std::string> seen;
  std::map<std::string, int> counts;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i % 5 == 0) continue;  // held out for the bench
    const std::string label = testgen::sample_doc_type(samples[i]);
    if (label.empty()) continue;
    std::string text = samples[i].title + "\n";
    for (const std::string& p : samples[i].paragraphs) text += p + "\n";
    if (!seen.insert(text).second) continue;  // the same note under several specialties
    std::cout << nlohmann::json{{"label", label}, {"text", text}}.dump() << "\n";
    ++counts[label];
  }
  for (std::string_view type : testgen::form_types()) {
    for (std::uint64_t k = 0; k < 120; ++k) {
      const Patient& p = patients[k % patients.size()];
      std::string text = testgen::form_title(type, k) + "\n";
      for (const std::string& para : testgen::form_paragraphs(type, p, 1000 + k)) text += para + "\n";
      std::cout << nlohmann::json{{"label", std::string(type)}, {"text", text}}.dump() << "\n";
      ++counts[std::string(type)];
    }
  }
  for (const auto& [label, n] : counts) std::cerr << label << ": " << n << "\n";
  return 0;
}
