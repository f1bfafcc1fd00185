// Private to capture/: the format-specific readers behind open_image.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture.h"

namespace chartroom::capture::detail {

// Takes ownership of `fd` (an open, regular file): libtiff reads through it
// without mapping the file, so a file cut short by another process while it
// is being read gives an error, not a SIGBUS.
Result<std::unique_ptr<PageReader>> open_tiff(int fd, const std::string& display_name,
                                              const DecodeLimits& limits);

// `bytes` is the whole file; `format` is kPng or kJpeg.
Result<std::unique_ptr<PageReader>> open_raster(std::vector<std::uint8_t> bytes, FileFormat format,
                                                const std::string& display_name,
                                                const DecodeLimits& limits);

// `bytes` is the whole file. Encrypted and damaged PDFs and PDFs with
// JavaScript are refused here, before any page is drawn; each page is drawn
// at the resolution of its largest image (a scan's own pixels).
Result<std::unique_ptr<PageReader>> open_pdf(std::vector<std::uint8_t> bytes, const std::string& display_name,
                                             const DecodeLimits& limits);

// "big.tif, page 1: 100000 x 100000 pixels is over the limit ..." or nothing.
Status check_dimensions(std::int64_t width, std::int64_t height, const DecodeLimits& limits,
                        const std::string& where);

// A stated resolution, or the assumed one when missing or absurd.
int sane_dpi(double stated, const DecodeLimits& limits);

}  // namespace chartroom::capture::detail
