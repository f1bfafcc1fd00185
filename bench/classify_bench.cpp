// Evaluation of classify/ over generated batches: page text as OCR would give
// it (realistic noise: look-alike characters, dropped letters, split words),
// several patients per batch, identity traps, with and without separator
// sheets; the real decision (app::decide_documents) against a real store.
//   chartroom-classify-bench [--patients N] [--batches N] [--seed N] [--seeds K]
// --seeds K runs the batches K times, with seeds N to N+K-1, and reports the
// totals (one seed draws about 90 of the ~190 held-out notes).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "app/decide.h"
#include "tests/gen/page_text.h"
#include "tests/gen/testgen.h"

using namespace chartroom;
using Clock = std::chrono::steady_clock;

namespace {

struct TruthPage {
  int document = -1;      // global truth document number; -1 = separator
  std::string mrn;        // truth patient; empty when not in the index
  std::string type;
  std::string title;
};

struct Doc {
  Patient patient;
  bool in_index = true;
  std::string type;
  std::vector<std::string> paragraphs;
  std::string title;
  int style = 0;
  bool mrn_on_every_page = true;
};

std::string us_date(const std::string& iso, int style) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  const std::string y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
  if (style == 1) return std::string(kMonths[std::stoi(m) - 1]) + " " + std::to_string(std::stoi(d)) + ", " + y;
  if (style == 2) return iso;
  return m + "/" + d + "/" + y;
}

// The page texts of one document in one of a few house styles.
std::vector<std::string> render(const Doc& d, testgen::detail::Rng& rng) {
  const Patient& p = d.patient;
  std::vector<std::string> body = testgen::wrap_words(d.paragraphs, 95);
  if (body.size() > 150) body.resize(150);
  const std::size_t per_page = 22;
  const std::size_t n = std::max<std::size_t>(1, (body.size() + per_page - 1) / per_page);
  std::vector<std::string> pages;
  for (std::size_t k = 0; k < n; ++k) {
    std::string t;
    const bool ids = k == 0 || d.mrn_on_every_page;
    switch (d.style) {
      case 0:
        t += "Riverside General Hospital\n";
        t += "Patient: " + to_upper_ascii(p.family_name) + ", " + to_upper_ascii(p.given_name) + "\n";
        if (ids) t += "MRN: " + p.mrn + "\n";
        t += "DOB: " + us_date(p.birth_date, 0) + "\nDate of service: 03/14/2024\n";
        break;
      case 1:
        t += "Lakeside Family Clinic\n";
        t += "Name: " + p.given_name + " " + p.family_name + "   " + (ids ? "Med Rec #: " + p.mrn + "   " : "") +
             "DOB: " + us_date(p.birth_date, 1) + "\n";
        break;
      default:
        if (k == 0) {
          t += to_upper_ascii(p.family_name) + ", " + to_upper_ascii(p.given_name) + "\nAcct #: " + p.mrn +
               "\nDOB: " + us_date(p.birth_date, 2) + "\n";
        } else {
          t += "St. Mary Medical Center\n";
        }
        break;
    }
    if (k == 0) t += d.title + "\n";
    for (std::size_t i = k * per_page; i < std::min(body.size(), (k + 1) * per_page); ++i) t += body[i] + "\n";
    if (d.style != 1) t += "Page " + std::to_string(k + 1) + " of " + std::to_string(n) + "\n";
    pages.push_back(testgen::ocr_noise(t, rng, 0.01));
  }
  return pages;
}

std::string upper_title(std::string s) { return to_upper_ascii(s); }

}  // namespace

// Is a patient confidence of p right p of the time? Documents by the
// confidence of their suggested patient, with the share whose patient is right.
struct Reliability {
  static constexpr double kEdges[] = {0.0, 0.5, 0.8, 0.95, 0.99, 0.999, 1.0001};
  static constexpr int kBins = 6;
  int count[kBins] = {};
  int right[kBins] = {};
  double sum[kBins] = {};
  void add(double p, bool is_right) {
    int bin = 0;
    while (bin + 1 < kBins && p >= kEdges[bin + 1]) ++bin;
    ++count[bin];
    right[bin] += is_right ? 1 : 0;
    sum[bin] += p;
  }
  void print(std::ostream& out) const {
    out << "  patient confidence, predicted against observed (documents with a suggested patient):\n";
    for (int b = 0; b < kBins; ++b) {
      if (count[b] == 0) continue;
      char line[160];
      std::snprintf(line, sizeof line, "    %.3f-%.3f: %4d documents, mean confidence %.4f, right %.4f\n", kEdges[b],
                    std::min(1.0, kEdges[b + 1]), count[b], sum[b] / count[b],
                    static_cast<double>(right[b]) / count[b]);
      out << line;
    }
  }
};

