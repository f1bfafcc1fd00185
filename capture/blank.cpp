// Blank-page check: ink inside the margins after dust and specks are removed,
// and letter-sized marks, also faint ones (a washed-out page is not blank).
#include <leptonica/allheaders.h>

#include <algorithm>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {

struct BoxDeleter {
  void operator()(::Box* box) const { boxDestroy(&box); }
};

// Marks the size of letters: taller than ~0.8 mm, smaller than ~1/3 inch.
int count_letter_marks(Pix* binary, int dpi) {
  detail::BoxaPtr boxes(pixConnCompBB(binary, 8));
  if (!boxes) return 0;
  int marks = 0;
  const int count = boxaGetCount(boxes.get());
  for (int i = 0; i < count; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    if (h >= dpi / 32 && h <= dpi / 3 && w <= dpi / 2) ++marks;
  }
  return marks;
}

// The part of `pix` inside the margins, without specks under ~0.5 mm.
PixPtr inside_without_specks(Pix* pix, const BlankOptions& options, int dpi) {
  const int width = pixGetWidth(pix);
  const int height = pixGetHeight(pix);
  const int mx = static_cast<int>(width * options.margin_fraction);
  const int my = static_cast<int>(height * options.margin_fraction);
  std::unique_ptr<::Box, BoxDeleter> inside(
      boxCreate(mx, my, std::max(1, width - 2 * mx), std::max(1, height - 2 * my)));
  PixPtr clipped(pixClipRectangle(pix, inside.get(), nullptr));
  if (!clipped) return clipped;
  const int speck = std::max(2, dpi / 50);
  return PixPtr(pixSelectBySize(clipped.get(), speck, speck, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, nullptr));
}

}  // namespace

BlankCheck detail::check_blank(const Analysis& analysis, const BlankOptions& options) {
  quiet_leptonica();
  if (!analysis.binary) return {};
  PixPtr cleaned = inside_without_specks(analysis.binary.get(), options, analysis.dpi);
  if (!cleaned) return {};
  l_int32 ink = 0;
  pixCountPixels(cleaned.get(), &ink, nullptr);
  const double area = static_cast<double>(pixGetWidth(cleaned.get())) * pixGetHeight(cleaned.get());
  BlankCheck check;
  check.ink_fraction = ink / area;
  int marks = count_letter_marks(cleaned.get(), analysis.dpi);
  if (analysis.norm && marks < options.min_text_marks) {
    // Faint writing (pencil, weak toner, a washed-out scan): 15 % darker than
    // the paper. Bleed-through and noise stay above that.
    PixPtr faint(pixThresholdToBinary(analysis.norm.get(), 170));
    PixPtr faint_cleaned = faint ? inside_without_specks(faint.get(), options, analysis.dpi) : nullptr;
    if (faint_cleaned) marks = std::max(marks, count_letter_marks(faint_cleaned.get(), analysis.dpi));
  }
  // How far the page is from the nearest "not blank" rule, 1 = exactly at it.
  const double ink_ratio = check.ink_fraction / std::max(options.max_ink_fraction, 1e-9);
  const double mark_ratio = static_cast<double>(marks) / std::max(options.min_text_marks, 1);
  const double evidence = std::max(ink_ratio, mark_ratio);
  check.blank = ink_ratio <= 1.0 && mark_ratio < 1.0;
  // 0.5 at the boundary, 1 far from it on either side.
  check.confidence = check.blank ? std::clamp(1.0 - 0.5 * evidence, 0.5, 1.0)
                                 : std::clamp(0.5 + 0.5 * (evidence - 1.0), 0.5, 1.0);
  return check;
}

BlankCheck check_blank(const Image& page, const BlankOptions& options) {
  if (page.empty()) return {true, 0, 1};
  return detail::check_blank(detail::analyze(page), options);
}

}  // namespace chartroom::capture
