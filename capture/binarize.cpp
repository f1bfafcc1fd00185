// Gray conversion and adaptive binarization.
#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

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
  const Image gray_image = to_gray(page);
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
  cv::Mat gain = 200.0 / paper;  // norm = gray * gain
  cv::Mat norm;
  cv::multiply(small, gain, norm);
  const cv::Mat norm_squares = norm.mul(norm);
  // Window about 1/4 inch (half-window 1/8 inch): several strokes wide, so a
  // letter's inside is judged against the paper around it.
  int window = options.window > 0 ? options.window : std::max(15, dpi / 4);
  window = std::max(3, (window / kShrink) | 1);
  cv::Mat mean, mean_squares;
  cv::blur(norm, mean, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::blur(norm_squares, mean_squares, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::Mat variance = mean_squares - mean.mul(mean);
  cv::max(variance, 0.0, variance);
  cv::Mat spread;
  cv::sqrt(variance, spread);
  const auto k = static_cast<float>(options.factor);
  cv::Mat threshold = mean.mul(1.0f + k * (spread / 128.0f - 1.0f));
  // Back to gray levels of the page, capped below the paper so that flat
  // paper with noise never turns to ink.
  cv::Mat level = threshold.mul(paper) / 200.0f;
  cv::min(level, paper * 0.9f, level);
  cv::Mat level8;
  level.convertTo(level8, CV_8U);
  cv::Mat full_level;
  cv::resize(level8, full_level, gray.size(), 0, 0, cv::INTER_LINEAR);
  Image out = Image::blank(page.width, page.height, PixelFormat::kGray1, page.dpi_x);
  out.dpi_y = page.dpi_y;
  for (int y = 0; y < gray.rows; ++y) {
    const std::uint8_t* g = gray.ptr<std::uint8_t>(y);
    const std::uint8_t* t = full_level.ptr<std::uint8_t>(y);
    std::uint8_t* bits = out.row(y).data();
    for (int x = 0; x < gray.cols; ++x) {
      if (g[x] < t[x]) bits[x >> 3] = static_cast<std::uint8_t>(bits[x >> 3] | (0x80 >> (x & 7)));
    }
  }
  return out;
}

}  // namespace chartroom::capture
