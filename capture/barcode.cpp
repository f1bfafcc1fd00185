// Barcodes with zxing-cpp: reading them on a page in any orientation, and
// drawing one (for separator sheets and test pages). zxing stays in this file.
#define ZX_USE_UTF8 1
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <leptonica/allheaders.h>

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

// zxing 1.4's DataMatrix detector finds a symbol only near the middle of
// the image it is given. So each dark, roughly square blob of label size
// (1/7 to 2 inches) gets a second look on its own, with a quiet margin.
void read_data_matrix_labels(const Image& gray, const BarcodeOptions& options, std::vector<Barcode>& found) {
  const int dpi = detail::dpi_or_default(gray);
  detail::PixPtr pix = detail::gray_pix(gray);
  detail::PixPtr binary(pixThresholdToBinary(pix.get(), 128));
  if (!binary) return;
  detail::BoxaPtr blobs(pixConnCompBB(binary.get(), 8));
  if (!blobs) return;
  constexpr int kMostCandidates = 24;
  int tried = 0;
  for (int i = 0; i < boxaGetCount(blobs.get()) && tried < kMostCandidates; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(blobs.get(), i, &x, &y, &w, &h);
    const bool label_sized = std::min(w, h) >= dpi / 7 && std::max(w, h) <= 2 * dpi && std::max(w, h) <= 3 * std::min(w, h);
    if (!label_sized) continue;
    ++tried;
    const int margin = std::max(w, h) / 3;
    const int left = std::max(0, x - margin);
    const int top = std::max(0, y - margin);
    const Box area{left, top, std::min(gray.width, x + w + margin) - left, std::min(gray.height, y + h + margin) - top};
    read_area(gray, area, ZXing::BarcodeFormat::DataMatrix, options, found);
  }
}

}  // namespace

std::vector<Barcode> read_barcodes(const Image& page, const BarcodeOptions& options) {
  std::vector<Barcode> found;
  if (!options.enabled || page.empty()) return found;
  detail::quiet_leptonica();
  const Image gray = to_gray(page);
  read_area(gray, {0, 0, gray.width, gray.height}, kFormats, options, found);
  if (std::ranges::none_of(found, [](const Barcode& code) { return code.format == "DataMatrix"; })) {
    read_data_matrix_labels(gray, options, found);
  }
  return found;
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
