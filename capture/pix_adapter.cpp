#include "capture/pix_adapter.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace chartroom::capture::detail {

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }
void BoxaDeleter::operator()(Boxa* boxa) const { boxaDestroy(&boxa); }
void PixaDeleter::operator()(Pixa* pixa) const { pixaDestroy(&pixa); }

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

int dpi_or_default(const Image& image) { return image.dpi_x > 0 ? image.dpi_x : 300; }

namespace {

// Leptonica keeps pixels in 32-bit words whose most significant byte is the
// leftmost; on little-endian machines the bytes of each word are reversed in
// memory. Rows are copied as bytes, then pixEndianByteSwap fixes the order
// (a no-op on big-endian machines).
PixPtr bytes_to_pix(const Image& image, int depth) {
  PixPtr pix(pixCreate(image.width, image.height, depth));
  if (!pix) return pix;
  const auto row_bytes = static_cast<std::size_t>((image.width * depth + 7) / 8);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  const int tail_bits = (image.width * depth) % 8;
  const auto tail_mask = static_cast<std::uint8_t>(0xFF << (8 - tail_bits));
  for (int y = 0; y < image.height; ++y) {
    auto* dst = reinterpret_cast<std::uint8_t*>(data + static_cast<std::ptrdiff_t>(y) * wpl);
    std::memcpy(dst, image.row(y).data(), row_bytes);
    if (tail_bits != 0) dst[row_bytes - 1] &= tail_mask;  // padding bits must be 0
  }
  pixEndianByteSwap(pix.get());
  return pix;
}

PixPtr rgb_to_pix(const Image& image) {
  PixPtr pix(pixCreateNoInit(image.width, image.height, 32));
  if (!pix) return pix;
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* src = image.row(y).data();
    l_uint32* dst = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < image.width; ++x, src += 3) {
      dst[x] = (l_uint32{src[0]} << 24) | (l_uint32{src[1]} << 16) | (l_uint32{src[2]} << 8);
    }
  }
  return pix;
}

}  // namespace

PixPtr to_pix(const Image& image) {
  PixPtr pix;
  switch (image.format) {
    case PixelFormat::kGray1: pix = bytes_to_pix(image, 1); break;
    case PixelFormat::kGray8: pix = bytes_to_pix(image, 8); break;
    case PixelFormat::kRgb8: pix = rgb_to_pix(image); break;
  }
  if (pix) pixSetResolution(pix.get(), image.dpi_x, image.dpi_y > 0 ? image.dpi_y : image.dpi_x);
  return pix;
}

Image from_pix(Pix* pix, int dpi) {
  PixPtr converted;
  int depth = pixGetDepth(pix);
  if ((depth != 1 && depth != 8 && depth != 32) || pixGetColormap(pix) != nullptr) {
    converted.reset(pixConvertTo8(pix, 0));
    pix = converted.get();
    depth = 8;
  }
  const int xres = pixGetXRes(pix) > 0 ? pixGetXRes(pix) : dpi;
  const int yres = pixGetYRes(pix) > 0 ? pixGetYRes(pix) : xres;
  const PixelFormat format =
      depth == 1 ? PixelFormat::kGray1 : depth == 8 ? PixelFormat::kGray8 : PixelFormat::kRgb8;
  Image image = Image::blank(pixGetWidth(pix), pixGetHeight(pix), format, xres);
  image.dpi_y = yres;
  const int wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  if (depth == 32) {
    for (int y = 0; y < image.height; ++y) {
      const l_uint32* src = data + static_cast<std::ptrdiff_t>(y) * wpl;
      std::uint8_t* dst = image.row(y).data();
      for (int x = 0; x < image.width; ++x) {
        *dst++ = static_cast<std::uint8_t>(src[x] >> 24);
        *dst++ = static_cast<std::uint8_t>(src[x] >> 16);
        *dst++ = static_cast<std::uint8_t>(src[x] >> 8);
      }
    }
    return image;
  }
  PixPtr swapped(pixEndianByteSwapNew(pix));  // bytes in memory order, see bytes_to_pix
  const l_uint32* sdata = pixGetData(swapped.get());
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(image.row(y).data(), sdata + static_cast<std::ptrdiff_t>(y) * wpl,
                static_cast<std::size_t>(image.stride));
  }
  return image;
}

Image gray_from(const Image& page) {
  Image gray = Image::blank(page.width, page.height, PixelFormat::kGray8, page.dpi_x);
  gray.dpi_y = page.dpi_y;
  for (int y = 0; y < page.height; ++y) {
    const std::uint8_t* src = page.row(y).data();
    std::uint8_t* dst = gray.row(y).data();
    switch (page.format) {
      case PixelFormat::kGray8: std::memcpy(dst, src, static_cast<std::size_t>(page.width)); break;
      case PixelFormat::kGray1:
        for (int x = 0; x < page.width; ++x) {
          dst[x] = (src[x >> 3] >> (7 - (x & 7))) & 1 ? 0 : 255;
        }
        break;
      case PixelFormat::kRgb8:
        // Integer Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B.
        for (int x = 0; x < page.width; ++x, src += 3) {
          dst[x] = static_cast<std::uint8_t>((77 * src[0] + 150 * src[1] + 29 * src[2] + 128) >> 8);
        }
        break;
    }
  }
  return gray;
}

PixPtr gray_pix(const Image& page) {
  if (page.format == PixelFormat::kGray8) return to_pix(page);
  return to_pix(gray_from(page));
}

Image threshold_gray(const Image& gray, int level) {
  PixPtr pix = gray_pix(gray);
  PixPtr binary(pixThresholdToBinary(pix.get(), level));
  return from_pix(binary.get(), dpi_or_default(gray));
}

}  // namespace chartroom::capture::detail
