// open_image: size and format checks before any decoder sees the file.
#include <utility>

#include "capture/capture.h"
#include "capture/decode.h"

namespace chartroom::capture {
namespace detail {

Status check_dimensions(std::int64_t width, std::int64_t height, const DecodeLimits& limits,
                        const std::string& where) {
  if (width <= 0 || height <= 0) {
    return fail(ErrorCode::kCorrupt, where + ": the image states a size of " + std::to_string(width) +
                                         " x " + std::to_string(height) +
                                         " pixels; the file is damaged; rescan it");
  }
  if (width < limits.min_dimension || height < limits.min_dimension) {
    return fail(ErrorCode::kCorrupt, where + ": the image is only " + std::to_string(width) + " x " +
                                         std::to_string(height) + " pixels, under " +
                                         std::to_string(limits.min_dimension) +
                                         " pixels per side: no scanned page is this small; the scanner "
                                         "or the transfer produced a stub; rescan the page");
  }
  const std::string size = std::to_string(width) + " x " + std::to_string(height) + " pixels";
  if (static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) > limits.max_pixels) {
    return fail(ErrorCode::kTooLarge, where + ": " + size + " is over the limit of " +
                                          std::to_string(limits.max_pixels) +
                                          " pixels per page; rescan at a lower resolution or raise "
                                          "max_pixels");
  }
  if (width > limits.max_dimension || height > limits.max_dimension) {
    return fail(ErrorCode::kTooLarge, where + ": " + size + " is over the limit of " +
                                          std::to_string(limits.max_dimension) +
                                          " pixels per side; rescan at a lower resolution or raise "
                                          "max_dimension");
  }
  return {};
}

int sane_dpi(double stated, const DecodeLimits& limits) {
  if (!(stated >= 50 && stated <= 2400)) return limits.assumed_dpi;
  return static_cast<int>(stated + 0.5);
}

namespace {

// A hint for "not an image" messages: most misnamed files are text.
std::string describe_unknown(std::span<const std::uint8_t> head) {
  std::size_t printable = 0;
  for (const std::uint8_t c : head) {
    if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t' || c >= 0x80) ++printable;
  }
  if (!head.empty() && printable * 10 >= head.size() * 9) return " (it looks like text)";
  return "";
}

// The whole file, read through its descriptor; a file that shrank meanwhile is an error.
Result<std::vector<std::uint8_t>> read_whole(const OpenedFile& file) {
  auto bytes = file.read_at(0, static_cast<std::size_t>(file.size()));
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->size() != file.size()) {
    return fail(ErrorCode::kCorrupt,
                file.display_name() + ": the file changed size while it was being read (" +
                    std::to_string(file.size()) + " bytes expected, " + std::to_string(bytes->size()) +
                    " read); the scanner may still be writing it; run ingest again "
                    "when the transfer is complete");
  }
  return bytes;
}

}  // namespace
}  // namespace detail

Result<std::unique_ptr<PageReader>> open_image(const std::filesystem::path& path,
                                               const std::string& display_name,
                                               const DecodeLimits& limits) {
  auto file = OpenedFile::open(path, display_name);
  if (!file) return std::unexpected(file.error());
  return open_image(std::move(*file), limits);
}

Result<std::unique_ptr<PageReader>> open_image(OpenedFile file, const DecodeLimits& limits) {
  const std::string display_name = file.display_name();
  const std::uint64_t size = file.size();
  if (size == 0) {
    return fail(ErrorCode::kCorrupt, display_name +
                                         ": the file is empty (0 bytes); the scanner may still be "
                                         "writing it or the transfer failed");
  }
  if (size > limits.max_file_bytes) {
    return fail(ErrorCode::kTooLarge, display_name + ": the file is " + std::to_string(size) +
                                          " bytes, over the limit of " +
                                          std::to_string(limits.max_file_bytes) +
                                          " bytes; split the batch or raise max_file_bytes");
  }
  auto head = file.read_at(0, 512);
  if (!head) return std::unexpected(head.error());
  switch (sniff_format(*head)) {
    case FileFormat::kTiff: return detail::open_tiff(file.release(), display_name, limits);
    case FileFormat::kPng:
    case FileFormat::kJpeg:
    case FileFormat::kPdf: {
      auto bytes = detail::read_whole(file);
      if (!bytes) return std::unexpected(bytes.error());
      const FileFormat format = sniff_format(*head);
      if (format == FileFormat::kPdf) return detail::open_pdf(std::move(*bytes), display_name, limits);
      return detail::open_raster(std::move(*bytes), format, display_name, limits);
    }
    case FileFormat::kUnknown: break;
  }
  return fail(ErrorCode::kUnsupported, display_name + ": not an image chartroom can read" +
                                           detail::describe_unknown(*head) +
                                           "; chartroom reads TIFF, PNG, JPEG and PDF");
}

}  // namespace chartroom::capture
