// The machine-readable output of `pages --json` and `documents --json`. These
// fields are a contract (DESIGN.md): add fields freely, never rename or drop one.
#pragma once

#include <nlohmann/json.hpp>

#include "app/pipeline.h"
#include "indexer/indexer.h"

namespace chartroom::app {

nlohmann::json page_json(const indexer::PageRow& page);
nlohmann::json document_json(const indexer::DocumentRow& document);
// A document's patient and type as documents --json (and search --json) show them.
nlohmann::json patient_ref_json(const std::optional<PatientRef>& patient);
nlohmann::json doc_type_json(const std::optional<DocTypeRef>& doc_type);
nlohmann::json report_json(const IngestReport& report);

// Prints JSON for people and tools. File names are bytes, not always UTF-8
// (old archives have Latin-1 names): invalid sequences print as U+FFFD
// instead of stopping the command.
void print_json(const nlohmann::json& value);

}  // namespace chartroom::app
