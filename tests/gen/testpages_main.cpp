// chartroom-testpages: writes a sample scanning batch (scans, roster, truth)
// built from synthetic patients and MTSamples notes.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace fs = std::filesystem;
using namespace chartroom;
using namespace chartroom::testgen;

namespace {

constexpr std::string_view kHelp = R"(chartroom-testpages - write a sample batch of synthetic scanned chart pages

Usage:
  chartroom-testpages --out DIR [--documents N] [--seed S] [--degraded] [--data DIR]
  chartroom-testpages --sample-page FILE.png [--seed S]

Builds paper charts for invented patients (Synthea) with real clinical text
(MTSamples), prints them with real fonts at 300 dpi and "scans" them the way a
scanning room's scanners would. Use it to try chartroom end to end without
touching real patient records: nothing in the output is about a real person.

Writes into DIR:
  roster.csv     the patient index to import first (mrn,family_name,given_name,
                 middle_name,birth_date,sex): every patient in the batch except
                 one, plus about 20 who have no pages
  batch/         what a scanner would drop into a watched folder:
                   scan_NNNN.tif          one multi-page TIFF per document, a mix
                                          of bilevel CCITT G4, LZW grayscale and
                                          JPEG-in-TIFF, 1 to 3 pages each, with a
                                          little skew both ways and scanner noise
                   clinic_scan_0003/      one document as single-page PNG/JPEG
                                          images (page_1.png, page_2.jpg, ...)
                 the last document's patient is NOT in the roster, so chartroom
                 should send it to review rather than file it
  truth.json     the answer key: per document its patient MRN, title and
                 specialty; per page its file, page index, skew, orientation
                 and the exact text printed on it

Options:
  --out DIR          output folder (created; existing files are overwritten)
  --documents N      number of documents, 1..500 (default 8)
  --seed S           random seed; the same seed writes the same batch (default 1)
  --degraded         harder scans: more skew (up to 3.5 degrees), heavier
                     noise and specks, blur, gray paper, dark scanner edges,
                     one page fed upside down and one document at 200 dpi
  --data DIR         folder with patients_dev.csv and mtsamples_dev.csv
                     (default: the repository's ../shared/data; built-in
                     patients and notes are used when the files are missing)
  --sample-page FILE write one clean, unskewed page as PNG to FILE and its
                     text to FILE.txt (for checking fonts and OCR accuracy)
  -h, --help         show this help

Exit status: 0 on success, 1 when a file could not be written, 2 on a usage error.
)";

struct Options {
  fs::path out;
  fs::path data = shared_data_dir();
  fs::path sample_page;
  int documents = 8;
  std::uint32_t seed = 1;
  bool degraded = false;
};

int usage_error(std::string_view message) {
  std::fprintf(stderr, "chartroom-testpages: %.*s\nTry 'chartroom-testpages --help'.\n",
               static_cast<int>(message.size()), message.data());
  return 2;
}

template <typename T>
bool parse_number(std::string_view text, T& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

const char* encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kTiffG4: return "tiff-g4";
    case Encoding::kTiffLzw: return "tiff-lzw";
    case Encoding::kTiffJpeg: return "tiff-jpeg";
    case Encoding::kTiffNone: return "tiff";
    case Encoding::kPng: return "png";
    case Encoding::kJpeg: return "jpeg";
    case Encoding::kPdfG4: return "pdf-g4";
    case Encoding::kPdfJpeg: return "pdf-jpeg";
  }
  return "unknown";
}

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

std::string four_digits(int value) {
  std::string text = std::to_string(value);
  return std::string(text.size() < 4 ? 4 - text.size() : 0, '0') + text;
}

int write_sample_page(const Options& options) {
  PageSpec spec;
  spec.patient = load_patients(options.data / "patients_dev.csv").front();
  const auto samples = load_samples(options.data / "mtsamples_dev.csv", 40);
  const Sample& sample = samples[options.seed % samples.size()];
  spec.title = sample.title;
  spec.paragraphs = sample.paragraphs;
  const RenderedPage page = render_page(spec);
  if (Status s = write_pages({page.image}, options.sample_page, Encoding::kPng); !s) {
    std::fprintf(stderr, "chartroom-testpages: %s\n", s.error().message.c_str());
    return 1;
  }
  const std::string text = page.ground_truth + "\n";
  fs::path truth = options.sample_page;
  truth += ".txt";
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  if (Status s = write_file_atomic(truth, {bytes, text.size()}, 0644); !s) {
    std::fprintf(stderr, "chartroom-testpages: %s\n", s.error().message.c_str());
    return 1;
  }
  std::printf("wrote %s and %s\n", options.sample_page.c_str(), truth.c_str());
  return 0;
}

