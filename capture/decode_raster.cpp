// PNG through OpenCV, JPEG through Leptonica (whose libjpeg reader fails on
// "premature end of data" and "corrupt JPEG data" instead of returning a page
// with grey rows, as OpenCV does). The header is parsed here first, so a file
// that declares absurd dimensions is refused before the decoder allocates anything.
#include <leptonica/allheaders.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <mutex>
#include <optional>

#include "capture/decode.h"
#include "capture/pix_adapter.h"

namespace chartroom::capture::detail {
namespace {

struct Header {
  std::int64_t width = 0;
  std::int64_t height = 0;
  double dpi = 0;  // 0 = not stated
};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }

// PNG: IHDR must come first; pHYs (if any) comes before the first IDAT.
std::optional<Header> png_header(const std::vector<std::uint8_t>& b) {
  if (b.size() < 33 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) return std::nullopt;
  Header header{be32(b.data() + 16), be32(b.data() + 20), 0};
  for (std::size_t at = 8; at + 12 <= b.size();) {
    const std::size_t length = be32(b.data() + at);
    const std::uint8_t* type = b.data() + at + 4;
    if (std::memcmp(type, "IDAT", 4) == 0 || length > b.size() - at - 12) break;
    if (std::memcmp(type, "pHYs", 4) == 0 && length == 9 && type[12] == 1) {
      header.dpi = be32(type + 4) * 0.0254;  // pixels per metre
    }
    at += 12 + length;
  }
  return header;
}

// JPEG: walk the marker segments up to the first SOFn frame header.
std::optional<Header> jpeg_header(const std::vector<std::uint8_t>& b) {
  Header header;
  for (std::size_t at = 2; at + 4 <= b.size();) {
    if (b[at] != 0xFF) return std::nullopt;
    const std::uint8_t marker = b[at + 1];
    if (marker == 0xFF) { ++at; continue; }  // fill byte
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { at += 2; continue; }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // no frame header before the data
    const std::size_t length = be16(b.data() + at + 2);
    if (length < 2 || at + 2 + length > b.size()) return std::nullopt;
    const std::uint8_t* seg = b.data() + at + 4;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof && length >= 8) {
      header.height = be16(seg + 1);
      header.width = be16(seg + 3);
      return header;
    }
    if (marker == 0xE0 && length >= 14 && std::memcmp(seg, "JFIF\0", 5) == 0) {
      const std::uint8_t units = seg[7];
      const double density = be16(seg + 8);
      if (units == 1) header.dpi = density;
      if (units == 2) header.dpi = density * 2.54;
    }
    at += 2 + length;
  }
  return std::nullopt;
}

void quiet_opencv() {
  static std::once_flag once;
  std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

class RasterReader final : public PageReader {
 public:
  RasterReader(std::vector<std::uint8_t> bytes, FileFormat format, std::string display_name, int dpi)
      : bytes_(std::move(bytes)), format_(format), display_name_(std::move(display_name)), dpi_(dpi) {}

  int page_count() const override { return 1; }
  FileFormat format() const override { return format_; }

  Result<Image> read_page(int index) override {
    if (index != 0) {
      return fail(ErrorCode::kInvalidArgument,
                  display_name_ + ", page " + std::to_string(index + 1) + ": no such page; the file has 1 page");
    }
    const std::string kind(file_format_name(format_));
    if (format_ == FileFormat::kJpeg) return read_jpeg(kind);
    cv::Mat mat;
    try {
      mat = cv::imdecode(cv::Mat(1, static_cast<int>(bytes_.size()), CV_8U, bytes_.data()), cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
      mat.release();
    }
    if (mat.empty()) {
      return fail(ErrorCode::kCorrupt, display_name_ + ": the " + kind +
                                           " data cannot be decoded (truncated or damaged); rescan it "
                                           "or recover it from the scanner");
    }
    if (mat.depth() == CV_16U) mat.convertTo(mat, CV_8U, 1.0 / 257.0);
    if (mat.depth() != CV_8U) {
      return fail(ErrorCode::kUnsupported, display_name_ + ": " + kind +
                                               " sample format chartroom cannot read; save it as 8-bit");
    }
    if (mat.channels() == 2 || mat.channels() == 4) mat = over_white(mat);
    Image image;
    if (mat.channels() == 1) {
      image = Image::blank(mat.cols, mat.rows, PixelFormat::kGray8, dpi_);
      cv::Mat view(mat.rows, mat.cols, CV_8UC1, image.pixels.data(), static_cast<std::size_t>(image.stride));
      mat.copyTo(view);
    } else {
      image = Image::blank(mat.cols, mat.rows, PixelFormat::kRgb8, dpi_);
      cv::Mat view(mat.rows, mat.cols, CV_8UC3, image.pixels.data(), static_cast<std::size_t>(image.stride));
      cv::cvtColor(mat, view, cv::COLOR_BGR2RGB);
    }
    return image;
  }

 private:
  std::vector<std::uint8_t> bytes_;
  FileFormat format_;
  std::string display_name_;
  int dpi_;

  Result<Image> read_jpeg(const std::string& kind) {
    quiet_leptonica();
    l_int32 warnings = 0;
    // No hint: Leptonica then refuses data that libjpeg had to patch up.
    PixPtr pix(pixReadMemJpeg(bytes_.data(), bytes_.size(), 0, 1, &warnings, 0));
    if (!pix || warnings > 0) {
      return fail(ErrorCode::kCorrupt, display_name_ + ": the " + kind +
                                           " data is truncated or damaged (libjpeg reported " +
                                           std::to_string(warnings) +
                                           " problem(s)); rows of the page would be missing; rescan it or "
                                           "recover it from the scanner");
    }
    pixSetResolution(pix.get(), 0, 0);  // the header's resolution, checked for sanity, wins
    return from_pix(pix.get(), dpi_);
  }

  // Transparent parts of a scan are paper: composite on white, drop alpha.
  static cv::Mat over_white(const cv::Mat& mat) {
    std::vector<cv::Mat> planes;
    cv::split(mat, planes);
    cv::Mat alpha = planes.back();
    planes.pop_back();
    cv::Mat a;
    alpha.convertTo(a, CV_32F, 1.0 / 255.0);
    for (auto& plane : planes) {
      cv::Mat p;
      plane.convertTo(p, CV_32F);
      p = p.mul(a) + (1.0 - a) * 255.0;
      p.convertTo(plane, CV_8U);
    }
    cv::Mat out;
    cv::merge(planes, out);
    return out;
  }
};

}  // namespace

Result<std::unique_ptr<PageReader>> open_raster(std::vector<std::uint8_t> bytes, FileFormat format,
                                                const std::string& display_name,
                                                const DecodeLimits& limits) {
  quiet_opencv();
  const auto header = format == FileFormat::kPng ? png_header(bytes) : jpeg_header(bytes);
  const std::string kind(file_format_name(format));
  if (!header) {
    return fail(ErrorCode::kCorrupt, display_name + ": the " + kind +
                                         " header is damaged or incomplete; rescan it or recover it "
                                         "from the scanner");
  }
  if (auto ok = check_dimensions(header->width, header->height, limits, display_name + ", page 1"); !ok) {
    return std::unexpected(ok.error());
  }
  return std::make_unique<RasterReader>(std::move(bytes), format, display_name, sane_dpi(header->dpi, limits));
}

}  // namespace chartroom::capture::detail
