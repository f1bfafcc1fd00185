// Writes the labelled corpus the default document-type model is trained on
// (JSON Lines for `chartroom train-types`):
//  - MTSamples rows mapped to the label set, minus every fifth row and minus
//    every row whose note is the same as one of those (MTSamples lists many
//    notes under several specialties): the fifth rows are the notes
//    bench/classify_bench files, which the model must never have seen;
//  - generated form pages (lab results, medication lists, consent forms, face
//    sheets);
//  - generated letters and pathology reports (type_corpus_notes.cpp), and
//    emergency department and progress notes (type_corpus_visits.cpp): the
//    types MTSamples has few rows of.
// Each note is written as it was and as scanned pages read by OCR (page
// headers, patient stickers, footers, character noise; type_corpus_pages.cpp),
// all under one "source" so train-types holds them out together.
//   chartroom-type-corpus [MTSAMPLES_CSV] > corpus.jsonl
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "bench/type_corpus.h"
#include "tests/gen/testgen.h"

using namespace chartroom;

namespace {

// Seeds of this corpus; the bench draws from seed 7 and forms from 500000 up.
constexpr std::uint64_t kScanSeed = 0x51C0C0A7;
constexpr std::uint64_t kNoteSeed = 0x1E77E45;
constexpr int kScansPerNote = 2;
constexpr int kFormsPerType = 120;
constexpr int kLettersAndReports = 120;
constexpr std::uint64_t kVisitSeed = 0x5EE0F1CE;
constexpr int kVisits = 100;

std::string joined(const std::vector<std::string>& paragraphs) {
  std::string text;
  for (const std::string& p : paragraphs) text += p + "\n";
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path csv = argc > 1 ? std::filesystem::path(argv[1])
                                             : testgen::shared_data_dir() / "mtsamples_dev.csv";
  const std::vector<testgen::Sample> samples = testgen::load_samples(csv);
  const std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  testgen::detail::Rng scan_rng(kScanSeed);
  std::map<std::string, int> counts;
  int written = 0;
  const auto emit = [&](const std::string& label, const std::string& text, const std::string& source) {
    std::cout << nlohmann::json{{"label", label}, {"text", text}, {"source", source}}.dump() << "\n";
    ++counts[label];
    ++written;
  };
  // The note as it was (`with_clean`) and as scanned pages; a note written
  // for a patient carries that patient's header, any other a random one.
  const auto emit_note = [&](const std::string& label, const typecorpus::Note& note, const std::string& source,
                             bool with_clean, const Patient* owner) {
    if (with_clean) emit(label, (note.title.empty() ? "" : note.title + "\n") + joined(note.paragraphs), source);
    for (int k = 0; k < kScansPerNote; ++k) {
      const Patient& p = owner != nullptr ? *owner : patients[scan_rng.below(patients.size())];
      emit(label, typecorpus::as_scanned(note, p, scan_rng), source);
    }
  };

  std::set<std::string> bench_notes;  // what the bench files: never trained on
  for (std::size_t i = 0; i < samples.size(); i += 5) bench_notes.insert(joined(samples[i].paragraphs));
  std::set<std::string> seen;
  int left_out = 0;
  const std::vector<std::string> sample_types = testgen::sample_doc_types(samples);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i % 5 == 0) continue;
    const std::string& label = sample_types[i];
    if (label.empty()) continue;
    const std::string body = joined(samples[i].paragraphs);
    if (bench_notes.contains(body)) {
      ++left_out;
      continue;
    }
    if (!seen.insert(body).second) continue;  // the same note under several specialties
    emit_note(label, {samples[i].title, samples[i].paragraphs}, "mtsamples:" + std::to_string(i), true, nullptr);
  }
  for (std::string_view type : testgen::form_types()) {
    for (std::uint64_t k = 0; k < kFormsPerType; ++k) {
      const Patient& p = patients[k % patients.size()];
      emit_note(std::string(type), {testgen::form_title(type, k), testgen::form_paragraphs(type, p, 1000 + k)},
                std::string(type) + ":" + std::to_string(k), true, &p);
    }
  }
  testgen::detail::Rng note_rng(kNoteSeed);
  for (int k = 0; k < kLettersAndReports; ++k) {
    const Patient& p = patients[note_rng.below(patients.size())];
    emit_note("correspondence", typecorpus::letter(p, note_rng), "letter:" + std::to_string(k), k % 3 == 0, &p);
    emit_note("pathology_report", typecorpus::pathology_report(p, note_rng), "pathology:" + std::to_string(k), k % 3 == 0,
              &p);
  }
  testgen::detail::Rng visit_rng(kVisitSeed);
  for (int k = 0; k < kVisits; ++k) {
    const Patient& p = patients[visit_rng.below(patients.size())];
    emit_note("emergency_note", typecorpus::emergency_note(p, visit_rng), "emergency:" + std::to_string(k), k % 3 == 0, &p);
    emit_note("progress_note", typecorpus::progress_note(p, visit_rng), "progress:" + std::to_string(k), k % 3 == 0, &p);
  }
  for (const auto& [label, n] : counts) std::cerr << label << ": " << n << "\n";
  std::cerr << written << " documents; " << left_out << " MTSamples rows left out because the bench files the same note\n";
  return 0;
}
