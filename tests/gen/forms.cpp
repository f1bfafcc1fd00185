// Document types for the classifier: MTSamples rows mapped to chartroom's
// label set, and the form types MTSamples lacks generated from templates.
#include <array>
#include <algorithm>
#include <map>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

namespace {

bool has(std::string_view text, std::string_view what) { return to_upper_ascii(text).find(what) != std::string::npos; }

template <std::size_t N>
std::string_view pick(detail::Rng& rng, const std::array<std::string_view, N>& options) {
  return options[rng.below(N)];
}

std::string num(detail::Rng& rng, double lo, double hi, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, rng.uniform(lo, hi));
  return buffer;
}

}  // namespace

std::string sample_doc_type(const Sample& s) {
  const std::string all = s.paragraphs.empty() ? "" : s.paragraphs.front();
  std::string text;
  for (const std::string& p : s.paragraphs) text += p + " ";
  const std::string& sp = s.specialty;
  const std::string& name = s.title;
  if (sp == "Discharge Summary" || has(name, "DISCHARGE SUMMARY")) return "discharge_summary";
  if (sp == "Letters" || has(name, "LETTER")) return "correspondence";
  if (sp == "Emergency Room Reports" || has(name, "ER VISIT") || has(name, "EMERGENCY")) return "emergency_note";
  if (sp == "Lab Medicine - Pathology" || has(name, "PATHOLOGY") || has(text, "GROSS DESCRIPTION")) {
    return "pathology_report";
  }
  // A procedure with pre- and postoperative diagnoses is an operative report,
  // also under Radiology (image-guided procedures); radiation therapy plans
  // listed there are no imaging report and fit no type of the set.
  const bool procedure = has(text, "PREOPERATIVE DIAGNOS") && has(text, "POSTOPERATIVE DIAGNOS") &&
                         (has(text, "PROCEDURE") || has(text, "OPERATION"));
  if (sp == "Radiology" && !procedure) {
    const bool radiotherapy = has(text, "RADIOTHERAPY") || has(text, "RADIATION THERAPY") || has(text, "BRACHYTHERAPY");
    return radiotherapy ? "" : "radiology_report";
  }
  if (sp == "SOAP / Chart / Progress Notes" || sp == "Office Notes" || has(name, "PROGRESS NOTE") ||
      has(name, "SOAP")) {
    return "progress_note";
  }
  if (sp == "Consult - History and Phy." || has(name, "HISTORY AND PHYSICAL") || has(name, "H&P")) {
    return "history_and_physical";
  }
  if (procedure) return "operative_report";
  (void)all;
  return "";
}

namespace {

// A note laid out as SOAP (Subjective, Objective, Assessment, Plan) is a
// progress note, whichever specialty lists it.
bool soap_layout(const Sample& s) {
  bool subjective = false;
  bool objective = false;
  for (const std::string& p : s.paragraphs) {
    const std::string upper = to_upper_ascii(p);
    subjective = subjective || upper.starts_with("SUBJECTIVE") || upper.starts_with("S -") || upper.starts_with("S:");
    objective = objective || upper.starts_with("OBJECTIVE") || upper.starts_with("O -") || upper.starts_with("O:");
  }
  return subjective && objective;
}

// Order in which one note's candidate types win: a specific kind of document
// over a generic visit note, an image-guided procedure as an operative report.
int type_rank(std::string_view label) {
  static constexpr std::array<std::string_view, 8> kOrder = {
      "discharge_summary", "emergency_note", "operative_report",     "pathology_report",
      "radiology_report",  "correspondence", "history_and_physical", "progress_note"};
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == label) return static_cast<int>(i);
  }
  return static_cast<int>(kOrder.size());
}

}  // namespace

