// Gray conversion and adaptive binarization.
#include <leptonica/allheaders.h>

#include <algorithm>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {

// Flattens uneven or gray paper to a white-ish background (200) so that one
// threshold rule fits the whole page; falls back to the input when the page is
// too small or too uniform for Leptonica's background map.
PixPtr normalized_background(Pix* gray) {
  PixPtr norm(pixBackgroundNormSimple(gray, nullptr, nullptr));
  if (norm) return norm;
  return PixPtr(pixCopy(nullptr, gray));
}

}  // namespace

namespace detail {

PixPtr analysis_binary(const Image& page, bool halve) {
  quiet_leptonica();
  if (page.format == PixelFormat::kGray1) {
    PixPtr pix = to_pix(page);
    return halve ? PixPtr(pixReduceRankBinary2(pix.get(), 1, nullptr)) : std::move(pix);
  }
  PixPtr gray = gray_pix(page);
  if (halve) gray.reset(pixScaleAreaMap2(gray.get()));
  PixPtr norm = normalized_background(gray.get());
  return PixPtr(pixThresholdToBinary(norm.get(), 130));  // background sits at 200, ink far below
}

Analysis analyze(const Image& page) {
  quiet_leptonica();
  Analysis a;
  const int dpi = dpi_or_default(page);
  a.scale = dpi >= 200 ? 2 : 1;
  a.dpi = dpi / a.scale;
  if (page.format == PixelFormat::kGray1) {
    PixPtr pix = to_pix(page);
    a.binary = a.scale == 2 ? PixPtr(pixReduceRankBinary2(pix.get(), 1, nullptr)) : std::move(pix);
    return a;
  }
  PixPtr gray = gray_pix(page);
  if (a.scale == 2) gray.reset(pixScaleAreaMap2(gray.get()));
  a.norm = normalized_background(gray.get());
  a.binary.reset(pixThresholdToBinary(a.norm.get(), 130));  // background sits at 200, ink far below
  return a;
}

}  // namespace detail

Image to_gray(const Image& page) {
  if (page.format == PixelFormat::kGray8) return page;
  return detail::gray_from(page);
}

Image binarize(const Image& page, const BinarizeOptions& options) {
  detail::quiet_leptonica();
  if (page.format == PixelFormat::kGray1 || page.empty()) return page;
  const int dpi = detail::dpi_or_default(page);
  PixPtr gray = detail::gray_pix(page);
  PixPtr norm = normalized_background(gray.get());
  // Half-window about 1/8 inch: several text strokes wide, so a letter's
  // inside is judged against paper around it, yet small enough to follow
  // shading. Clamped so that the window fits in the page.
  int half = options.window > 0 ? options.window / 2 : std::max(7, dpi / 8);
  half = std::min(half, (std::min(page.width, page.height) - 3) / 2);
  PixPtr binary;
  if (half >= 2) {
    // Tiles keep Sauvola's integral images small (a few megabytes each).
    const int nx = std::max(1, page.width / 1024);
    const int ny = std::max(1, page.height / 1024);
    Pix* out = nullptr;
    if (pixSauvolaBinarizeTiled(norm.get(), half, static_cast<float>(options.factor), nx, ny, nullptr, &out) == 0) {
      binary.reset(out);
    }
  }
  if (!binary) binary.reset(pixThresholdToBinary(norm.get(), 130));
  pixSetResolution(binary.get(), page.dpi_x, page.dpi_y > 0 ? page.dpi_y : page.dpi_x);
  return detail::from_pix(binary.get(), dpi);
}

}  // namespace chartroom::capture
