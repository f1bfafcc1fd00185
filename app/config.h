// chartroom's configuration file (TOML). Every key is optional; the defaults
// are the ones documented in chartroom.example.toml.
#pragma once

#include <filesystem>

#include "app/pipeline.h"

namespace chartroom::app {

struct Config {
  IngestOptions ingest;
};

// Defaults suited to this machine (workers = number of cores).
Config default_config();

// Reads a TOML file over the defaults. Errors name the file, line and key.
Result<Config> load_config(const std::filesystem::path& path);

}  // namespace chartroom::app
