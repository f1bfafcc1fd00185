// Barcodes with zxing-cpp: reading them on a page in any orientation, and
// drawing one (for separator sheets and test pages). zxing stays in this file.
#define ZX_USE_UTF8 1
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>


#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <exception>

#include "capture/capture.h"
#include "capture/pix_adapter.h"

namespace chartroom::capture {

namespace {

// The formats chartroom reads: separator sheets (Code 39, PATCH-T sheets are
// read as Code 39 too), MRN labels (Code 128), cover sheets (QR, DataMatrix, PDF417).
constexpr ZXing::BarcodeFormats kFormats = ZXing::BarcodeFormat::Code39 | ZXing::BarcodeFormat::Code128 |
                                           ZXing::BarcodeFormat::QRCode | ZXing::BarcodeFormat::DataMatrix |
                                           ZXing::BarcodeFormat::PDF417;

Box bounding_box(const ZXing::Position& position) {
  int left = position[0].x, right = position[0].x, top = position[0].y, bottom = position[0].y;
  for (const auto& point : position) {
    left = std::min(left, point.x);
    right = std::max(right, point.x);
    top = std::min(top, point.y);
    bottom = std::max(bottom, point.y);
  }
  return {left, top, right - left + 1, bottom - top + 1};
}


// Reads the codes of `formats` in the part of `gray` at `area`, adding them
// (in page coordinates) to `found`. zxing throws only on invalid arguments,
// which the callers rule out; a page whose codes cannot be read has none.
void read_area(const Image& gray, const Box& area, ZXing::BarcodeFormats formats, const BarcodeOptions& options,
               std::vector<Barcode>& found) {
  ZXing::DecodeHints hints;
  hints.setFormats(formats);
  hints.setTryHarder(options.try_harder);
  hints.setTryRotate(true);  // linear codes printed down the page
  // zxing 1.4 compares a linear code found on several image scales with an
  // assert that Debian's build keeps (zxing-cpp issue #740): one scale only.
  hints.setTryDownscale(false);
  try {
    const ZXing::ImageView view(gray.row(area.y).data() + area.x, area.width, area.height, ZXing::ImageFormat::Lum,
                                gray.stride);
    for (const ZXing::Result& result : ZXing::ReadBarcodes(view, hints)) {
      if (!result.isValid()) continue;
      Box box = bounding_box(result.position());
      box.x += area.x;
      box.y += area.y;
      found.push_back({ZXing::ToString(result.format()), result.text(), box});
    }
  } catch (const std::exception&) {
  }
}

// Where codes may be, found cheaply so that zxing looks only there (a text
// page without codes costs a few milliseconds, not a full-page search in four
// rotations). At half size, ink (darker than 128) closed along rows and,
// separately, along columns by 1/10 inch merges the bars of a linear code and
// the modules of a 2-D code into one solid blob in any orientation; text
// becomes lines of words, lower than 1/5 inch and thin on ink. A blob at least
// 1/5 inch both ways that is at least 30 % ink is a candidate; each comes
// back in page pixels with a 1/4 inch quiet margin, overlapping ones merged.
// (This also serves zxing 1.4's DataMatrix detector, which finds a symbol
// only near the middle of the image it is given.)
std::vector<Box> candidate_areas(const Image& gray) {
  const int dpi = detail::dpi_or_default(gray);
  const cv::Mat page(gray.height, gray.width, CV_8UC1, const_cast<std::uint8_t*>(gray.pixels.data()),
                     static_cast<std::size_t>(gray.stride));
  const int scale = dpi >= 200 ? 2 : 1;
  cv::Mat small;
  if (scale == 2) {
    cv::resize(page, small, cv::Size(gray.width / 2, gray.height / 2), 0, 0, cv::INTER_AREA);
  } else {
    small = page;
  }
  cv::Mat ink;
  cv::threshold(small, ink, 127, 255, cv::THRESH_BINARY_INV);
  const int sdpi = dpi / scale;
  const int reach = std::max(3, sdpi / 10);
  const int least = std::max(8, sdpi / 5);
  const int margin = dpi / 4;
  std::vector<Box> areas;
  cv::Mat closed, labels, stats, centroids;
  for (const cv::Size kernel : {cv::Size(reach, 1), cv::Size(1, reach)}) {
    cv::morphologyEx(ink, closed, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, kernel));
    int count = 0;
    try {
      count = cv::connectedComponentsWithStats(closed, labels, stats, centroids, 8, CV_16U);  // half the memory
    } catch (const cv::Exception&) {
      count = cv::connectedComponentsWithStats(closed, labels, stats, centroids, 8, CV_32S);  // > 65535 blobs
    }
    for (int i = 1; i < count; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
      const int y = stats.at<int>(i, cv::CC_STAT_TOP);
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
      const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (w < least || h < least) continue;
      const int dark = cv::countNonZero(ink(cv::Rect(x, y, w, h)));
      if (dark * 10 < w * h * 3) continue;
      const int left = std::max(0, x * scale - margin);
      const int top = std::max(0, y * scale - margin);
      areas.push_back({left, top, std::min(gray.width, (x + w) * scale + margin) - left,
                       std::min(gray.height, (y + h) * scale + margin) - top});
    }
  }
  // Merge overlapping areas until none overlap.
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < areas.size() && !merged; ++i) {
      for (std::size_t j = i + 1; j < areas.size() && !merged; ++j) {
        const Box& a = areas[i];
        const Box& b = areas[j];
        if (a.x >= b.x + b.width || b.x >= a.x + a.width || a.y >= b.y + b.height || b.y >= a.y + a.height) continue;
        const int left = std::min(a.x, b.x);
        const int top = std::min(a.y, b.y);
        const Box both{left, top, std::max(a.x + a.width, b.x + b.width) - left,
                       std::max(a.y + a.height, b.y + b.height) - top};
        areas[i] = both;
        areas.erase(areas.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
  return areas;
}

}  // namespace

std::vector<Barcode> read_barcodes(const Image& page, const BarcodeOptions& options) {
  std::vector<Barcode> found;
  if (!options.enabled || page.empty()) return found;
  const Image converted = page.format == PixelFormat::kGray8 ? Image{} : to_gray(page);
  const Image& gray = page.format == PixelFormat::kGray8 ? page : converted;
  // Each candidate area is read quickly first; only one that gives nothing
  // is read again trying harder (small, skewed or damaged codes).
  BarcodeOptions quick = options;
  quick.try_harder = false;
  for (const Box& area : candidate_areas(gray)) {
    const std::size_t before = found.size();
    read_area(gray, area, kFormats, quick, found);
    if (found.size() == before && options.try_harder) read_area(gray, area, kFormats, options, found);
  }
  // One code read from two areas (or twice in one) is reported once.
  std::vector<Barcode> unique;
  for (Barcode& code : found) {
    const bool seen = std::ranges::any_of(
        unique, [&](const Barcode& u) { return u.format == code.format && u.value == code.value; });
    if (!seen) unique.push_back(std::move(code));
  }
  return unique;
}

Result<Image> render_barcode(const std::string& format, const std::string& value, int width, int height,
                             int dpi) {
  const ZXing::BarcodeFormat zx_format = ZXing::BarcodeFormatFromString(format);
  if (zx_format == ZXing::BarcodeFormat::None || !(kFormats.testFlag(zx_format))) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot draw a \"" + format + "\" barcode; use Code39, Code128, QRCode, DataMatrix or PDF417");
  }
  ZXing::BitMatrix matrix;
  try {
    matrix = ZXing::MultiFormatWriter(zx_format).setMargin(0).encode(value, width, height);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot encode \"" + value + "\" as " + format + " (" + e.what() + ")");
  }
  Image image = Image::blank(matrix.width(), matrix.height(), PixelFormat::kGray1, dpi);
  for (int y = 0; y < matrix.height(); ++y) {
    auto row = image.row(y);
    for (int x = 0; x < matrix.width(); ++x) {
      if (matrix.get(x, y)) row[static_cast<std::size_t>(x >> 3)] |= static_cast<std::uint8_t>(0x80 >> (x & 7));
    }
  }
  return image;
}

}  // namespace chartroom::capture
