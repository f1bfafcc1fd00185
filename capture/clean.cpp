// The whole cleaning chain for one page.
#include <cmath>
#include <cstdio>

#include "capture/capture.h"

namespace chartroom::capture {

namespace {

std::string two_places(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

// A box on a page of `width` x `height`, after the page turns clockwise by `degrees`.
Box turn_box(const Box& box, int width, int height, int degrees) {
  switch (((degrees % 360) + 360) % 360) {
    case 90: return {height - box.y - box.height, box.x, box.height, box.width};
    case 180: return {width - box.x - box.width, height - box.y - box.height, box.width, box.height};
    case 270: return {box.y, width - box.x - box.width, box.height, box.width};
    default: return box;
  }
}

}  // namespace

Result<CleanPage> clean_page(const Image& scan, const CleanOptions& options) {
  if (scan.empty() || scan.pixels.size() < static_cast<std::size_t>(scan.stride) * scan.height) {
    return fail(ErrorCode::kInvalidArgument, "clean_page: the page image is empty or its buffer is too small");
  }
  CleanPage out;
  Image gray = to_gray(scan);  // colour stays out for now: text pages are stored bilevel
  out.blank = check_blank(gray, options.blank);
  if (out.blank.blank) {
    // A page with only a barcode label is not a blank back side.
    out.barcodes = read_barcodes(gray, options.barcodes);
    out.blank.blank = out.barcodes.empty();
  }
  if (out.blank.blank) {
    // Nothing to straighten or turn; skipping saves time and spurious warnings.
    out.image = options.output_bilevel ? binarize(gray, options.binarize) : std::move(gray);
    return out;
  }

  const double min_skew = options.skew.min_confidence;
  Skew skew = find_skew(gray, options.skew);
  int quarter = 0;
  if (skew.confidence < min_skew) {
    // A sideways page has vertical lines, which a skew search around 0 cannot
    // see; measure it turned a quarter and keep that if clearly better.
    Image turned = rotate_orthogonal(gray, 90);
    const Skew turned_skew = find_skew(turned, options.skew);
    if (turned_skew.confidence >= min_skew && turned_skew.confidence >= 2 * skew.confidence) {
      gray = std::move(turned);
      skew = turned_skew;
      quarter = 90;
    }
  }
  out.skew = skew;
  if (skew.confidence >= min_skew) {
    if (std::abs(skew.degrees) > 0.05) {
      gray = rotate(gray, -skew.degrees);
      out.skew_applied = true;
    }
  } else {
    out.warnings.push_back("skew estimate unsure (confidence " + two_places(skew.confidence) +
                           "); page left as scanned");
  }

  // On the straightened gray page, before binarization can thin the bars;
  // zxing turns the page itself, so the orientation need not be known yet.
  out.barcodes = read_barcodes(gray, options.barcodes);
  Image binary = binarize(gray, options.binarize);
  Orientation found = detect_orientation(binary, options.orientation);
  int extra = 0;
  if (found.confidence >= options.orientation.min_confidence) {
    extra = found.degrees;
  } else {
    out.warnings.push_back("orientation unsure (confidence " + two_places(found.confidence) + "); page " +
                           (quarter ? "turned a quarter clockwise by its text lines only"
                                    : "left the way it was scanned"));
  }
  out.orientation = {(quarter + extra) % 360, found.confidence};
  for (Barcode& code : out.barcodes) code.box = turn_box(code.box, gray.width, gray.height, extra);
  if (options.output_bilevel) {
    out.image = rotate_orthogonal(binary, extra);
  } else {
    out.image = rotate_orthogonal(gray, extra);
  }
  return out;
}

}  // namespace chartroom::capture
