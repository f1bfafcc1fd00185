// Image-quality checks that tell the operator to rescan at once: too low a
// resolution, blurred, too dark, too light, cut off at an edge, a folded corner.
#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {


std::string format(const char* pattern, double value) {
  char text[160];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// The gray level below which `share` of the histogram lies.
int percentile(const std::array<double, 256>& histogram, double total, double share) {
  double seen = 0;
  for (int level = 0; level < 256; ++level) {
    seen += histogram[static_cast<std::size_t>(level)];
    if (seen >= share * total) return level;
  }
  return 255;
}

struct Levels {
  int paper = 255;
  int ink = 0;
};

// Paper: the median of the middle of the page (text covers far less than
// half of it). Ink: the darkest 0.3 % there.
Levels paper_and_ink(const cv::Mat& middle) {
  std::array<double, 256> histogram{};
  for (int y = 0; y < middle.rows; y += 2) {
    const auto* row = middle.ptr<std::uint8_t>(y);
    for (int x = 0; x < middle.cols; x += 2) histogram[row[x]] += 1;
  }
  double total = 0;
  for (double count : histogram) total += count;
  return {percentile(histogram, total, 0.5), percentile(histogram, total, 0.003)};
}

// Edge spread in pixels: a step of contrast C blurred by a gaussian of sigma s
// has a steepest slope of C / (s * sqrt(2 pi)). The slope is read from the
// steepest tenth of the edge pixels, so speckle and noise barely count.
double edge_spread_pixels(const cv::Mat& middle, int contrast) {
  // Sixteen bands of rows spread over the middle: enough edges, an eighth of the work.
  const float floor = 0.15f * static_cast<float>(contrast);
  std::vector<float> edges;
  const int bands = 16;
  const int band = std::max(8, middle.rows / (bands * 8));
  for (int b = 0; b < bands; ++b) {
    const int top = b * middle.rows / bands;
    if (top + band > middle.rows) break;
    const cv::Mat rows = middle.rowRange(top, top + band);
    cv::Mat gx, gy, magnitude;
    cv::Sobel(rows, gx, CV_32F, 1, 0, 3, 1.0 / 8);
    cv::Sobel(rows, gy, CV_32F, 0, 1, 3, 1.0 / 8);
    cv::magnitude(gx, gy, magnitude);
    for (int y = 1; y < magnitude.rows - 1; ++y) {
      const float* row = magnitude.ptr<float>(y);
      for (int x = 1; x < magnitude.cols - 1; ++x) {
        if (row[x] > floor) edges.push_back(row[x]);
      }
    }
  }
  if (edges.size() < 200) return 0;  // too little text to judge
  const auto at = edges.begin() + static_cast<std::ptrdiff_t>(edges.size() * 9 / 10);
  std::nth_element(edges.begin(), at, edges.end());
  const double slope = std::max(1e-3, static_cast<double>(*at));
  return contrast / (slope * 2.5066);
}

struct Marks {
  int cut = 0;           // letter-sized marks at the worst edge
  int cut_edge = 0;      // which: left, top, right, bottom
  double fold = 0;       // size (inches) of the largest dark triangle at a corner
};

constexpr std::array<const char*, 4> kEdgeNames{"left", "top", "right", "bottom"};

struct Letter {
  int x, y, w, h;
};

// Letter-sized marks with another beside them on the same line: print, not
// the scanner's specks, which stand alone.
std::vector<Letter> in_lines(std::vector<Letter> marks, int dpi) {
  std::ranges::sort(marks, {}, &Letter::x);
  std::vector<bool> paired(marks.size(), false);
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const Letter& a = marks[i];
    const int reach = a.x + a.w + std::max(a.h, dpi / 20);
    for (std::size_t j = i + 1; j < marks.size() && marks[j].x <= reach; ++j) {
      const Letter& b = marks[j];
      if (b.y < a.y + a.h && a.y < b.y + b.h) paired[i] = paired[j] = true;
    }
  }
  std::vector<Letter> out;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    if (paired[i]) out.push_back(marks[i]);
  }
  return out;
}

// A letter near the top (or bottom) edge that stands apart: the next print
// beyond it, in its own column, is a margin away. That is a fax machine's
// transmit line ("07/18/2025 07:18 FROM: ... P.002/009") across the top of
// the paper with the page's own margin below it, or a footer ("Page 1 of 1")
// low on the page; its letters are whole, so only those the edge clips count
// toward a cut. A page cut off there has its text running on to the edge at
// line spacing.
bool stands_apart(const Letter& l, const std::vector<Letter>& letters, int height, int dpi, bool top) {
  const auto near_side = [&](const Letter& m) { return top ? m.y : height - (m.y + m.h); };
  const int far_side = near_side(l) + l.h;
  const int slack = dpi / 10;
  int gap = std::numeric_limits<int>::max();
  for (const Letter& m : letters) {
    if (m.x > l.x + l.w + slack || m.x + m.w < l.x - slack) continue;
    if (near_side(m) > far_side) gap = std::min(gap, near_side(m) - far_side);
  }
  return gap >= dpi * 3 / 10;  // a margin (7.6 mm), not line spacing
}

