// Private to ocr/: the adapter from chartroom's Image to a Leptonica PIX.
#pragma once

#include <memory>

#include <leptonica/allheaders.h>

#include "core/core.h"

namespace chartroom::ocr {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// Copies the pixels into a new PIX of the same depth class (Gray1 -> 1 bpp with
// 1 = black, Gray8 -> 8 bpp, Rgb8 -> 32 bpp RGB) and sets its resolution
// (300 dpi when the image does not know it).
Result<PixPtr> image_to_pix(const Image& image);

// The resolution Tesseract is told: the image's, or 300 dpi when unknown.
int effective_dpi(int dpi);

// The page scaled up by `factor` (> 1) for reading: gray and colour by linear
// interpolation, 1 bpp through gray (interpolated, then thresholded at the
// middle), so that letter edges come out smooth instead of in blocks.
PixPtr upsample(PIX* pix, double factor);

}  // namespace chartroom::ocr
