#include "find_store.h"

#include "test_util.h"

namespace chartroom::indexer::testing {
namespace fs = std::filesystem;

namespace {

struct Doc {
  const char* id;
  DocumentState state;
  const char* mrn;    // "" = none
  const char* label;  // "" = none
  std::vector<std::string> pages;
};

void add_document(BatchRecord& batch, const fs::path& work, const Doc& doc) {
  const std::string hash = hash_text(doc.id);
  const std::string source = std::string("scans/") + doc.id + ".tif";
  batch.files.push_back({source, hash, 100, static_cast<int>(doc.pages.size()), false, "", work / source});
  DocumentRecord record;
  record.id = doc.id;
  record.state = doc.state;
  if (*doc.mrn != '\0') record.patient = PatientRef{doc.mrn, 0.9};
  if (*doc.label != '\0') record.doc_type = DocTypeRef{doc.label, 0.8};
  if (doc.state == DocumentState::kReview) {
    record.review_reasons = {"the patient is not sure"};
    record.review_kinds = {"patient"};
  }
  for (std::size_t i = 0; i < doc.pages.size(); ++i) {
    PageRecord page;
    page.ref = {source, static_cast<int>(i)};
    page.file_hash = hash;
    page.state = doc.state == DocumentState::kFiled ? PageState::kFiled : PageState::kReview;
    page.text = doc.pages[i];
    page.page_pdf = work / (std::string(doc.id) + "-" + std::to_string(i) + ".pdf");
    make_page_pdf(page.page_pdf, "page " + std::to_string(i + 1));
    record.pages.push_back(static_cast<int>(batch.pages.size()));
    batch.pages.push_back(std::move(page));
  }
  batch.documents.push_back(std::move(record));
}

}  // namespace

Status make_find_store(Store& store, const fs::path& work) {
  fs::create_directories(work);
  const std::vector<Patient> patients{{"M100", "Smith", "John", "A", "1950-03-02", 'M'},
                                      {"M101", "SMITH", "Joan", "", "1962-07-15", 'F'},
                                      {"M102", "Smithers", "Wayland", "", "1950-03-02", 'M'},
                                      {"M200", "De La Cruz", "Maria", "", "1980-01-01", 'F'},
                                      {"M300", "doe", "jane", "", "1990-12-31", 'F'},
                                      {"000123", "Brown", "Alice", "", "1970-05-05", 'F'},
                                      {"000124", "Brown", "Bob", "", "1971-06-06", 'M'}};
  if (auto r = store.upsert_patients(patients); !r) return std::unexpected(r.error());
  BatchRecord batch;
  batch.name = "find_batch";
  const std::vector<Doc> docs{
      {"doc_a",
       DocumentState::kFiled,
       "M100",
       "progress_note",
       {"Follow up of essential hypertension, blood pressure 150/90",
        "History: hyperthyroid treated in 2001"}},
      {"doc_b",
       DocumentState::kFiled,
       "M101",
       "lab_result",
       {"Potassium normal; hypertensive crisis ruled out"}},
      {"doc_c", DocumentState::kReview, "", "discharge_summary", {"Admitted for hypertension and diabetes"}},
      {"doc_d", DocumentState::kReview, "M100", "", {"Hyperbaric oxygen therapy consent"}},
      {"doc_e",
       DocumentState::kFiled,
       "M102",
       "lab_result",
       {"Mild hypothermia on arrival: NEAR the door OR not"}},
  };
  for (const Doc& doc : docs) add_document(batch, work, doc);
  return store.file_batch(batch);
}

}  // namespace chartroom::indexer::testing
