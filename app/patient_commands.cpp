// `patients list|show|search`: the patient index. Every one of them shows
// protected health information, so each is in the audit log (who, what was
// shown, whose) before anything is printed: no audit entry, no output.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "app/command_support.h"
#include "app/json_output.h"

namespace chartroom::app {

namespace {

nlohmann::json patient_json(const indexer::PatientListing& p) {
  return {{"mrn", p.patient.mrn},
          {"family_name", p.patient.family_name},
          {"given_name", p.patient.given_name},
          {"middle_name", p.patient.middle_name},
          {"birth_date", p.patient.birth_date},
          {"sex", std::string(1, p.patient.sex)},
          {"documents", p.documents}};
}

std::vector<std::string> mrns_of(const std::vector<indexer::PatientListing>& patients) {
  std::vector<std::string> out;
  for (const indexer::PatientListing& p : patients) out.push_back(p.patient.mrn);
  return out;
}

void print_patients(const std::vector<indexer::PatientListing>& patients) {
  std::cout << fmt::format("{:<12}  {:<20}  {:<16}  {:<10}  {:<3}  {:>9}\n", "MRN", "FAMILY NAME",
                           "GIVEN NAME", "BORN", "SEX", "DOCUMENTS");
  for (const indexer::PatientListing& p : patients) {
    std::cout << fmt::format("{:<12}  {:<20}  {:<16}  {:<10}  {:<3}  {:>9}\n", p.patient.mrn,
                             p.patient.family_name, p.patient.given_name, p.patient.birth_date,
                             std::string(1, p.patient.sex), p.documents);
  }
}

// Prints what was found, or says that nothing was.
int print_found(const CommonOptions& common, const std::vector<indexer::PatientListing>& patients,
                const std::string& none) {
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const indexer::PatientListing& p : patients) out.push_back(patient_json(p));
    print_json(out);
    return 0;
  }
  if (patients.empty()) {
    std::cout << none << "\n";
    return 0;
  }
  print_patients(patients);
  return 0;
}

void print_patient_documents(const std::vector<indexer::DocumentRow>& documents) {
  if (documents.empty()) {
    std::cout << "\nNo documents.\n";
    return;
  }
  std::cout << fmt::format("\n{:<16}  {:<20}  {:<10}  {:>5}  {}\n", "DOCUMENT", "TYPE", "RECEIVED", "PAGES",
                           "STATE");
  bool in_review = false;
  for (const indexer::DocumentRow& d : documents) {
    in_review = in_review || d.state == DocumentState::kReview;
    std::cout << fmt::format("{:<16}  {:<20}  {:<10}  {:>5}  {}\n", d.id,
                             d.doc_type ? d.doc_type->label : "-", d.created_at.substr(0, 10), d.pages,
                             document_state_name(d.state));
  }
  if (in_review) std::cout << "A document in review is not filed to this patient until a person decides.\n";
}

}  // namespace

int run_patients_list(const CommonOptions& common, const PatientsArgs& args) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto patients = store->list_patients(args.limit, args.offset);
  if (!patients) {
    print_error(patients.error());
    return 1;
  }
  const std::string detail = fmt::format("{} patients listed from {}", patients->size(), args.offset + 1);
  if (!audited(*store, {"", "patients list", "", detail, "", mrns_of(*patients)})) return 1;
  return print_found(common, *patients,
                     args.offset > 0
                         ? fmt::format("No patients past the first {}.", args.offset)
                         : "The patient index is empty; load it with `chartroom patients import`.");
}

int run_patients_show(const CommonOptions& common, const PatientsArgs& args) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto patient = store->patient_by_mrn(args.mrn);
  if (!patient) {
    print_error(patient.error());
    return 1;
  }
  if (!patient->has_value()) {
    std::cerr << "chartroom: no patient with MRN " << args.mrn << " in the patient index of "
              << common.store.string() << "; find them with `chartroom patients search NAME`\n";
    return 1;
  }
  indexer::DocumentQuery query;
  query.patient = args.mrn;
  auto documents = store->find_documents(query);
  if (!documents) {
    print_error(documents.error());
    return 1;
  }
  const indexer::PatientListing entry{
      **patient,
      static_cast<int>(std::ranges::count(*documents, DocumentState::kFiled, &indexer::DocumentRow::state))};
  if (!audited(*store, {"",
                        "patients show",
                        args.mrn,
                        fmt::format("index entry and {} documents", documents->size()),
                        "",
                        {args.mrn}})) {
    return 1;
  }
  if (common.json) {
    nlohmann::json docs = nlohmann::json::array();
    for (const indexer::DocumentRow& d : *documents) docs.push_back(document_json(d));
    print_json({{"patient", patient_json(entry)}, {"documents", docs}});
    return 0;
  }
  const Patient& p = entry.patient;
  std::cout << fmt::format(
      "Patient {}\n  name:      {}, {}{}\n  born:      {}\n  sex:       {}\n  filed:     {} document{}\n",
      p.mrn, p.family_name, p.given_name, p.middle_name.empty() ? "" : " " + p.middle_name, p.birth_date,
      p.sex, entry.documents, entry.documents == 1 ? "" : "s");
  print_patient_documents(*documents);
  return 0;
}

int run_patients_search(const CommonOptions& common, const PatientsArgs& args) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto patients = store->find_patients({args.text, args.birth_date, args.limit, args.offset});
  if (!patients) {
    print_error(patients.error());
    return patients.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  const std::string query = args.text + (args.birth_date.empty() ? "" : " --dob " + args.birth_date);
  if (!audited(*store, {"", "patients search", "", fmt::format("{}: {} found", query, patients->size()), "",
                        mrns_of(*patients)})) {
    return 1;
  }
  return print_found(common, *patients, "No patient matches \"" + query + "\".");
}

}  // namespace chartroom::app
