// chartroom-hostile-corpus FOLDER: writes the hostile-input corpus into
// FOLDER/files (with FOLDER/outside for link targets) and the fuzzers' seed
// corpora into FOLDER/seeds/{tiff,raster,csv,fhir}: the good originals and
// every damaged file, sorted by the decoder that reads them.
#include <cstdio>
#include <exception>
#include <string>

#include "tests/hostile/corpus.h"
#include "tests/hostile/seeds.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: chartroom-hostile-corpus FOLDER\n"
                         "  writes FOLDER/files (bad inputs), FOLDER/outside and FOLDER/seeds/*\n");
    return 2;
  }
  try {
    namespace fs = std::filesystem;
    const fs::path root = argv[1];
    const auto originals = chartroom::hostile::make_originals();
    const auto cases = chartroom::hostile::write_corpus(originals, root / "files", root / "outside");
    const int seeds = chartroom::hostile::write_seeds(originals, root / "files", root / "seeds");
    std::printf("%zu bad inputs in %s, %d seeds in %s\n", cases.size(), (root / "files").c_str(), seeds,
                (root / "seeds").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chartroom-hostile-corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
