#include "tests/hostile/seeds.h"

#include <string>
#include <vector>

#include "tests/gen/testgen.h"

namespace chartroom::hostile {

namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

}  // namespace

int write_seeds(const Originals& o, const fs::path& corpus_files, const fs::path& seeds) {
  int written = 0;
  auto put = [&](const std::string& kind, const std::string& name, const std::vector<std::uint8_t>& bytes) {
    fs::create_directories(seeds / kind);
    write_file(seeds / kind / name, bytes);
    ++written;
  };
  put("tiff", "good-g4.tif", o.g4_tiff);
  put("tiff", "good-lzw.tif", o.lzw_tiff);
  put("tiff", "good-jpeg.tif", o.jpeg_tiff);
  put("raster", "good.png", o.png);
  put("raster", "good.jpg", o.jpeg);
  put("pdf", "good-g4.pdf", o.g4_pdf);
  put("pdf", "good-jpeg.pdf", o.jpeg_pdf);
  put("pdf", "locked.pdf", o.locked_pdf);
  put("pdf", "script.pdf", o.script_pdf);
  int n = 0;
  if (fs::is_directory(corpus_files)) {
    for (const auto& entry : fs::directory_iterator(corpus_files)) {
      if (entry.is_symlink() || !entry.is_regular_file()) continue;
      const auto bytes = read_file(entry.path());
      if (bytes.empty()) continue;
      const bool tiff = bytes.size() >= 2 && (bytes[0] == 'I' || bytes[0] == 'M');
      const bool pdf =
          bytes.size() >= 4 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F';
      put(tiff ? "tiff" : pdf ? "pdf" : "raster", "bad-" + std::to_string(++n), bytes);
    }
  }

  const auto patients = testgen::load_patients({});
  const fs::path roster = seeds / "csv" / "roster.csv";
  fs::create_directories(roster.parent_path());
  if (testgen::write_roster_csv(patients, roster)) ++written;
  put("csv", "broken.csv",
      bytes_of("mrn,family_name,given_name,birth_date,sex\n"
               "12345678,O'Brien,\"Mary, Jr\",1970-02-30,F\n"
               ",Nobody,,not-a-date,X\n"
               "\"unterminated,Quote,A,1980-01-01,M\n"
               "87654321,Smith,John,1980-01-01\n"));
  put("csv", "header-only.csv", bytes_of("mrn,family_name,given_name,birth_date,sex\n"));
  put("fhir", "bundle.json",
      bytes_of(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",)"
               R"("identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"12345678"}],)"
               R"("name":[{"family":"Smith","given":["Anna","B"]}],"birthDate":"1970-01-31","gender":"female"}},)"
               R"({"resource":{"resourceType":"Patient","name":[{"family":"NoMrn"}]}},)"
               R"({"resource":{"resourceType":"Observation"}}]})"));
  put("fhir", "not-a-bundle.json", bytes_of(R"({"resourceType":"Patient","entry":7})"));
  put("fhir", "deep.json", bytes_of(std::string(64, '[') + std::string(64, ']')));
  return written;
}

}  // namespace chartroom::hostile
