// Orientation: Leptonica's ascender/descender count on a binary page, in the
// four right-angle rotations; and the right-angle rotation itself.
#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>

#include "capture/capture.h"
#include "capture/pix_adapter.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {

// Leptonica's up/down confidence measures how far the ascender count sits out
// on a normal tail; it trusts |conf| >= 8. We report |conf| / 16 (clamped), so
// that threshold maps to our default 0.5.
constexpr double kUpDownScale = 16.0;

// Leptonica wants 150..300 ppi text.
PixPtr at_working_resolution(PixPtr binary, int dpi) {
  while (dpi > 300 && binary) {
    binary.reset(pixReduceRankBinary2(binary.get(), 1, nullptr));  // any ink: keeps thin strokes
    dpi /= 2;
  }
  if (dpi < 150 && binary) binary.reset(pixExpandBinaryReplicate(binary.get(), 2, 2));
  return binary;
}

// Leptonica's skew-sweep confidence: high when text lines run horizontally.
double line_score(Pix* binary) {
  float angle = 0;
  float confidence = 0;
  float end_score = 0;
  pixFindSkewSweepAndSearchScore(binary, &angle, &confidence, &end_score, 4, 4, 0.0f, 3.0f, 1.0f, 0.1f);
  return confidence;
}

}  // namespace

// Two questions, as flipdetect.c recommends: do the text lines run across or
// down (skew-sweep confidence of the page and of the page turned a quarter)?
// Then, with the lines across, are the ascenders up or down? Leptonica's
// combined four-way ascender test alone confuses the axis on some fonts.
Orientation detect_orientation(const Image& page, const OrientationOptions& /*options*/) {
  detail::quiet_leptonica();
  if (page.width < 64 || page.height < 64) return {};
  const Image binary = page.format == PixelFormat::kGray1 ? page : binarize(page);
  PixPtr pix = at_working_resolution(detail::to_pix(binary), detail::dpi_or_default(page));
  if (!pix) return {};
  PixPtr turned(pixRotate90(pix.get(), 1));  // a quarter clockwise
  if (!turned) return {};
  const double across = line_score(pix.get());
  const double down = line_score(turned.get());
  const bool sideways = down > across;
  float up = 0;
  if (pixUpDownDetect(sideways ? turned.get() : pix.get(), &up, 0, 0, 0) != 0 || up == 0) return {};
  // Axis: sure when the lines score clearly (>= 3, Leptonica's deskew bar)
  // and clearly better one way than the other.
  const double best = std::max(across, down);
  const double other = std::min(across, down);
  const double axis = best >= 3 && best >= 1.5 * other ? 1.0 : std::clamp(best / 10, 0.0, 0.45);
  const double confidence = std::min(axis, std::clamp(std::abs(up) / kUpDownScale, 0.0, 1.0));
  if (sideways) return {up > 0 ? 90 : 270, confidence};
  return {up > 0 ? 0 : 180, confidence};
}

Image rotate_orthogonal(const Image& page, int clockwise_degrees) {
  detail::quiet_leptonica();
  const int quads = ((clockwise_degrees / 90) % 4 + 4) % 4;
  if (quads == 0 || page.empty()) return page;
  PixPtr pix = detail::to_pix(page);
  PixPtr out(pixRotateOrth(pix.get(), quads));  // quads of 90 degrees clockwise
  if (!out) return page;
  pixSetResolution(out.get(), quads % 2 ? page.dpi_y : page.dpi_x, quads % 2 ? page.dpi_x : page.dpi_y);
  return detail::from_pix(out.get(), detail::dpi_or_default(page));
}

}  // namespace chartroom::capture
