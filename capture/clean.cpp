// The whole cleaning chain for one page.
#include <leptonica/allheaders.h>

#include <cmath>
#include <cstdio>

#include "capture/capture.h"
#include "capture/steps.h"

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

// Writes the stage images when a debug folder is set; a failure to write
// never stops the page (it is reported as a warning once).
class Debug {
 public:
  Debug(const CleanOptions& options, std::vector<std::string>& warnings) : options_(options), warnings_(warnings) {}
  void operator()(const char* stage, const Image& image) {
    if (options_.debug_dir.empty() || image.empty()) return;
    ++step_;
    const auto path = options_.debug_dir / (options_.debug_name + "-" + std::to_string(step_) + "-" + stage + ".png");
    std::error_code ignored;
    std::filesystem::create_directories(options_.debug_dir, ignored);
    if (auto written = write_image(image, path); !written && !failed_) {
      failed_ = true;
      warnings_.push_back("debug image not written: " + written.error().message);
    }
  }

 private:
  const CleanOptions& options_;
  std::vector<std::string>& warnings_;
  int step_ = 0;
  bool failed_ = false;
};

}  // namespace

Result<CleanPage> clean_page(const Image& scan, const CleanOptions& options) {
  if (scan.empty() || scan.pixels.size() < static_cast<std::size_t>(scan.stride) * scan.height) {
    return fail(ErrorCode::kInvalidArgument, "clean_page: the page image is empty or its buffer is too small");
  }
  CleanPage out;
  Debug debug(options, out.warnings);
  debug("scan", scan);
  Image gray = to_gray(scan);
  const bool colour = detail::is_colourful(scan);
  Image rgb = colour ? scan : Image{};
  detail::Analysis analysis = detail::analyze(gray);
  out.blank = detail::check_blank(analysis, options.blank);
  if (out.blank.blank) {
    // A page with only a barcode label is not a blank back side.
    out.barcodes = read_barcodes(gray, options.barcodes);
    out.blank.blank = out.barcodes.empty();
  }
  if (out.blank.blank && !out.blank.read_before_dropping) {
    // Nothing to straighten or turn; skipping saves time and spurious warnings.
    out.image = options.output_bilevel ? binarize(gray, options.binarize) : std::move(gray);
    debug("final", out.image);
    return out;
  }
  out.quality = detail::check_quality(scan, analysis, options.quality);

  const double min_skew = options.skew.min_confidence;
  Skew skew = detail::find_skew(analysis, options.skew);
  int quarter = 0;
  if (skew.confidence < options.sideways_check * min_skew) {
    // A sideways page has vertical lines, which a skew search around 0 cannot
    // see (or sees only in a stamp or a ruled line); measure it turned a
    // quarter and keep that if clearly better. The flattened page goes along,
    // for light ink the fixed threshold misses.
    detail::Analysis turned{nullptr,
                            analysis.norm ? detail::PixPtr(pixRotate90(analysis.norm.get(), 1)) : detail::PixPtr{},
                            detail::PixPtr(pixRotate90(analysis.binary.get(), 1)), analysis.dpi, analysis.scale};
    const Skew turned_skew = detail::find_skew(turned, options.skew);
    if (turned_skew.confidence >= min_skew && turned_skew.confidence >= 2 * skew.confidence) {
      gray = rotate_orthogonal(gray, 90);
      if (colour) rgb = rotate_orthogonal(rgb, 90);
      skew = turned_skew;
      quarter = 90;
    }
  }
  out.skew = skew;
  if (skew.confidence >= min_skew) {
    if (std::abs(skew.degrees) > 0.05) {
      gray = rotate(gray, -skew.degrees);
      if (colour) rgb = rotate(rgb, -skew.degrees);
      out.skew_applied = true;
      debug("deskewed", gray);
    }
  } else {
    out.warnings.push_back("skew estimate unsure (confidence " + two_places(skew.confidence) +
                           "); page left as scanned");
  }

  const FoundMarks marks = find_marks(gray, options.cleanup);
  if (!marks.mask.empty()) {
    erase_marks(gray, marks);
    if (colour) erase_marks(rgb, marks);
    debug("marks-removed", gray);
  }
  out.cleanup = marks.found;

  // On the straightened gray page, before binarization can thin the bars;
  // zxing turns the page itself, so the orientation need not be known yet.
  out.barcodes = read_barcodes(gray, options.barcodes);
  Image binary = binarize(gray, options.binarize);
  debug("binary", binary);
  if (options.close_strokes) {
    binary = thicken_strokes(binary);
    debug("strokes-closed", binary);
  }
  out.cleanup.specks = despeckle(binary, options.cleanup);
  if (out.cleanup.specks > 0) debug("despeckled", binary);
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
  // Pictures do not care about skew or a quarter turn: the halved scan of the
  // shared analysis serves (a page under 200 dpi is halved here).
  out.picture = colour || (analysis.scale == 2 && analysis.gray
                               ? detail::has_picture(analysis.gray.get(), analysis.dpi * 2)
                               : detail::has_picture(gray));
  if (options.output_bilevel && !out.picture) {
    out.image = rotate_orthogonal(binary, extra);
  } else {
    out.image = rotate_orthogonal(colour ? rgb : gray, extra);
  }
  debug("final", out.image);
  return out;
}

void turn_clean_page(CleanPage& page, int clockwise_degrees) {
  const int degrees = ((clockwise_degrees % 360) + 360) % 360;
  if (degrees == 0) return;
  for (Barcode& code : page.barcodes) code.box = turn_box(code.box, page.image.width, page.image.height, degrees);
  page.image = rotate_orthogonal(page.image, degrees);
  page.orientation.degrees = (page.orientation.degrees + degrees) % 360;
}

}  // namespace chartroom::capture
