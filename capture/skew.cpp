// Skew: Leptonica's projection-profile sweep and binary search on a binary
// page, and rotation by an arbitrary angle.
#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {
// Leptonica's confidence is the ratio of the best score to the worst over the
// sweep: about 1 for noise, 3 where pixDeskew starts trusting it, 10+ for a
// clean page of text lines. We report conf / 10, clamped to 0..1, so the
// default min_confidence 0.3 equals Leptonica's own deskew threshold.
constexpr double kConfidenceScale = 10.0;
}  // namespace

Skew find_skew(const Image& page, const SkewOptions& options) {
  detail::quiet_leptonica();
  if (page.width < 64 || page.height < 64) return {};
  // Sweep at 1/4 size, refine at 1/2: ~0.05 degree on a 300 dpi page. Pages
  // of 200 dpi and more are halved once up front, which is the cheap way there.
  const int dpi = detail::dpi_or_default(page);
  const bool halve = dpi >= 200;
  PixPtr binary = detail::analysis_binary(page, halve);
  if (!binary) return {};
  const int sweep_reduction = halve ? 2 : 4;
  const int search_reduction = halve ? 1 : 2;
  float angle = 0;
  float confidence = 0;
  float end_score = 0;
  const auto range = static_cast<float>(std::clamp(options.max_degrees, 1.0, 45.0));
  if (pixFindSkewSweepAndSearchScore(binary.get(), &angle, &confidence, &end_score, sweep_reduction,
                                     search_reduction, 0.0f, range, 1.0f, 0.01f) != 0) {
    return {};
  }
  // Leptonica returns the clockwise rotation that deskews the page, which is
  // the counter-clockwise angle at which the content sits: our sign.
  return {static_cast<double>(angle), std::clamp(confidence / kConfidenceScale, 0.0, 1.0)};
}

Image rotate(const Image& page, double degrees) {
  detail::quiet_leptonica();
  if (std::abs(degrees) < 1e-3 || page.empty()) return page;
  PixPtr pix = detail::to_pix(page);
  // Area mapping keeps gray text smooth; binary pages use shear (exact for
  // small angles) or sampling beyond where shear distorts.
  const int type = page.format != PixelFormat::kGray1 ? L_ROTATE_AREA_MAP
                   : std::abs(degrees) <= 15        ? L_ROTATE_SHEAR
                                                    : L_ROTATE_SAMPLING;
  // pixRotate is clockwise positive; ours is counter-clockwise. Same size:
  // corners that leave the frame are cut, new ones are white.
  const auto radians = static_cast<float>(-degrees * std::numbers::pi / 180.0);
  PixPtr out(pixRotate(pix.get(), radians, type, L_BRING_IN_WHITE, 0, 0));
  if (!out) return page;
  return detail::from_pix(out.get(), detail::dpi_or_default(page));
}

}  // namespace chartroom::capture
