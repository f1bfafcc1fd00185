// Gray conversion and adaptive binarization.
#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>

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

// The page halved (2 x 2 averages rounded down, as pixScaleAreaMap2) straight
// from its rows into an 8 bpp PIX of `dpi`, without a full-size copy first.
PixPtr halved_gray(const Image& page, int dpi) {
  const Image converted = page.format == PixelFormat::kGray8 ? Image{} : detail::gray_from(page);
  const Image& gray = page.format == PixelFormat::kGray8 ? page : converted;
  Image half = Image::blank(std::max(1, gray.width / 2), std::max(1, gray.height / 2), PixelFormat::kGray8, dpi);
  for (int y = 0; y < gray.height / 2; ++y) {
    const std::uint8_t* upper = gray.row(2 * y).data();
    const std::uint8_t* lower = gray.row(2 * y + 1).data();
    std::uint8_t* out = half.row(y).data();
    for (int x = 0; x < gray.width / 2; ++x) {
      out[x] = static_cast<std::uint8_t>((upper[2 * x] + upper[2 * x + 1] + lower[2 * x] + lower[2 * x + 1]) >> 2);
    }
  }
  return detail::to_pix(half);
}

// The gray level (of the page flattened to 200) under which
// options.faint_ink_share of the page lies, sampled at every second pixel
// of every second row against the quarter-size `paper`; 0 when that ink is
// dark enough for the plain threshold or when nothing stands out from the
// paper (flat paper, whose noise must not be stretched into ink).
int faint_ink_level(const cv::Mat& gray, const cv::Mat& paper, int shrink, const BinarizeOptions& options) {
  if (options.faint_contrast <= 0) return 0;
  std::array<long, 256> histogram{};
  long samples = 0;
  for (int y = 0; y < gray.rows; y += 2) {
    const std::uint8_t* row = gray.ptr<std::uint8_t>(y);
    const float* paper_row = paper.ptr<float>(std::min(y / shrink, paper.rows - 1));
    for (int x = 0; x < gray.cols; x += 2) {
      const float level = 200.0f * row[x] / paper_row[std::min(x / shrink, paper.cols - 1)];
      ++histogram[static_cast<std::size_t>(std::clamp(static_cast<int>(level), 0, 255))];
      ++samples;
    }
  }
  const auto wanted = static_cast<long>(options.faint_ink_share * static_cast<double>(samples));
  long seen = 0;
  int dark = 0;
  while (dark < 255 && (seen += histogram[static_cast<std::size_t>(dark)]) < wanted) ++dark;
  const int contrast = 200 - dark;
  return contrast < options.faint_contrast && contrast >= options.min_ink_contrast ? dark : 0;
}

}  // namespace

namespace detail {

PixPtr analysis_binary(const Image& page, bool halve) {
  quiet_leptonica();
  if (page.format == PixelFormat::kGray1) {
    PixPtr pix = to_pix(page);
    return halve ? PixPtr(pixReduceRankBinary2(pix.get(), 1, nullptr)) : std::move(pix);
  }
  PixPtr gray = halve ? halved_gray(page, dpi_or_default(page) / 2) : gray_pix(page);
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
  a.gray = a.scale == 2 ? halved_gray(page, a.dpi) : gray_pix(page);
  a.norm = normalized_background(a.gray.get());
  a.binary.reset(pixThresholdToBinary(a.norm.get(), 130));  // background sits at 200, ink far below
  return a;
}

}  // namespace detail

Image to_gray(const Image& page) {
  if (page.format == PixelFormat::kGray8) return page;
  return detail::gray_from(page);
}

