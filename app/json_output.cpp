#include "app/json_output.h"

#include <algorithm>
#include <cmath>
#include <iostream>

namespace chartroom::app {

namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

double round_to(double value, double step) { return std::round(value / step) * step; }

nlohmann::json folders_json(const IngestReport& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [folder, c] : report.folders) {
    out.push_back({{"folder", folder}, {"pages", c.pages}, {"filed", c.filed}, {"review", c.review},
                   {"quarantined", c.quarantined}, {"dropped_blank", c.blank}, {"separator", c.separator}});
  }
  return out;
}

nlohmann::json quarantined_json(const IngestReport& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const QuarantinedPage& q : report.quarantined) {
    out.push_back({{"source", q.source}, {"index", q.page < 0 ? nlohmann::json(nullptr) : nlohmann::json(q.page)},
                   {"reason", q.reason}});
  }
  return out;
}

nlohmann::json timings_json(const StageTimings& t) {
  nlohmann::json stages = nlohmann::json::object();
  const double pages = std::max(1, t.pages_timed);
  for (int i = 0; i < kStageCount; ++i) {
    const auto stage = static_cast<Stage>(i);
    const StageTime& s = t[stage];
    stages[std::string(stage_key(stage))] = {
        {"worker_seconds", round_to(s.worker_seconds, 0.001)},
        {"reader_seconds", round_to(s.reader_seconds, 0.001)},
        {"ms_per_page", round_to(1000 * (s.worker_seconds + s.reader_seconds) / pages, 0.1)},
        {"p95_ms",
         s.p95_seconds < 0 ? nlohmann::json(nullptr) : nlohmann::json(round_to(1000 * s.p95_seconds, 0.1))}};
  }
  return {{"wall_seconds", round_to(t.wall_seconds, 0.001)},
          {"workers", t.workers},
          {"pages_timed", t.pages_timed},
          {"second_readings",
           {{"orientation", t.second_readings.orientation},
            {"strokes_closed", t.second_readings.strokes},
            {"strokes_closed_kept", t.second_readings.strokes_kept}}},
          {"stages", stages}};
}

}  // namespace

nlohmann::json page_json(const indexer::PageRow& page) {
  return {{"source", page.source},
          {"index", page.index},
          {"state", page_state_name(page.state)},
          {"document", or_null(page.document)},
          {"pdf_page", or_null(page.pdf_page)},
          {"orientation", page.orientation},
          {"skew", round_to(page.skew, 0.01)},
          {"blank", page.blank},
          {"reason", or_null(page.reason)},
          {"file_hash", page.file_hash},
          {"also_seen_as", page.also_seen_as}};
}

nlohmann::json patient_ref_json(const std::optional<PatientRef>& patient) {
  if (!patient) return nullptr;
  return {{"mrn", patient->mrn}, {"confidence", round_to(patient->confidence, 0.001)}};
}

nlohmann::json doc_type_json(const std::optional<DocTypeRef>& doc_type) {
  if (!doc_type) return nullptr;
  return {{"label", doc_type->label}, {"confidence", round_to(doc_type->confidence, 0.001)}};
}

nlohmann::json document_json(const indexer::DocumentRow& document) {
  return {{"id", document.id},
          {"state", document_state_name(document.state)},
          {"patient", patient_ref_json(document.patient)},
          {"doc_type", doc_type_json(document.doc_type)},
          {"pdf", document.pdf},
          {"pages", document.pages},
          {"review_reasons", document.review_reasons},
          {"review_kinds", indexer::review_kinds_of(document)},
          {"batch", document.batch},
          {"created_at", document.created_at},
          {"revision", document.revision},
          {"decided_by", or_null(document.decided_by)},
          {"decided_at", or_null(document.decided_at)},
          {"merged_into", or_null(document.merged_into)}};
}

nlohmann::json report_json(const IngestReport& report) {
  return {{"batches", report.batches},
          {"files", report.files},
          {"files_already_ingested", report.files_already_ingested},
          {"files_quarantined", report.files_quarantined},
          {"pages", report.pages},
          {"pages_filed", report.pages_filed},
          {"pages_review", report.pages_review},
          {"pages_quarantined", report.pages_quarantined},
          {"pages_dropped_blank", report.pages_blank},
          {"documents_filed", report.documents_filed},
          {"documents_review", report.documents_review},
          {"failures", report.failures},
          {"all_accounted", report.all_accounted()},
          {"pages_separator", report.pages_separator},
          {"pages_resumed", report.pages_resumed},
          {"seconds", round_to(report.seconds, 0.1)},
          {"ocr_seconds", round_to(report.ocr_seconds, 0.1)},
          {"timings", timings_json(report.timings)},
          {"folders", folders_json(report)},
          {"quarantined", quarantined_json(report)}};
}

void print_json(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace chartroom::app
