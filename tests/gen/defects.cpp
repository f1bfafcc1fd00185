// Defects of the paper and of how it lay on the glass (faint ink, bleed-
// through, punched holes, a rubber stamp, a folded corner, a page cut off by the glass's
// edge, uneven lighting), and near-blank pages that must never be dropped.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

namespace detail {

namespace {
constexpr int kLid = 20;  // gray of the scanner lid seen through a hole or past the paper
}  // namespace

void apply_paper_defects(cv::Mat& mat, const ScanDefects& defects, int dpi) {
  if (defects.ink > 0) {
    // Full ink becomes `ink`, paper stays white: v -> ink + v * (255 - ink) / 255.
    const double ink = std::clamp(defects.ink, 0, 254);
    mat.convertTo(mat, CV_8UC1, (255.0 - ink) / 255.0, ink);
  }
  if (defects.bleed_through > 0) {
    // The back side: this page's own text mirrored and shifted by a few
    // lines, blurred by the paper, darkening the front where it shows.
    cv::Mat back;
    cv::flip(mat, back, 1);
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 0, 0, 1, dpi / 5);
    cv::warpAffine(back, back, shift, back.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(255));
    cv::GaussianBlur(back, back, cv::Size(0, 0), std::max(1.0, dpi / 150.0));
    cv::Mat shadow;
    cv::subtract(cv::Scalar(255), back, shadow);
    shadow.convertTo(shadow, CV_8UC1, std::clamp(defects.bleed_through, 0.0, 1.0));
    cv::subtract(mat, shadow, mat);
  }
  if (defects.cut_off > 0) {
    // The page lay too low on the glass: its bottom part is past the edge.
    const int shift = static_cast<int>(std::clamp(defects.cut_off, 0.0, 0.9) * mat.rows);
    cv::Mat moved(mat.size(), CV_8UC1, cv::Scalar(255));
    mat.rowRange(0, mat.rows - shift).copyTo(moved.rowRange(shift, mat.rows));
    mat = moved;
  }
  if (defects.punch_holes) {
    // Three holes 1/4 inch wide, centred 1/2 inch from the left edge.
    const int radius = dpi / 8;
    for (const double at : {0.25, 0.5, 0.75}) {
      cv::circle(mat, {dpi / 2, static_cast<int>(at * mat.rows)}, radius, cv::Scalar(kLid), cv::FILLED,
                 cv::LINE_AA);
    }
  }
  if (defects.stamp) {
    // A rubber stamp in the top-right corner, slightly turned, its ink
    // (red or blue on paper) mid-gray: a box, "RECEIVED" and a date.
    cv::Mat stamp(dpi, dpi * 2, CV_8UC1, cv::Scalar(255));
    const int line = std::max(2, dpi / 100);
    cv::rectangle(stamp, {line, line}, {stamp.cols - line, stamp.rows - line}, cv::Scalar(0), line);
    const double scale = dpi / 300.0;
    cv::putText(stamp, "RECEIVED", {dpi / 8, dpi / 2}, cv::FONT_HERSHEY_DUPLEX, 1.6 * scale, cv::Scalar(0),
                std::max(1, dpi / 75), cv::LINE_AA);
    cv::putText(stamp, "MAR 18 2024", {dpi / 4, dpi * 5 / 6}, cv::FONT_HERSHEY_DUPLEX, 1.0 * scale, cv::Scalar(0),
                std::max(1, dpi / 150), cv::LINE_AA);
    const cv::Point2f centre(stamp.cols / 2.0f, stamp.rows / 2.0f);
    cv::warpAffine(stamp, stamp, cv::getRotationMatrix2D(centre, 8, 1.0), stamp.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar(255));
    stamp.convertTo(stamp, CV_8UC1, (255.0 - 120) / 255.0, 120);  // the stamp's ink is gray 120
    const cv::Rect where(mat.cols - stamp.cols - dpi / 2, dpi / 3, stamp.cols, stamp.rows);
    if ((where & cv::Rect(0, 0, mat.cols, mat.rows)) == where) {
      cv::Mat target = mat(where);
      cv::min(target, stamp, target);
    }
  }
  if (defects.folded_corner > 0) {
    // The top-right corner folded over along a diagonal: where the corner was,
    // the lid shows; where it now lies, the blank back of the paper hides the text.
    const int leg = static_cast<int>(defects.folded_corner * dpi);
    const int w = mat.cols;
    const std::vector<cv::Point> gone{{w - leg, 0}, {w, 0}, {w, leg}};
    const std::vector<cv::Point> flap{{w - leg, 0}, {w, leg}, {w - leg, leg}};
    cv::fillConvexPoly(mat, flap, cv::Scalar(245), cv::LINE_AA);
    cv::fillConvexPoly(mat, gone, cv::Scalar(kLid), cv::LINE_AA);
  }
  if (defects.uneven > 0) {
    // Light falls off linearly towards the bottom-right corner.
    const double drop = std::clamp(defects.uneven, 0.0, 255.0) / 255.0;
    for (int y = 0; y < mat.rows; ++y) {
      auto* row = mat.ptr<std::uint8_t>(y);
      for (int x = 0; x < mat.cols; ++x) {
        const double f = 1.0 - drop * 0.5 * (static_cast<double>(x) / mat.cols + static_cast<double>(y) / mat.rows);
        row[x] = static_cast<std::uint8_t>(row[x] * f + 0.5);
      }
    }
  }
}

}  // namespace detail

