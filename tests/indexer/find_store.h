// A small store to find things in (search and the patient index), made
// through Store's own API: seven patients, five documents.
//   M100 Smith, John 1950-03-02   doc_a filed progress_note, 2 pages (hypertension; hyperthyroid)
//   M101 SMITH, Joan 1962-07-15   doc_b filed lab_result (hypertensive)
//   M102 Smithers, Wayland 1950-03-02   doc_e filed lab_result (hypothermia)
//   M200 De La Cruz, Maria 1980-01-01
//   M300 doe, jane 1990-12-31 (stored in lower case)
//   000123 Brown, Alice; 000124 Brown, Bob
//   doc_c in review, no patient, discharge_summary (hypertension and diabetes)
//   doc_d in review, candidate M100, no type (hyperbaric)
#pragma once

#include <filesystem>

#include "indexer/indexer.h"

namespace chartroom::indexer::testing {

// Makes the store at `root` (page PDFs under `work`); false with a message on failure.
Status make_find_store(Store& store, const std::filesystem::path& work);

}  // namespace chartroom::indexer::testing