// Sauvola's threshold on a page whose paper was first flattened, computed on
// a quarter-size grid and interpolated: the paper level and the local mean and
// spread (of the quarter-size page, where a stroke still shows as contrast)
// change slowly across a page, so the threshold surface loses nothing at that
// size, and the page is compared against it once at full size.
//   paper  = the brightest of the page around each point (text removed by a
//            max filter over ~1/4 inch), smoothed;
//   norm   = gray * 200 / paper (the paper at 200, whatever its shade);
//   T      = m * (1 + k * (s / 128 - 1)) over the window (m, s of norm);
//   ink    = gray < T * paper / 200.
Image binarize(const Image& page, const BinarizeOptions& options) {
  if (page.format == PixelFormat::kGray1 || page.empty()) return page;
  const int dpi = detail::dpi_or_default(page);
  const Image converted = page.format == PixelFormat::kGray8 ? Image{} : to_gray(page);
  const Image& gray_image = page.format == PixelFormat::kGray8 ? page : converted;
  const cv::Mat gray(gray_image.height, gray_image.width, CV_8UC1, const_cast<std::uint8_t*>(gray_image.pixels.data()),
                     static_cast<std::size_t>(gray_image.stride));
  constexpr int kShrink = 4;
  const cv::Size small_size(std::max(1, gray.cols / kShrink), std::max(1, gray.rows / kShrink));
  cv::Mat small;
  cv::resize(gray, small, small_size, 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32F);
  // Paper: max filter over ~1/4 inch, then a box blur of the same size.
  const int reach = std::max(3, (dpi / 4 / kShrink) | 1);
  cv::Mat paper;
  cv::dilate(small, paper, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reach, reach)));
  cv::blur(paper, paper, cv::Size(reach, reach));
  cv::max(paper, 1.0, paper);
  cv::Mat norm;  // gray * 200 / paper
  cv::divide(small, paper, norm, 200.0);
  // Light ink (a gray typewriter ribbon, pencil, weak toner): Sauvola's
  // threshold sits at about two thirds of the paper and misses ink that is
  // lighter, so the flattened page is first stretched to put its darkest ink
  // at 0; the threshold is mapped back after.
  const int dark = faint_ink_level(gray, paper, kShrink, options);
  const double gain = dark > 0 ? 200.0 / (200.0 - dark) : 1.0;
  if (dark > 0) {
    norm.convertTo(norm, -1, gain, -dark * gain);
    cv::max(norm, 0.0, norm);
  }
  // Window about 1/4 inch (half-window 1/8 inch): several strokes wide, so a
  // letter's inside is judged against the paper around it.
  int window = options.window > 0 ? options.window : std::max(15, dpi / 4);
  window = std::max(3, (window / kShrink) | 1);
  cv::Mat mean, spread;
  cv::blur(norm, mean, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::multiply(norm, norm, spread);  // mean of squares, then the spread, in place
  cv::blur(spread, spread, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::multiply(mean, mean, norm);  // norm is no longer needed: mean squared
  cv::subtract(spread, norm, spread);
  cv::max(spread, 0.0, spread);
  cv::sqrt(spread, spread);
  const auto k = static_cast<float>(options.factor);
  // T = m * (1 + k * (s / 128 - 1)), back to gray levels of the page (* paper
  // / 200), capped below the paper so that flat paper with noise never turns to ink.
  cv::Mat level;
  spread.convertTo(spread, CV_32F, k / 128.0, 1.0 - k);
  cv::multiply(mean, spread, level);
  if (dark > 0) level.convertTo(level, -1, 1.0 / gain, dark);
  cv::multiply(level, paper, level, 1.0 / 200.0);
  cv::min(level, paper * 0.9f, level);
  cv::Mat level8;
  level.convertTo(level8, CV_8U);
  // The threshold surface at full width, still at a quarter of the rows;
  // each page row blends its two nearest (as a bilinear resize would) right
  // before it is compared, so no full-size surface is ever made.
  cv::Mat wide;
  cv::resize(level8, wide, cv::Size(gray.cols, level8.rows), 0, 0, cv::INTER_LINEAR);
  Image out = Image::blank(page.width, page.height, PixelFormat::kGray1, page.dpi_x);
  out.dpi_y = page.dpi_y;
  cv::Mat row_level(1, gray.cols, CV_8UC1);
  cv::Mat ink(1, gray.cols, CV_8UC1);
  const double rows_per_level = static_cast<double>(gray.rows) / level8.rows;
  for (int y = 0; y < gray.rows; ++y) {
    const double at = std::clamp((y + 0.5) / rows_per_level - 0.5, 0.0, static_cast<double>(level8.rows - 1));
    const int upper = static_cast<int>(at);
    const int lower = std::min(upper + 1, level8.rows - 1);
    const double weight = at - upper;
    cv::addWeighted(wide.row(upper), 1.0 - weight, wide.row(lower), weight, 0.0, row_level);
    cv::compare(gray.row(y), row_level, ink, cv::CMP_LT);  // 255 = ink
    const std::uint8_t* m = ink.ptr<std::uint8_t>(0);
    std::uint8_t* bits = out.row(y).data();
    int x = 0;
    for (; x + 8 <= gray.cols; x += 8, m += 8) {
      *bits++ = static_cast<std::uint8_t>((m[0] & 0x80) | (m[1] & 0x40) | (m[2] & 0x20) | (m[3] & 0x10) |
                                          (m[4] & 0x08) | (m[5] & 0x04) | (m[6] & 0x02) | (m[7] & 0x01));
    }
    for (int bit = 0; x < gray.cols; ++x, ++bit, ++m) *bits = static_cast<std::uint8_t>(*bits | (*m & (0x80 >> bit)));
  }
  return out;
}

Image thicken_strokes(const Image& binary, int size) {
  if (binary.format != PixelFormat::kGray1 || binary.empty()) return binary;
  if (size <= 0) size = binary.dpi_x >= 250 ? 3 : 2;
  PixPtr pix = detail::to_pix(binary);
  if (!pix) return binary;
  // A closing joins the pieces of a broken stroke without moving its edges
  // outwards; pixCloseSafeBrick pads the page so strokes at its edges stay put.
  PixPtr closed(pixCloseSafeBrick(nullptr, pix.get(), size, size));
  if (!closed) return binary;
  return detail::from_pix(closed.get(), binary.dpi_x);
}

}  // namespace chartroom::capture