int write_batch(const Options& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Patient> patients = load_patients(options.data / "patients_dev.csv");
  std::vector<Sample> samples = load_samples(options.data / "mtsamples_dev.csv", 400);
  detail::Rng rng(options.seed);
  // Deterministic shuffles (Fisher-Yates over our own generator).
  auto shuffle = [&rng](auto& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
  };
  shuffle(patients);
  shuffle(samples);

  const int documents = options.documents;
  // The last patient after the shuffle owns the last document and stays out of
  // the roster; documents cycle through the others.
  const bool with_unknown = documents >= 2 && patients.size() >= 2;
  const std::size_t pool = with_unknown ? patients.size() - 1 : patients.size();
  auto patient_for = [&](int doc) -> const Patient& {
    if (with_unknown && doc == documents - 1) return patients.back();
    return patients[static_cast<std::size_t>(doc) % pool];
  };
  const std::vector<Patient> roster(
      patients.begin(),
      patients.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(pool, static_cast<std::size_t>(documents) + 20)));

  const fs::path batch = options.out / "batch";
  std::error_code ec;
  fs::create_directories(batch, ec);
  if (ec) {
    std::fprintf(stderr, "chartroom-testpages: cannot create %s: %s\n", batch.c_str(), ec.message().c_str());
    return 1;
  }
  auto report = [](const Status& status) {
    if (!status) std::fprintf(stderr, "chartroom-testpages: %s\n", status.error().message.c_str());
    return static_cast<bool>(status);
  };

  static constexpr std::string_view kFacilities[] = {"Riverside General Hospital", "Northgate Family Clinic",
                                                     "St. Brendan Medical Center", "Lakeview Specialty Associates"};
  static constexpr Encoding kEncodings[] = {Encoding::kTiffG4, Encoding::kTiffLzw, Encoding::kTiffJpeg};
  nlohmann::json truth_docs = nlohmann::json::array();
  int page_total = 0;
  std::size_t next_sample = 0;
  for (int doc = 0; doc < documents; ++doc) {
    const Patient& patient = patient_for(doc);
    PageSpec spec;
    spec.patient = patient;
    spec.facility = std::string(kFacilities[rng.below(std::size(kFacilities))]);
    spec.date = two_digits(1 + static_cast<int>(rng.below(12))) + "/" +
                two_digits(1 + static_cast<int>(rng.below(28))) + "/" +
                std::to_string(2022 + static_cast<int>(rng.below(3)));
    // 1 to 3 pages; the image-folder document needs two pages for its PNG and JPEG.
    const int wanted = doc == 2 ? 2 + static_cast<int>(rng.below(2)) : 1 + static_cast<int>(rng.below(3));
    // Take the next note that fills exactly that many pages; after a while settle
    // for one that has to be cut short.
    std::vector<RenderedPage> pages;
    const Sample* chosen = nullptr;
    for (int tries = 0; tries < 80; ++tries) {
      const Sample& candidate = samples[next_sample++ % samples.size()];
      spec.title = candidate.title;
      spec.paragraphs = candidate.paragraphs;
      pages = render_document(spec, tries + 1 < 80 ? wanted + 1 : wanted);
      chosen = &candidate;
      if (static_cast<int>(pages.size()) == wanted || tries + 1 == 80) break;
    }
    const Sample& sample = *chosen;

    const std::string name = (doc == 2 ? "clinic_scan_" : "scan_") + four_digits(doc + 1);
    const bool image_folder = doc == 2;
    const Encoding encoding = image_folder ? Encoding::kPng : kEncodings[doc % 3];
    const int dpi = options.degraded && doc == 5 ? 200 : 300;
    if (image_folder) fs::create_directories(batch / name, ec);

    nlohmann::json truth_pages = nlohmann::json::array();
    std::vector<Image> scans;
    for (std::size_t p = 0; p < pages.size(); ++p) {
      ScanDefects defects;
      const double max_skew = options.degraded ? 3.5 : 1.2;
      defects.skew_degrees = std::round(rng.uniform(-max_skew, max_skew) * 100) / 100;
      defects.noise_sigma = options.degraded ? 8 : 3;
      defects.blur_sigma = options.degraded ? 1.0 : 0.5;
      defects.background = options.degraded ? 230 + static_cast<int>(rng.below(15)) : 250;
      defects.speckle_density = options.degraded ? 2e-5 : 0;
      defects.dark_border = options.degraded && doc % 2 == 1;
      defects.orientation = options.degraded && doc == 1 && p + 1 == pages.size() ? 180 : 0;
      defects.output_dpi = dpi;
      defects.bilevel = encoding == Encoding::kTiffG4;
      const std::uint32_t page_seed = options.seed * 7919u + static_cast<std::uint32_t>(doc * 100 + static_cast<int>(p));
      Image scanned = scan(pages[p].image, defects, page_seed);

      std::string file = "batch/" + name + ".tif";
      if (image_folder) {
        const bool jpeg = p % 2 == 1;
        file = "batch/" + name + "/page_" + std::to_string(p + 1) + (jpeg ? ".jpg" : ".png");
        if (!report(write_pages({scanned}, options.out / file, jpeg ? Encoding::kJpeg : Encoding::kPng))) return 1;
      } else {
        scans.push_back(std::move(scanned));
      }
      truth_pages.push_back({{"file", file},
                             {"index", image_folder ? 0 : static_cast<int>(p)},
                             {"skew_degrees", defects.skew_degrees},
                             {"orientation", defects.orientation},
                             {"dpi", dpi},
                             {"bilevel", defects.bilevel},
                             {"ground_truth", pages[p].ground_truth}});
      ++page_total;
    }
    if (!image_folder && !report(write_pages(scans, options.out / ("batch/" + name + ".tif"), encoding))) return 1;

    const bool in_roster = !(with_unknown && doc == documents - 1);
    truth_docs.push_back({{"name", name},
                          {"encoding", image_folder ? "png+jpeg" : encoding_name(encoding)},
                          {"mrn", patient.mrn},
                          {"in_roster", in_roster},
                          {"patient",
                           {{"family_name", patient.family_name},
                            {"given_name", patient.given_name},
                            {"birth_date", patient.birth_date},
                            {"sex", std::string(1, patient.sex)}}},
                          {"title", sample.title},
                          {"specialty", sample.specialty},
                          {"pages", std::move(truth_pages)}});
  }

  if (!report(write_roster_csv(roster, options.out / "roster.csv"))) return 1;
  const nlohmann::json truth = {{"generator", "chartroom-testpages"},
                                {"seed", options.seed},
                                {"degraded", options.degraded},
                                {"roster", "roster.csv"},
                                {"documents", std::move(truth_docs)}};
  const std::string text = truth.dump(2) + "\n";
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  if (!report(write_file_atomic(options.out / "truth.json", {bytes, text.size()}, 0644))) return 1;

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("wrote %d documents (%d pages) to %s in %.1f s; roster has %zu patients\n", documents, page_total,
              options.out.c_str(), seconds, roster.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (arg == "-h" || arg == "--help") {
      std::fwrite(kHelp.data(), 1, kHelp.size(), stdout);
      return 0;
    } else if (arg == "--out") {
      if (!value(v)) return usage_error("--out needs a folder");
      options.out = v;
    } else if (arg == "--data") {
      if (!value(v)) return usage_error("--data needs a folder");
      options.data = v;
    } else if (arg == "--sample-page") {
      if (!value(v)) return usage_error("--sample-page needs a file name");
      options.sample_page = v;
    } else if (arg == "--documents") {
      if (!value(v) || !parse_number(v, options.documents) || options.documents < 1 || options.documents > 500) {
        return usage_error("--documents needs a number from 1 to 500");
      }
    } else if (arg == "--seed") {
      if (!value(v) || !parse_number(v, options.seed)) return usage_error("--seed needs a non-negative number");
    } else if (arg == "--degraded") {
      options.degraded = true;
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!options.sample_page.empty()) return write_sample_page(options);
  if (options.out.empty()) return usage_error("--out DIR is required");
  return write_batch(options);
}
