// Private to capture/: helpers shared by the processing steps.
#pragma once

#include "capture/pix_adapter.h"

namespace chartroom::capture::detail {

// A quick, stable binary page for measurements (skew, blank): background
// normalized, then a global threshold, so faint show-through and paper
// texture stay white. Gray1 pages are used as they are. `halve` works at half
// the size (a quarter of the pixels) for measurements that do not need detail.
PixPtr analysis_binary(const Image& page, bool halve = false);

// The measurement images of one page, made once and shared by the blank
// check, the quality checks and the skew search.
struct Analysis {
  PixPtr gray;    // 8 bpp, the page at this size as it is (null for a Gray1 page)
  PixPtr norm;    // 8 bpp, paper flattened to 200 (null for a Gray1 page)
  PixPtr binary;  // ink = darker than 130 in `norm` (or the Gray1 page itself)
  int dpi = 300;  // of these images
  int scale = 1;  // page pixels per analysis pixel (2 for pages of 200 dpi and more)
};
Analysis analyze(const Image& page);

// The steps on a shared Analysis (the public functions make their own).
Skew find_skew(const Analysis& analysis, const SkewOptions& options);
BlankCheck check_blank(const Analysis& analysis, const BlankOptions& options);
QualityCheck check_quality(const Image& page, const Analysis& analysis, const QualityOptions& options);

// What cleanup removes, told by a connected component's box (x, y, w, h) on a
// binary page of width x height at `dpi`: a dark scanner border (touching the
// image edge, larger than any letter) or a punch hole (`piece` is the
// component's own pixels: a filled disc 0.15..0.45 inch across near an edge).
bool is_border(int x, int y, int w, int h, int width, int height, int dpi);
bool is_punch_hole(Pix* piece, int x, int y, int w, int h, int width, int height, int dpi);

}  // namespace chartroom::capture::detail

namespace chartroom::capture::detail {

// True for a colour page with real colour in it (a stamp, a photo, a coloured
// form), not the faint tint every colour scanner gives white paper.
bool is_colourful(const Image& page);

// True when a gray page holds a photograph or other continuous-tone picture
// (areas of mid-gray that text never makes); such pages are not made bilevel.
bool has_picture(const Image& gray);
// The same on the page already halved (`half`, 8 bpp) of a page of `dpi`.
bool has_picture(Pix* half, int dpi);

}  // namespace chartroom::capture::detail
