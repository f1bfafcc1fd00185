// `chartroom status` (the page queue of a store) and the reconciliation table
// printed at the end of `chartroom ingest`.
#pragma once

#include <filesystem>
#include <string>

#include "app/commands.h"
#include "app/pipeline.h"

namespace chartroom::app {

// Per-folder counts and every quarantined file or page with its reason ("" when one folder, nothing quarantined).
std::string format_reconciliation(const IngestReport& report);

int run_status(const CommonOptions& common);

}  // namespace chartroom::app
