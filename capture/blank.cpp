// Blank-page check: ink inside the margins after dust and specks are removed,
// and letter-sized marks, also faint ones (a washed-out page is not blank).
#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace {

struct BoxDeleter {
  void operator()(::Box* box) const { boxDestroy(&box); }
};

// Marks the size of letters: at least ~1 mm tall, smaller than ~1/3 inch.
// Scanner specks are 0.1 to 0.3 mm; two or three that touch stay under 1 mm,
// while print from 7 pt up (also its x-height) and handwriting reach it.
int count_letter_marks(Pix* binary, int dpi) {
  detail::BoxaPtr boxes(pixConnCompBB(binary, 8));
  if (!boxes) return 0;
  int marks = 0;
  const int count = boxaGetCount(boxes.get());
  for (int i = 0; i < count; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    if (h * 24 >= dpi && h <= dpi / 3 && w <= dpi / 2) ++marks;
  }
  return marks;
}

// `pix` without dark scanner borders and punch holes (which a backside has as
// much as a front, and which reach past the margins on a skewed scan).
PixPtr without_borders_and_holes(Pix* pix, int dpi) {
  Pixa* raw_pixa = nullptr;
  detail::BoxaPtr boxes(pixConnComp(pix, &raw_pixa, 8));
  detail::PixaPtr pixa(raw_pixa);
  PixPtr out(pixCopy(nullptr, pix));
  if (!boxes || !pixa || !out) return out;
  const int width = pixGetWidth(pix);
  const int height = pixGetHeight(pix);
  for (int i = 0; i < boxaGetCount(boxes.get()); ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    if (std::max(w, h) < dpi * 15 / 100) continue;  // letters and smaller
    PixPtr piece(pixaGetPix(pixa.get(), i, L_CLONE));
    if (detail::is_border(x, y, w, h, width, height, dpi) ||
        detail::is_punch_hole(piece.get(), x, y, w, h, width, height, dpi)) {
      pixRasterop(out.get(), x, y, w, h, PIX_DST & PIX_NOT(PIX_SRC), piece.get(), 0, 0);  // clear its pixels
    }
  }
  return out;
}

// Pixels of the marks half an inch long or more: pen strokes (a signature, a
// handwritten line) or a ruled line, never scanner noise.
int stroke_pixels(Pix* binary, int dpi) {
  Pixa* raw_pixa = nullptr;
  detail::BoxaPtr boxes(pixConnComp(binary, &raw_pixa, 8));
  detail::PixaPtr pixa(raw_pixa);
  if (!boxes || !pixa) return 0;
  int pixels = 0;
  for (int i = 0; i < boxaGetCount(boxes.get()); ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    if (std::max(w, h) < dpi / 2) continue;
    PixPtr piece(pixaGetPix(pixa.get(), i, L_CLONE));
    l_int32 ink = 0;
    pixCountPixels(piece.get(), &ink, nullptr);
    pixels += ink;
  }
  return pixels;
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

// Ink and letter marks of one binary page (and of its faint version, made
// from `norm` when given and the page has too few marks in `binary`); with
// `drop_holes`, without borders and punch holes, and pen strokes count too.
BlankCheck measure(Pix* binary, Pix* norm, const BlankOptions& options, int dpi, bool drop_holes) {
  PixPtr kept = drop_holes ? without_borders_and_holes(binary, dpi) : nullptr;
  PixPtr cleaned = inside_without_specks(kept ? kept.get() : binary, options, dpi);
  if (!cleaned) return {};
  l_int32 ink = 0;
  pixCountPixels(cleaned.get(), &ink, nullptr);
  const double area = static_cast<double>(pixGetWidth(cleaned.get())) * pixGetHeight(cleaned.get());
  BlankCheck check;
  check.ink_fraction = ink / area;
  int marks = count_letter_marks(cleaned.get(), dpi);
  auto faint_marks = [&](int level) {
    PixPtr faint(pixThresholdToBinary(norm, level));
    if (faint && drop_holes) faint = without_borders_and_holes(faint.get(), dpi);
    PixPtr faint_cleaned = faint ? inside_without_specks(faint.get(), options, dpi) : nullptr;
    return faint_cleaned ? count_letter_marks(faint_cleaned.get(), dpi) : 0;
  };
  // Faint writing (pencil, weak toner, a washed-out scan): 15 % darker than
  // the paper. Bleed-through and noise stay above that.
  if (norm != nullptr && marks < options.min_text_marks) marks = std::max(marks, faint_marks(170));
  check.letter_marks = marks;
  // How far the page is from the nearest "not blank" rule, 1 = exactly at it.
  const double max_ink = std::max(options.max_ink_fraction, 1e-9);
  const double ink_ratio = check.ink_fraction / max_ink;
  const double mark_ratio = static_cast<double>(marks) / std::max(options.min_text_marks, 1);
  // A quarter of the ink limit in long strokes: a signature on a line has
  // several times that, a hair on the glass less.
  const double stroke_ratio = drop_holes ? stroke_pixels(cleaned.get(), dpi) / (area * max_ink / 4) : 0.0;
  const double evidence = std::max({ink_ratio, mark_ratio, stroke_ratio});
  check.blank = ink_ratio <= 1.0 && mark_ratio < 1.0 && stroke_ratio < 1.0;
  if (check.blank && norm != nullptr && check.letter_marks < options.read_from_marks) {
    check.very_faint_marks = faint_marks(options.very_faint_level);
  }
  check.read_before_dropping =
      check.blank && (std::max(check.letter_marks, check.very_faint_marks) >= options.read_from_marks ||
                      evidence >= options.read_from_evidence);
  // 0.5 at the boundary, 1 far from it on either side.
  check.confidence = check.blank ? std::clamp(1.0 - 0.5 * evidence, 0.5, 1.0)
                                 : std::clamp(0.5 + 0.5 * (evidence - 1.0), 0.5, 1.0);
  return check;
}

}  // namespace

BlankCheck detail::check_blank(const Analysis& analysis, const BlankOptions& options) {
  quiet_leptonica();
  if (!analysis.binary) return {};
  BlankCheck check = measure(analysis.binary.get(), analysis.norm.get(), options, analysis.dpi, false);
  // A page with little ink is measured again without punch holes and dark
  // edges (which a skewed scan brings inside the margins), and its pen
  // strokes count. Text pages hold several times the limit and skip this.
  if (check.ink_fraction < 4 * options.max_ink_fraction) {
    check = measure(analysis.binary.get(), analysis.norm.get(), options, analysis.dpi, true);
  }
  return check;
}

bool holds_words(const PageText& text, const BlankOptions& options) {
  for (const Word& word : text.words) {
    if (word.confidence < options.min_word_confidence) continue;
    int characters = 0;
    for (const char c : word.text) characters += std::isalnum(static_cast<unsigned char>(c)) ? 1 : 0;
    if (characters >= options.min_word_characters) return true;
  }
  return false;
}

NearBlank judge_near_blank(const BlankCheck& check, const PageText& text, const BlankOptions& options) {
  if (holds_words(text, options)) return NearBlank::kKeep;
  return check.letter_marks >= options.look_from_marks ? NearBlank::kLook : NearBlank::kDrop;
}

BlankCheck check_blank(const Image& page, const BlankOptions& options) {
  if (page.empty()) return {true, 0, 1};
  return detail::check_blank(detail::analyze(page), options);
}

}  // namespace chartroom::capture
