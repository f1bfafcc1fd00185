// A page of a filed PDF as a PNG for the review station's page viewer,
// rendered by Poppler at the resolution asked (gray: scans are gray or 1-bit).
#pragma once

#include <filesystem>
#include <string>

#include "core/core.h"

namespace chartroom::review {

// `page` is 1-based; `dpi` is clamped to 36..300.
Result<std::string> render_page_png(const std::filesystem::path& pdf, int page, int dpi);

}  // namespace chartroom::review
