#include "ocr/pix.h"

#include <cstring>
#include <fmt/core.h>

namespace chartroom::ocr {

int effective_dpi(int dpi) { return dpi > 0 ? dpi : 300; }

PixPtr upsample(PIX* pix, double factor) {
  const auto f = static_cast<l_float32>(factor);
  if (pixGetDepth(pix) != 1) return PixPtr(pixScale(pix, f, f));
  const PixPtr gray(pixConvert1To8(nullptr, pix, 255, 0));
  if (!gray) return {};
  const PixPtr scaled(pixScaleGrayLI(gray.get(), f, f));
  return scaled ? PixPtr(pixThresholdToBinary(scaled.get(), 128)) : PixPtr{};
}

Result<PixPtr> image_to_pix(const Image& image) {
  if (image.empty()) return fail(ErrorCode::kInvalidArgument, "empty page image");
  const int bpp = bits_per_pixel(image.format);
  const auto packed = (static_cast<std::size_t>(image.width) * static_cast<std::size_t>(bpp) + 7) / 8;
  if (static_cast<std::size_t>(image.stride) < packed ||
      image.pixels.size() < static_cast<std::size_t>(image.stride) * static_cast<std::size_t>(image.height)) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("page image {}x{} has a stride or buffer too small for its pixels", image.width,
                            image.height));
  }
  const int depth = image.format == PixelFormat::kRgb8 ? 32 : bpp;
  PixPtr pix(pixCreate(image.width, image.height, depth));
  if (!pix) return fail(ErrorCode::kTooLarge, fmt::format("cannot allocate a {}x{} page", image.width, image.height));

  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    const auto src = image.row(y);
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    if (image.format == PixelFormat::kRgb8) {
      // Leptonica's RGB pixel is one 32-bit word: R in the top byte.
      for (int x = 0; x < image.width; ++x) {
        const auto* p = src.data() + static_cast<std::ptrdiff_t>(x) * 3;
        line[x] = (l_uint32{p[0]} << 24) | (l_uint32{p[1]} << 16) | (l_uint32{p[2]} << 8);
      }
    } else {
      // Gray1 (MSB first, 1 = black) and Gray8 share Leptonica's layout as a
      // byte stream; the words are swapped to native order below.
      std::memcpy(line, src.data(), packed);
    }
  }
  if (image.format != PixelFormat::kRgb8) {
    // Leptonica keeps packed pixels in big-endian order within native 32-bit
    // words; this is a no-op on big-endian builds.
    pixEndianByteSwap(pix.get());
    if (image.format == PixelFormat::kGray1) pixSetPadBits(pix.get(), 0);
  }
  pixSetResolution(pix.get(), effective_dpi(image.dpi_x ? image.dpi_x : image.dpi_y),
                   effective_dpi(image.dpi_y ? image.dpi_y : image.dpi_x));
  return pix;
}

}  // namespace chartroom::ocr