// Marks on the binary page: letters at an edge, triangles in corners.
Marks edge_marks(Pix* binary, int dpi) {
  Marks marks;
  Pixa* raw_pixa = nullptr;
  detail::BoxaPtr boxes(pixConnComp(binary, &raw_pixa, 8));
  detail::PixaPtr pixa(raw_pixa);
  if (!boxes || !pixa) return marks;
  const int width = pixGetWidth(binary);
  const int height = pixGetHeight(binary);
  // Print ends at least a quarter inch from the paper's edge; letters within
  // about 5 mm of the image's edge mean the edge cut through the page.
  const int near = std::max(2, dpi / 5);
  std::array<int, 4> cut{};  // left, top, right, bottom
  std::vector<Letter> letters;
  const int count = boxaGetCount(boxes.get());
  for (int i = 0; i < count; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    const bool at_left = x <= 1, at_top = y <= 1, at_right = x + w >= width - 1, at_bottom = y + h >= height - 1;
    const bool letter = h >= dpi / 30 && h <= dpi / 3 && w <= dpi / 2 && w >= 2;
    if (letter) letters.push_back({x, y, w, h});
    // A folded corner: a solid triangle (about half its box) in a corner.
    const bool corner = (at_left || at_right) && (at_top || at_bottom);
    if (corner && w >= dpi / 8 && h >= dpi / 8 && w <= 4 * dpi && h <= 4 * dpi && w <= 3 * h && h <= 3 * w) {
      l_int32 ink = 0;
      PixPtr piece(pixaGetPix(pixa.get(), i, L_CLONE));
      pixCountPixels(piece.get(), &ink, nullptr);
      const double fill = static_cast<double>(ink) / (static_cast<double>(w) * h);
      if (fill >= 0.3 && fill <= 0.75) {
        marks.fold = std::max(marks.fold, std::sqrt(static_cast<double>(w) * h) / dpi);
      }
    }
  }
  letters = in_lines(std::move(letters), dpi);
  for (const Letter& l : letters) {
    const std::array<bool, 4> is_at{l.x <= 1, l.y <= 1, l.x + l.w >= width - 1, l.y + l.h >= height - 1};
    std::array<bool, 4> is_near{l.x <= near, l.y <= near, l.x + l.w >= width - near, l.y + l.h >= height - near};
    if (is_near[1] && !is_at[1]) is_near[1] = !stands_apart(l, letters, height, dpi, true);
    if (is_near[3] && !is_at[3]) is_near[3] = !stands_apart(l, letters, height, dpi, false);
    for (std::size_t e = 0; e < 4; ++e) cut[e] += is_near[e];
  }
  const auto worst = std::max_element(cut.begin(), cut.end());
  marks.cut = *worst;
  marks.cut_edge = static_cast<int>(worst - cut.begin());
  return marks;
}

}  // namespace

QualityCheck check_quality(const Image& page, const QualityOptions& options) {
  if (!options.enabled || page.width < 64 || page.height < 64) return {};
  return detail::check_quality(page, detail::analyze(page), options);
}

QualityCheck detail::check_quality(const Image& page, const Analysis& analysis, const QualityOptions& options) {
  detail::quiet_leptonica();
  QualityCheck check;
  if (!options.enabled || page.width < 64 || page.height < 64) return check;
  const int dpi = detail::dpi_or_default(page);
  if (dpi < options.min_dpi) {
    check.problems.push_back("resolution too low (" + std::to_string(dpi) + " dpi; scan at " +
                             std::to_string(std::max(options.min_dpi, 300)) + " dpi)");
  }
  if (page.format != PixelFormat::kGray1) {
    const Image gray = to_gray(page);
    const cv::Mat all(gray.height, gray.width, CV_8UC1, const_cast<std::uint8_t*>(gray.pixels.data()),
                      static_cast<std::size_t>(gray.stride));
    // The middle of the page: scanner edges, holes and folds stay out.
    const cv::Mat middle = all(cv::Rect(gray.width / 8, gray.height / 8, gray.width * 3 / 4, gray.height * 3 / 4));
    const Levels levels = paper_and_ink(middle);
    check.paper_level = levels.paper;
    check.ink_level = levels.ink;
    const int contrast = levels.paper - levels.ink;
    if (levels.paper < options.min_paper_level) {
      check.problems.push_back("too dark (paper at gray " + std::to_string(levels.paper) + " of 255)");
    } else if (contrast < options.min_contrast) {
      check.problems.push_back("too light (ink only " + std::to_string(contrast) + " gray levels darker than paper)");
      check.too_light = true;
    } else {
      check.blur_mm = edge_spread_pixels(middle, contrast) * 25.4 / dpi;
      if (check.blur_mm > options.max_blur_mm) {
        check.problems.push_back(format("blurred (text edges spread over %.2f mm)", check.blur_mm));
      }
    }
  }
  if (analysis.binary) {
    const Marks marks = edge_marks(analysis.binary.get(), analysis.dpi);
    check.cut_marks = marks.cut;
    if (marks.cut >= options.min_cut_marks) {
      check.problems.push_back(std::string("cut off at the ") + kEdgeNames[static_cast<std::size_t>(marks.cut_edge)] +
                               " edge (" + std::to_string(marks.cut) + " letters run up to it)");
    }
    if (marks.fold >= options.min_fold_inches) check.problems.push_back("folded corner");
  }
  check.rescan = !check.problems.empty();
  return check;
}

}  // namespace chartroom::capture
