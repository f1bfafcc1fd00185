// Orientation: Leptonica's ascender/descender count on a binary page, in the
// four right-angle rotations; and the right-angle rotation itself.
#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "capture/capture.h"
#include "capture/pix_adapter.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {

// Leptonica's up/down confidence measures how far the ascender count sits out
// on a normal tail; it trusts |conf| >= 8. We report |conf| / 16 (clamped), so
// that threshold maps to our default 0.5.
constexpr double kUpDownScale = 16.0;

// Leptonica wants 150..300 ppi text; `dpi` becomes that of the result.
PixPtr at_working_resolution(PixPtr binary, int& dpi) {
  while (dpi > 300 && binary) {
    binary.reset(pixReduceRankBinary2(binary.get(), 1, nullptr));  // any ink: keeps thin strokes
    dpi /= 2;
  }
  if (dpi < 150 && binary) {
    binary.reset(pixExpandBinaryReplicate(binary.get(), 2, 2));
    dpi *= 2;
  }
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

// Whether the text lines of an across page share their left edges (an upright
// page of left-aligned text: ragged right, paragraphs, labels, indents) or
// their right edges (the same page upside down): +1 all left, -1 all right,
// near 0 for centred or justified text and pages with few lines. This does not
// look at the letters at all, so it is a second opinion on Leptonica's
// ascender count, which has little to go on when a page holds a few lines of
// capitals and digits. Works at ~75 ppi, where a 1/6 inch closing joins the
// words of a line.
double left_alignment(Pix* across, int dpi) {
  PixPtr small(pixReduceRankBinaryCascade(across, 1, 1, 0, 0));  // 1/4 size, any ink
  if (!small) return 0;
  const int ppi = std::max(1, dpi / 4);
  PixPtr lines(pixCloseBrick(nullptr, small.get(), std::max(3, ppi / 6), 1));
  if (!lines) return 0;
  detail::BoxaPtr boxes(pixConnCompBB(lines.get(), 8));
  if (!boxes) return 0;
  std::vector<std::pair<int, int>> edges;  // left, right of each line of text
  for (int i = 0; i < boxaGetCount(boxes.get()); ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    // Taller than a ruled line, lower than a picture, longer than a word or two.
    if (h >= 3 && h <= ppi / 3 && w >= ppi / 2) edges.emplace_back(x, x + w);
  }
  const int tolerance = std::max(1, ppi / 25);
  auto shared = [&](auto edge) {
    int count = 0;
    for (std::size_t i = 0; i < edges.size(); ++i) {
      for (std::size_t j = 0; j < edges.size(); ++j) {
        if (i != j && std::abs(edge(edges[i]) - edge(edges[j])) <= tolerance) {
          ++count;
          break;
        }
      }
    }
    return count;
  };
  const int left = shared([](const auto& e) { return e.first; });
  const int right = shared([](const auto& e) { return e.second; });
  // Three lines agreeing are the least that says anything.
  if (std::max(left, right) < 3) return 0;
  return static_cast<double>(left - right) / std::max<double>(6, static_cast<double>(edges.size()));
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
  int dpi = detail::dpi_or_default(page);
  PixPtr pix = at_working_resolution(detail::to_pix(binary), dpi);
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
  // Up or down: the ascender count, and the line edges as a second opinion.
  // Agreeing, they add up as independent evidence; disagreeing, the page is
  // unsure (and left as it is) unless the ascender count alone is sure.
  const double letters = std::clamp(std::abs(up) / kUpDownScale, 0.0, 1.0);
  const double edges = left_alignment(sideways ? turned.get() : pix.get(), dpi) * (up > 0 ? 1 : -1);
  const double upright = edges >= 0 ? 1 - (1 - letters) * (1 - std::min(edges, 1.0))
                                    : letters * (1 + std::max(edges, -1.0));
  const double confidence = std::min(axis, upright);
  if (sideways) return {up > 0 ? 90 : 270, confidence};
  return {up > 0 ? 0 : 180, confidence};
}

OcrOrientation judge_by_ocr(double as_found, double half_turn, const OrientationOptions& options) {
  if (half_turn >= as_found + options.ocr_margin && half_turn >= options.min_ocr_confidence) {
    return OcrOrientation::kHalfTurn;
  }
  if (as_found >= half_turn + options.ocr_margin && as_found >= options.min_ocr_confidence) {
    return OcrOrientation::kAsFound;
  }
  return OcrOrientation::kUnsure;
}

Image rotate_orthogonal(const Image& page, int clockwise_degrees) {
  detail::quiet_leptonica();
  const int quads = ((clockwise_degrees / 90) % 4 + 4) % 4;
  if (quads == 0 || page.empty()) return page;
  if (page.format != PixelFormat::kGray1) {
    // OpenCV turns 8-bit pages in one pass straight into the result (several
    // times faster than a PIX round trip for a full-size gray page).
    const int type = page.format == PixelFormat::kRgb8 ? CV_8UC3 : CV_8UC1;
    const cv::Mat source(page.height, page.width, type, const_cast<std::uint8_t*>(page.pixels.data()),
                         static_cast<std::size_t>(page.stride));
    const bool swap = quads % 2 == 1;
    Image out = Image::blank(swap ? page.height : page.width, swap ? page.width : page.height, page.format,
                             swap ? page.dpi_y : page.dpi_x);
    out.dpi_y = swap ? page.dpi_x : page.dpi_y;
    cv::Mat target(out.height, out.width, type, out.pixels.data(), static_cast<std::size_t>(out.stride));
    const int code = quads == 1 ? cv::ROTATE_90_CLOCKWISE : quads == 2 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE;
    cv::rotate(source, target, code);
    return out;
  }
  PixPtr pix = detail::to_pix(page);
  PixPtr out(pixRotateOrth(pix.get(), quads));  // quads of 90 degrees clockwise
  if (!out) return page;
  pixSetResolution(out.get(), quads % 2 ? page.dpi_y : page.dpi_x, quads % 2 ? page.dpi_x : page.dpi_y);
  return detail::from_pix(out.get(), detail::dpi_or_default(page));
}

}  // namespace chartroom::capture
