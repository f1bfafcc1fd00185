// Skew: Leptonica's projection-profile sweep and binary search on a binary
// page (again on the ink thresholded for its own contrast when the first look
// is weak), and rotation by an arbitrary angle.
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

namespace {

// Leptonica's sweep over +-range at 1/4 size, refined at 1/2: ~0.05 degree on
// a 300 dpi page. Pages of 200 dpi and more arrive halved, which is the cheap
// way there.
Skew sweep(Pix* binary, bool halved, const SkewOptions& options) {
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

// The page's ink seen again where the fixed threshold of the analysis sees
// little: light ink (gray typewriter ribbon, pencil, a weak toner) on the
// flattened page `norm` thresholded halfway between the paper and its darkest
// ink. Null when nothing on the page stands out from the paper by
// options.min_ink_contrast: such a page has no text lines to find.
PixPtr stretched_binary(Pix* norm, const SkewOptions& options) {
  using NumaPtr = std::unique_ptr<Numa, decltype([](Numa* n) { numaDestroy(&n); })>;
  const NumaPtr histogram(pixGetGrayHistogram(norm, 2));
  if (!histogram) return {};
  float total = 0;
  numaGetSum(histogram.get(), &total);
  if (total <= 0) return {};
  int paper = 0;
  float most = -1;
  float dark_count = 0;
  int dark = -1;
  for (int level = 0; level < 256; ++level) {
    float count = 0;
    numaGetFValue(histogram.get(), level, &count);
    if (count > most) most = count, paper = level;
    dark_count += count;
    if (dark < 0 && dark_count >= options.ink_share * total) dark = level;
  }
  if (dark < 0 || paper - dark < options.min_ink_contrast) return {};
  return PixPtr(pixThresholdToBinary(norm, (paper + dark + 1) / 2));
}

}  // namespace

Skew find_skew(const Analysis& analysis, const SkewOptions& options) {
  quiet_leptonica();
  Pix* binary = analysis.binary.get();
  if (binary == nullptr || pixGetWidth(binary) < 32 || pixGetHeight(binary) < 32) return {};
  const bool halved = analysis.scale == 2;
  const Skew first = sweep(binary, halved, options);
  // The fixed threshold of the analysis may see only a small part of the ink:
  // light text (a gray typewriter ribbon, pencil) beside something dark (a
  // stamp, a handwritten note), whose lines alone then decide the angle. The
  // ink thresholded for its own contrast is then what the page is measured on.
  PixPtr stretched = analysis.norm ? stretched_binary(analysis.norm.get(), options) : PixPtr{};
  bool missed_ink = false;
  if (stretched) {
    l_int32 seen = 0;
    l_int32 all = 0;
    pixCountPixels(binary, &seen, nullptr);
    pixCountPixels(stretched.get(), &all, nullptr);
    missed_ink = seen < options.min_ink_seen * all;
  }
  if (first.confidence >= options.min_confidence && !missed_ink) return first;
  // Weak or partial: look again at the ink thresholded for its own contrast
  // (a Gray1 page as it is), its letters joined along the lines so that
  // broken strokes still make lines.
  PixPtr again = stretched ? std::move(stretched) : analysis.norm ? PixPtr{} : PixPtr(pixCopy(nullptr, binary));
  if (!again) return first;
  const int join = std::max(3, analysis.dpi / 50) | 1;  // ~1/50 inch: the gap between letters, not between lines
  PixPtr joined(pixCloseSafeBrick(nullptr, again.get(), join, 1));
  const Skew second = sweep(joined ? joined.get() : again.get(), halved, options);
  if (missed_ink && second.confidence >= options.min_confidence) return second;
  return second.confidence > first.confidence ? second : first;
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
