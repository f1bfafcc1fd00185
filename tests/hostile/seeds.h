// Seed corpora for the fuzzers (fuzz/), from the same generator as the tests.
#pragma once

#include <filesystem>

#include "tests/hostile/corpus.h"

namespace chartroom::hostile {

// Writes seeds/tiff, seeds/raster (PNG and JPEG), seeds/pdf, seeds/csv and seeds/fhir:
// the good originals, every damaged file of `corpus_files` sorted by format,
// and patient lists (good and with broken rows). Returns the number written.
int write_seeds(const Originals& originals, const std::filesystem::path& corpus_files,
                const std::filesystem::path& seeds);

}  // namespace chartroom::hostile
