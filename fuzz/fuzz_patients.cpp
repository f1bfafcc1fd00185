// libFuzzer target: the patient-index importers (CSV, or FHIR JSON when built
// without CHARTROOM_FUZZ_CSV). Any input must give patients or problems, never
// a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "indexer/indexer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chartroom;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<indexer::ImportProblem> problems;
#ifdef CHARTROOM_FUZZ_CSV
  auto patients = indexer::parse_patients_csv(text, problems);
#else
  auto patients = indexer::parse_patients_fhir(text, problems);
#endif
  if (patients) {
    for (const Patient& p : *patients) {
      if (p.mrn.empty()) __builtin_trap();  // a patient without an MRN must be a problem, not a patient
    }
  }
  return 0;
}