std::vector<std::string> sample_doc_types(const std::vector<Sample>& samples) {
  std::map<std::vector<std::string>, std::vector<std::size_t>> rows_of_note;
  for (std::size_t i = 0; i < samples.size(); ++i) rows_of_note[samples[i].paragraphs].push_back(i);
  std::vector<std::string> row_types;  // each row on its own
  row_types.reserve(samples.size());
  for (const Sample& sample : samples) row_types.push_back(sample_doc_type(sample));
  std::vector<std::string> labels(samples.size());
  for (const auto& [note, rows] : rows_of_note) {
    std::string best;
    for (std::size_t i : rows) {
      const std::string& label = row_types[i];
      if (!label.empty() && (best.empty() || type_rank(label) < type_rank(best))) best = label;
    }
    const auto listed_as = [&](std::string_view label) {
      return std::ranges::any_of(rows, [&](std::size_t i) { return row_types[i] == label; });
    };
    const Sample& s = samples[rows.front()];
    if (best == "history_and_physical" && listed_as("progress_note") && soap_layout(s)) best = "progress_note";
    // A specialist's consultation in the emergency room is a consult (filed
    // as a history and physical, as the title rules do), not the ED's note.
    if (best == "emergency_note" && listed_as("history_and_physical") &&
        (has(s.title, "CONSULT") || (!s.paragraphs.empty() && has(s.paragraphs.front(), "CONSULT")))) {
      best = "history_and_physical";
    }
    for (std::size_t i : rows) labels[i] = best;
  }
  return labels;
}

std::vector<std::string_view> form_types() { return {"lab_result", "medication_list", "consent_form", "face_sheet"}; }

std::string form_title(std::string_view type, std::uint64_t seed) {
  detail::Rng rng(seed);
  if (type == "lab_result") {
    return std::string(pick(rng, std::array<std::string_view, 4>{"LABORATORY RESULTS", "LAB RESULTS", "LABORATORY REPORT",
                                                                  "CHEMISTRY PANEL RESULTS"}));
  }
  if (type == "medication_list") {
    return std::string(pick(rng, std::array<std::string_view, 3>{"MEDICATION LIST", "MEDICATION RECONCILIATION",
                                                                  "CURRENT MEDICATIONS"}));
  }
  if (type == "consent_form") {
    return std::string(pick(rng, std::array<std::string_view, 4>{"CONSENT FOR SURGERY", "INFORMED CONSENT",
                                                                  "CONSENT FOR TREATMENT", "CONSENT FOR ANESTHESIA"}));
  }
  return std::string(pick(rng, std::array<std::string_view, 3>{"FACE SHEET", "PATIENT FACE SHEET", "REGISTRATION FACE SHEET"}));
}

