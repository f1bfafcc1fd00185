// Private to capture/: the only place where Leptonica's PIX meets core::Image.
#pragma once

#include <memory>

#include "core/core.h"

struct Pix;  // Leptonica's PIX (typedef struct Pix PIX)
struct Boxa;
struct Pixa;

namespace chartroom::capture::detail {

struct PixDeleter {
  void operator()(Pix* pix) const;
};
// Owns one PIX; pixDestroy on scope exit.
using PixPtr = std::unique_ptr<Pix, PixDeleter>;
struct BoxaDeleter {
  void operator()(Boxa* boxa) const;
};
struct PixaDeleter {
  void operator()(Pixa* pixa) const;
};
// Own a Leptonica box array / pix array (e.g. from pixConnComp).
using BoxaPtr = std::unique_ptr<Boxa, BoxaDeleter>;
using PixaPtr = std::unique_ptr<Pixa, PixaDeleter>;

// Copies an Image into a new PIX (1, 8 or 32 bpp) with its resolution.
PixPtr to_pix(const Image& image);
// Copies a 1, 8 or 32 bpp PIX back (other depths are converted to 8 bpp).
// `dpi` replaces the PIX resolution when the PIX has none.
Image from_pix(Pix* pix, int dpi);

// Silences Leptonica's stderr messages once per process (thread-safe).
void quiet_leptonica();

// Resolution to use when an image states none.
int dpi_or_default(const Image& image);

// Fast conversions shared by the steps.
Image gray_from(const Image& page);  // any format -> Gray8
PixPtr gray_pix(const Image& page);  // any format -> 8 bpp PIX
// Gray8 -> Gray1: pixels darker than `level` become ink.
Image threshold_gray(const Image& gray, int level);

}  // namespace chartroom::capture::detail
