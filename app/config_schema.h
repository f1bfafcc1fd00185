// Private to app/: the check that chartroom.toml holds only known keys of the
// right types (config_schema.cpp), run by load_config and load_watch_config.
#pragma once

#include <filesystem>

#include <toml++/toml.h>

#include "core/core.h"

namespace chartroom::app {

Status check_config_keys(const toml::table& table, const std::filesystem::path& path);

// Reads chartroom.toml and checks its keys; the errors say which file and line
// and what to do, in chartroom's words rather than the TOML parser's.
Result<toml::table> read_config_file(const std::filesystem::path& path);

}  // namespace chartroom::app