namespace {

using detail::Rng;

cv::Mat view(Image& image) {
  return {image.height, image.width, CV_8UC1, image.pixels.data(), static_cast<std::size_t>(image.stride)};
}

// Pen strokes: a chain of loops and humps like joined-up handwriting, `width`
// pixels long from (x, baseline), letters about `height` pixels tall.
void scrawl(cv::Mat& mat, int x, int baseline, int width, int height, int pen, Rng& rng) {
  std::vector<cv::Point> points;
  const double letter = height * 0.55;
  double pos = 0;
  double phase = 0;
  while (pos < width) {
    const double tall = rng.uniform() < 0.25 ? 1.0 : 0.5;  // ascenders now and then
    const double stretch = letter * rng.uniform(0.7, 1.3);
    for (int k = 0; k < 12; ++k) {
      const double t = phase + k * std::numbers::pi / 6;
      const double px = x + pos + stretch * (k / 12.0) - 0.35 * stretch * std::sin(t);
      const double py = baseline - height * tall * 0.5 * (1 - std::cos(t));
      points.emplace_back(static_cast<int>(px), static_cast<int>(py));
    }
    pos += stretch;
    if (rng.uniform() < 0.18) {  // a gap between words
      cv::polylines(mat, points, false, cv::Scalar(25), pen, cv::LINE_AA);
      points.clear();
      pos += letter * 0.8;
    }
  }
  cv::polylines(mat, points, false, cv::Scalar(25), pen, cv::LINE_AA);
}

}  // namespace

RenderedPage render_near_blank(NearBlank kind, std::uint32_t seed, int dpi) {
  RenderedPage page;
  page.image = Image::blank(static_cast<int>(std::lround(8.5 * dpi)), 11 * dpi, PixelFormat::kGray8, dpi);
  Rng rng(seed * 0x9E3779B9ULL + 17);
  cv::Mat mat = view(page.image);
  const int pen = std::max(2, dpi / 100);
  switch (kind) {
    case NearBlank::kHandwrittenLine: {
      const int y = static_cast<int>(dpi * rng.uniform(2.0, 8.0));
      scrawl(mat, dpi + static_cast<int>(rng.below(static_cast<std::size_t>(dpi))), y,
             static_cast<int>(dpi * rng.uniform(3.5, 5.5)), dpi / 6, pen, rng);
      break;
    }
    case NearBlank::kSignature: {
      const int y = static_cast<int>(dpi * rng.uniform(7.5, 9.5));
      const int x = static_cast<int>(dpi * 4.5);
      cv::line(mat, {x - dpi / 4, y + dpi / 20}, {x + dpi * 3, y + dpi / 20}, cv::Scalar(40), std::max(1, dpi / 150));
      scrawl(mat, x, y, static_cast<int>(dpi * rng.uniform(1.6, 2.4)), dpi / 3, pen, rng);
      break;
    }
    case NearBlank::kLeftBlankNotice: {
      page.ground_truth = "This page intentionally left blank";
      detail::draw_centred_text(page.image, page.image.width / 2, page.image.height / 2, page.ground_truth);
      break;
    }
    case NearBlank::kShortLine: {
      static constexpr const char* kLines[] = {"No known drug allergies.", "Copy sent to patient.",
                                               "Seen, no change.", "See attached.", "Refused."};
      page.ground_truth = kLines[rng.below(std::size(kLines))];
      const int y = static_cast<int>(dpi * rng.uniform(1.5, 9.5));
      detail::draw_centred_text(page.image, static_cast<int>(dpi * rng.uniform(2.5, 6.0)), y, page.ground_truth);
      break;
    }
    case NearBlank::kLightStamp: {
      page.ground_truth = "RECEIVED";
      const int x = static_cast<int>(dpi * rng.uniform(4.5, 6.0));
      const int y = static_cast<int>(dpi * rng.uniform(1.0, 3.0));
      const int gray = static_cast<int>(rng.uniform(120, 170));
      cv::rectangle(mat, {x, y}, {x + dpi * 2, y + dpi / 2}, cv::Scalar(gray), std::max(2, dpi / 75));
      cv::putText(mat, page.ground_truth, {x + dpi / 8, y + dpi * 2 / 5}, cv::FONT_HERSHEY_DUPLEX, dpi / 300.0 * 1.5,
                  cv::Scalar(gray), std::max(2, dpi / 100), cv::LINE_AA);
      break;
    }
  }
  return page;
}

}  // namespace chartroom::testgen
