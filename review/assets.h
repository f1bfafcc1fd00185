// The review station's page, script and style sheet (review/assets/), built
// into the binary by review/embed_assets.cmake: no files to install, no CDN.
#pragma once

#include <string_view>
#include <vector>

namespace chartroom::review {

struct Asset {
  const char* path;  // as served: "/", "/station.js", "/station.css"
  std::string_view body;
  const char* type;  // its media type (served as UTF-8)
};

const std::vector<Asset>& assets();

}  // namespace chartroom::review