int main(int argc, char** argv) {
  int padding = 200000;
  int batches = 30;
  std::uint64_t seed = 7;
  int seeds = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--patients") == 0) padding = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--batches") == 0) batches = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--seeds") == 0) seeds = std::max(1, std::stoi(argv[i + 1]));
  }
  testgen::detail::Rng rng(seed);
  std::vector<Patient> people = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  const auto samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv");
  // Rows the model never saw: chartroom-type-corpus leaves out every fifth row
  // and every other row with the same note.
  std::vector<std::pair<std::string, const testgen::Sample*>> held_out;
  const std::vector<std::string> sample_types = testgen::sample_doc_types(samples);
  for (std::size_t i = 0; i < samples.size(); i += 5) {
    const std::string& label = sample_types[i];
    if (!label.empty()) held_out.emplace_back(label, &samples[i]);
  }

  // The index: the Synthea patients, traps beside some of them, and padding.
  std::vector<Patient> index_rows;
  std::vector<Patient> missing;  // document patients not in the index
  int next_mrn = 90000000;
  const auto new_mrn = [&]() { return std::to_string(next_mrn++); };
  for (std::size_t i = 0; i < people.size(); ++i) {
    Patient p = people[i];
    if (i % 12 == 5) {
      missing.push_back(p);
      continue;
    }
    index_rows.push_back(p);
    if (i % 12 == 1) {  // a twin
      Patient twin = p;
      twin.mrn = new_mrn();
      twin.given_name = twin.given_name + "a";
      index_rows.push_back(twin);
    } else if (i % 12 == 2) {  // Jr./Sr.: same name, a parent 28 years older
      Patient senior = p;
      senior.mrn = new_mrn();
      senior.birth_date = std::to_string(std::stoi(p.birth_date.substr(0, 4)) - 28) + p.birth_date.substr(4);
      index_rows.push_back(senior);
    } else if (i % 12 == 3) {  // same name and date of birth, another person
      Patient same = p;
      same.mrn = new_mrn();
      index_rows.push_back(same);
    } else if (i % 12 == 4) {  // a near name, same date of birth
      Patient near = p;
      near.mrn = new_mrn();
      near.family_name = near.family_name.substr(0, near.family_name.size() - 1) + "e";
      index_rows.push_back(near);
    }
  }
  for (int k = 0; k < padding; ++k) {
    Patient p = people[static_cast<std::size_t>(k) % people.size()];
    p.mrn = std::to_string(10000000 + k);
    p.given_name = p.given_name + static_cast<char>('a' + k % 26);
    p.birth_date = std::to_string(1930 + k % 80) + p.birth_date.substr(4);
    index_rows.push_back(p);
  }

  const std::filesystem::path root = std::filesystem::temp_directory_path() / ("chartroom-classify-bench-" + std::to_string(seed));
  std::filesystem::remove_all(root);
  auto store = indexer::Store::open(root);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  auto t0 = Clock::now();
  if (auto r = (*store)->upsert_patients(index_rows); !r) {
    std::cerr << r.error().message << "\n";
    return 1;
  }
  const double import_s = std::chrono::duration<double>(Clock::now() - t0).count();

  int pages_total = 0, docs_total = 0, separators = 0;
  int misfiled = 0, filed_right = 0, fileable = 0, filed_docs = 0, type_right = 0, review_docs = 0;
  int boundary_tp = 0, boundary_fp = 0, boundary_fn = 0;
  double decide_s = 0;
  std::map<std::string, int> review_reasons;
  std::map<std::string, int> type_errors;  // "truth -> given" on filed documents
  Reliability reliability;                 // the patient confidence against the truth
  int doc_number = 0;
  int type_only_reviews = 0;  // documents in review only to choose their type
  for (int b = 0; b < batches * seeds; ++b) {
    if (b % batches == 0) rng = testgen::detail::Rng(seed + static_cast<std::uint64_t>(b / batches));
    const bool with_separators = b % 3 == 0;
    const int n_docs = 4 + static_cast<int>(rng.below(4));
    std::vector<PageText> texts;
    std::vector<TruthPage> truth;
    std::vector<const Patient*> batch_patients;
    for (int k = 0; k < 2 + static_cast<int>(rng.below(3)); ++k) {
      const bool is_missing = rng.uniform() < 0.06;
      batch_patients.push_back(is_missing ? &missing[rng.below(missing.size())] : &people[rng.below(people.size())]);
    }
    for (int d = 0; d < n_docs; ++d) {
      Doc doc;
      doc.patient = *batch_patients[rng.below(batch_patients.size())];
      doc.in_index = std::ranges::none_of(missing, [&](const Patient& m) { return m.mrn == doc.patient.mrn; });
      if (rng.uniform() < 0.35) {
        const std::string type(testgen::form_types()[rng.below(4)]);
        const std::uint64_t s = 500000 + rng.below(100000);
        doc.type = type;
        doc.title = testgen::form_title(type, s);
        doc.paragraphs = testgen::form_paragraphs(type, doc.patient, s);
      } else {
        const auto& [label, sample] = held_out[rng.below(held_out.size())];
        doc.type = label;
        doc.title = upper_title(sample->title);
        doc.paragraphs = sample->paragraphs;
      }
      doc.style = static_cast<int>(rng.below(3));
      doc.mrn_on_every_page = rng.uniform() < 0.7;
      if (with_separators) {
        PageText sheet;
        sheet.barcodes.push_back({"Code39", "CHARTROOM-SEP", {}});
        texts.push_back(sheet);
        truth.push_back({-1, "", "", ""});
        ++separators;
      }
      for (std::string& t : render(doc, rng)) {
        PageText page;
        page.text = std::move(t);
        texts.push_back(std::move(page));
        truth.push_back({doc_number, doc.in_index ? doc.patient.mrn : std::string(), doc.type, doc.title});
      }
      ++doc_number;
      ++docs_total;
    }
    std::vector<indexer::PageRecord> records(texts.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].ref = {"batch" + std::to_string(b) + ".tif", static_cast<int>(i)};
      records[i].state = PageState::kRead;
    }
    pages_total += static_cast<int>(texts.size());
    app::StoreIndex index(**store);
    const bool verbose = std::getenv("BENCH_VERBOSE") != nullptr;
    // What the splitter sees (decide_documents takes the texts).
    const classify::Segmentation seen = verbose ? classify::split_documents(texts) : classify::Segmentation{};
    std::vector<std::string> ids_read(verbose ? texts.size() : 0);
    for (std::size_t i = 0; i < ids_read.size(); ++i) {
      for (const classify::Identifier& id : classify::find_identifiers(texts[i], 0)) {
        ids_read[i] += " " + std::string(classify::identifier_kind_name(id.kind)) + "=" + id.value + " [" + id.text + "]";
      }
    }
    const auto t1 = Clock::now();
    const auto documents = app::decide_documents(records, texts, index, "bench" + std::to_string(b), {});
    decide_s += std::chrono::duration<double>(Clock::now() - t1).count();

    // Boundaries: first content page of each document (but the batch's first).
    std::set<int> truth_starts, predicted_starts;
    int first_content = -1;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      if (truth[i].document < 0) continue;
      if (first_content < 0) {
        first_content = static_cast<int>(i);
      } else {
        int prev = static_cast<int>(i) - 1;
        while (prev >= 0 && truth[static_cast<std::size_t>(prev)].document < 0) --prev;
        if (truth[static_cast<std::size_t>(prev)].document != truth[i].document) truth_starts.insert(static_cast<int>(i));
      }
    }
    for (const indexer::DocumentRecord& d : documents) {
      if (!d.pages.empty() && d.pages.front() != first_content) predicted_starts.insert(d.pages.front());
    }
    for (int s : predicted_starts) (truth_starts.contains(s) ? boundary_tp : boundary_fp)++;
    for (int s : truth_starts) boundary_fn += predicted_starts.contains(s) ? 0 : 1;
    if (verbose) {
      // What the splitter saw at each wrong boundary.
      const auto cues = [&](int page) {
        std::string out;
        for (const classify::Boundary& cue : seen.boundaries) {
          if (cue.page != page) continue;
          out = " (p=" + std::to_string(cue.probability) + ":";
          for (const std::string& r : cue.reasons) out += " " + r + ";";
          out += ")";
        }
        return out;
      };
      for (int s : predicted_starts) {
        if (truth_starts.contains(s)) continue;
        std::cout << "  false boundary: batch " << b << " page " << s << " inside "
                  << truth[static_cast<std::size_t>(s)].title << cues(s) << "\n    read:" << ids_read[static_cast<std::size_t>(s)]
                  << "\n    before:" << ids_read[static_cast<std::size_t>(s - 1)] << "\n";
      }
      for (int s : truth_starts) {
        if (predicted_starts.contains(s)) continue;
        std::cout << "  missed boundary: batch " << b << " page " << s << " before "
                  << truth[static_cast<std::size_t>(s)].title << cues(s) << "\n";
      }
    }

    std::set<int> batch_truth_docs;
    for (const TruthPage& t : truth) {
      if (t.document >= 0) batch_truth_docs.insert(t.document);
    }
    for (int td : batch_truth_docs) {
      for (const TruthPage& t : truth) {
        if (t.document == td) {
          fileable += t.mrn.empty() ? 0 : 1;
          break;
        }
      }
    }
    for (const indexer::DocumentRecord& d : documents) {
      std::set<int> docs_in;
      std::set<std::string> mrns;
      for (int p : d.pages) {
        docs_in.insert(truth[static_cast<std::size_t>(p)].document);
        mrns.insert(truth[static_cast<std::size_t>(p)].mrn);
      }
      const TruthPage& first = truth[static_cast<std::size_t>(d.pages.front())];
      if (d.patient) {
        const bool right = mrns.size() == 1 && !first.mrn.empty() && d.patient->mrn == first.mrn;
        reliability.add(d.patient->confidence, right);
      }
      int truth_pages = 0;
      for (const TruthPage& t : truth) truth_pages += t.document == first.document ? 1 : 0;
      if (d.state == DocumentState::kFiled) {
        ++filed_docs;
        const bool right_patient = mrns.size() == 1 && !first.mrn.empty() && d.patient && d.patient->mrn == first.mrn;
        if (!right_patient) {
          ++misfiled;
          std::cout << "MISFILED: batch " << b << " pages";
          for (int p : d.pages) std::cout << " " << p;
          std::cout << " filed to a patient they do not belong to\n";
        } else if (docs_in.size() == 1 && static_cast<int>(d.pages.size()) == truth_pages) {
          ++filed_right;
        }
        if (d.doc_type && d.doc_type->label == first.type) {
          ++type_right;
        } else {
          ++type_errors[first.type + " -> " + (d.doc_type ? d.doc_type->label : std::string("- (no type)"))];
          if (std::getenv("BENCH_VERBOSE") != nullptr) {
            std::cout << "  wrong type: " << first.type << " -> " << (d.doc_type ? d.doc_type->label : "-") << " ("
                      << (d.doc_type ? d.doc_type->confidence : 0.0) << "): "
                      << first.title << "\n";
          }
        }
      } else {
        ++review_docs;
        if (d.review_reasons.size() == 1 && d.review_reasons[0].starts_with("its document type is not sure")) {
          ++type_only_reviews;
        }
        if (!d.review_reasons.empty()) {
          std::string r = d.review_reasons.front();
          if (std::getenv("BENCH_VERBOSE") != nullptr) std::cout << "  review: " << r << "\n";
          r = r.substr(0, std::min<std::size_t>(r.find_first_of("(:0123456789"), 60));
          ++review_reasons[r];
        }
      }
    }
  }
  const double f1 = 2.0 * boundary_tp / std::max(1, 2 * boundary_tp + boundary_fp + boundary_fn);
  std::cout << "classify bench (generated page text with OCR noise, seed " << seed
            << (seeds > 1 ? " to " + std::to_string(seed + static_cast<std::uint64_t>(seeds) - 1) : std::string()) << ")\n"
            << "  index: " << index_rows.size() << " patients, imported in " << import_s << " s\n"
            << "  batches " << batches * seeds << ", pages " << pages_total << " (" << separators << " separator sheets), documents "
            << docs_total << " (" << fileable << " whose patient is in the index)\n"
            << "  misfiled documents: " << misfiled << "\n"
            << "  filed automatically, whole and right: " << filed_right << " of " << fileable << " ("
            << 100.0 * filed_right / std::max(1, fileable) << "%)\n"
            << "  documents sent to review: " << review_docs << " (" << type_only_reviews
            << " of them only to choose the type)\n"
            << "  boundary F1: " << f1 << " (tp " << boundary_tp << ", fp " << boundary_fp << ", fn " << boundary_fn << ")\n"
            << "  type accuracy on filed documents: " << 100.0 * type_right / std::max(1, filed_docs) << "% ("
            << type_right << " of " << filed_docs << ")\n"
            << "  time per document (split, match, type): " << 1000.0 * decide_s / std::max(1, docs_total) << " ms\n";
  std::cout << "  review reasons (first of each document):\n";
  for (const auto& [r, n] : review_reasons) std::cout << "    " << n << "  " << r << "\n";
  reliability.print(std::cout);
  std::cout << "  wrong types on filed documents (truth -> given):\n";
  for (const auto& [what, n] : type_errors) std::cout << "    " << n << "  " << what << "\n";
  std::filesystem::remove_all(root);
  return misfiled == 0 ? 0 : 1;
}