std::vector<std::string> form_paragraphs(std::string_view type, const Patient& p, std::uint64_t seed) {
  detail::Rng rng(seed);
  std::vector<std::string> out;
  if (type == "lab_result") {
    static constexpr std::array<std::string_view, 14> kTests = {
        "Sodium", "Potassium", "Chloride", "CO2", "BUN", "Creatinine", "Glucose", "Calcium", "Hemoglobin",
        "Hematocrit", "WBC", "Platelets", "ALT", "AST"};
    static constexpr std::array<std::string_view, 14> kUnits = {"mmol/L", "mmol/L", "mmol/L", "mmol/L", "mg/dL",
                                                                "mg/dL", "mg/dL", "mg/dL", "g/dL", "%", "K/uL",
                                                                "K/uL", "U/L", "U/L"};
    out.push_back("SPECIMEN: " + std::string(pick(rng, std::array<std::string_view, 3>{"Blood, venous", "Serum", "Plasma"})) +
                  ". Collected " + std::to_string(1 + rng.below(12)) + "/" + std::to_string(1 + rng.below(28)) +
                  "/2024 " + std::to_string(6 + rng.below(12)) + ":" + std::to_string(10 + rng.below(49)) +
                  ". Ordering provider: Dr. X.");
    const std::size_t n = 6 + rng.below(8);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t t = rng.below(kTests.size());
      const bool flag = rng.uniform() < 0.2;
      out.push_back(std::string(kTests[t]) + " " + num(rng, 1, 150, 1) + " " + std::string(kUnits[t]) +
                    " Reference range " + num(rng, 1, 50, 1) + "-" + num(rng, 50, 160, 1) + (flag ? " H" : ""));
    }
    out.push_back("RESULT STATUS: Final. Results verified by laboratory technologist. Critical values called to "
                  "the ordering provider.");
  } else if (type == "medication_list") {
    static constexpr std::array<std::string_view, 16> kDrugs = {
        "Lisinopril 10 mg", "Metformin 500 mg", "Atorvastatin 40 mg", "Aspirin 81 mg", "Levothyroxine 50 mcg",
        "Amlodipine 5 mg", "Omeprazole 20 mg", "Metoprolol 25 mg", "Furosemide 20 mg", "Sertraline 50 mg",
        "Gabapentin 300 mg", "Warfarin 5 mg", "Insulin glargine 20 units", "Albuterol inhaler 2 puffs",
        "Prednisone 10 mg", "Hydrochlorothiazide 25 mg"};
    static constexpr std::array<std::string_view, 5> kSig = {"by mouth once daily", "by mouth twice daily",
                                                            "at bedtime", "every 6 hours as needed",
                                                            "subcutaneously at night"};
    out.push_back("ALLERGIES: " + std::string(pick(rng, std::array<std::string_view, 4>{"No known drug allergies",
                                                                                         "Penicillin (rash)",
                                                                                         "Sulfa drugs", "Codeine"})) + ".");
    const std::size_t n = 4 + rng.below(8);
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(std::to_string(i + 1) + ". " + std::string(kDrugs[rng.below(kDrugs.size())]) + " - take " +
                    std::string(kSig[rng.below(kSig.size())]) + ". Start date " + std::to_string(1 + rng.below(12)) +
                    "/2023. Prescriber: Dr. Y.");
    }
    out.push_back("Medications reviewed with the patient. Reconciled on admission and discharge. Pharmacist signature.");
  } else if (type == "consent_form") {
    const std::string procedure(pick(rng, std::array<std::string_view, 5>{
        "laparoscopic cholecystectomy", "colonoscopy with possible biopsy", "total knee arthroplasty",
        "cardiac catheterization", "blood transfusion"}));
    out.push_back("I, the undersigned patient or legal representative, authorize Dr. X and such assistants as "
                  "may be selected to perform the following procedure: " + procedure + ".");
    out.push_back("The nature and purpose of the procedure, the risks, including bleeding, infection, injury to "
                  "nearby organs, reaction to anesthesia and death, the benefits and the alternatives have been "
                  "explained to me. I have had the opportunity to ask questions and all were answered.");
    out.push_back("I consent to the administration of anesthesia and to the disposal of any tissue removed. I "
                  "understand that no guarantee has been made as to the results.");
    out.push_back("Patient signature ____________ Date ______ Witness ____________ Interpreter used: " +
                  std::string(rng.uniform() < 0.5 ? "No" : "Yes"));
  } else {
    out.push_back("ADDRESS: " + std::to_string(10 + rng.below(9000)) + " " +
                  std::string(pick(rng, std::array<std::string_view, 5>{"Main Street", "Oak Avenue", "Elm Road",
                                                                        "Maple Drive", "Cedar Lane"})) +
                  ", Boston, MA 02" + std::to_string(100 + rng.below(899)) + ". PHONE: (617) 555-" +
                  std::to_string(1000 + rng.below(8999)) + ".");
    out.push_back("SEX: " + std::string(1, p.sex) + ". MARITAL STATUS: " +
                  std::string(pick(rng, std::array<std::string_view, 3>{"Married", "Single", "Widowed"})) +
                  ". LANGUAGE: English. RACE/ETHNICITY: declined.");
    out.push_back("INSURANCE: " + std::string(pick(rng, std::array<std::string_view, 5>{
                                      "Medicare", "Medicaid", "Blue Cross Blue Shield", "Aetna", "UnitedHealthcare"})) +
                  ". Policy number " + std::to_string(100000 + rng.below(899999)) + ". Group " +
                  std::to_string(1000 + rng.below(8999)) + ". Guarantor: self.");
    out.push_back("EMERGENCY CONTACT: spouse, phone (617) 555-" + std::to_string(1000 + rng.below(8999)) +
                  ". ADMISSION DATE: 03/0" + std::to_string(1 + rng.below(9)) +
                  "/2024. ATTENDING PHYSICIAN: Dr. Z. ADMIT TYPE: " +
                  std::string(pick(rng, std::array<std::string_view, 3>{"Elective", "Emergency", "Urgent"})) +
                  ". PRIMARY CARE PROVIDER: Dr. W.");
  }
  return out;
}

}  // namespace chartroom::testgen
