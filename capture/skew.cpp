// Skew: Leptonica's projection-profile sweep and binary search on a binary
// page, and rotation by an arbitrary angle.
#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

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

namespace detail {

Skew find_skew(const Analysis& analysis, const SkewOptions& options) {
  quiet_leptonica();
  Pix* binary = analysis.binary.get();
  if (binary == nullptr || pixGetWidth(binary) < 32 || pixGetHeight(binary) < 32) return {};
  // Sweep at 1/4 size, refine at 1/2: ~0.05 degree on a 300 dpi page. Pages
  // of 200 dpi and more arrive halved, which is the cheap way there.
  const bool halved = analysis.scale == 2;
  const int sweep_reduction = halved ? 2 : 4;
  const int search_reduction = halved ? 1 : 2;
  float angle = 0;
  float confidence = 0;
  float end_score = 0;
  const auto range = static_cast<float>(std::clamp(options.max_degrees, 1.0, 45.0));
  if (pixFindSkewSweepAndSearchScore(binary, &angle, &confidence, &end_score, sweep_reduction, search_reduction,
                                     0.0f, range, 1.0f, 0.01f) != 0) {
    return {};
  }
  // Leptonica returns the clockwise rotation that deskews the page, which is
  // the counter-clockwise angle at which the content sits: our sign.
  return {static_cast<double>(angle), std::clamp(confidence / kConfidenceScale, 0.0, 1.0)};
}

}  // namespace detail

Skew find_skew(const Image& page, const SkewOptions& options) {
  if (page.width < 64 || page.height < 64) return {};
  return detail::find_skew(detail::analyze(page), options);
}

Image rotate(const Image& page, double degrees) {
  detail::quiet_leptonica();
  if (std::abs(degrees) < 1e-3 || page.empty()) return page;
  if (page.format != PixelFormat::kGray1) {
    // Bilinear keeps gray text smooth, at a fraction of the cost of area
    // mapping. getRotationMatrix2D turns counter-clockwise for positive
    // angles (y down), as ours. Same size: corners that leave the frame are
    // cut, new ones are white.
    const bool rgb = page.format == PixelFormat::kRgb8;
    const cv::Mat source(page.height, page.width, rgb ? CV_8UC3 : CV_8UC1,
                         const_cast<std::uint8_t*>(page.pixels.data()), static_cast<std::size_t>(page.stride));
    Image out = Image::blank(page.width, page.height, page.format, page.dpi_x);
    out.dpi_y = page.dpi_y;
    cv::Mat target(out.height, out.width, rgb ? CV_8UC3 : CV_8UC1, out.pixels.data(),
                   static_cast<std::size_t>(out.stride));
    const cv::Mat rotation =
        cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(page.width) / 2, static_cast<float>(page.height) / 2),
                                degrees, 1.0);
    cv::warpAffine(source, target, rotation, target.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar::all(255));
    return out;
  }
  PixPtr pix = detail::to_pix(page);
  // Binary pages use shear (exact for small angles) or sampling beyond where
  // shear distorts.
  const int type = std::abs(degrees) <= 15 ? L_ROTATE_SHEAR : L_ROTATE_SAMPLING;
  // pixRotate is clockwise positive; ours is counter-clockwise.
  const auto radians = static_cast<float>(-degrees * std::numbers::pi / 180.0);
  PixPtr out(pixRotate(pix.get(), radians, type, L_BRING_IN_WHITE, 0, 0));
  if (!out) return page;
  return detail::from_pix(out.get(), detail::dpi_or_default(page));
}

}  // namespace chartroom::capture
