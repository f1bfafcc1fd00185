// Cleanup: dark scanner borders and punch holes found on the gray page and
// painted white; specks removed from the binary page.
#include <leptonica/allheaders.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>
#include <cmath>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture {

using detail::PixPtr;

namespace detail {

bool is_border(int x, int y, int w, int h, int width, int height, int dpi) {
  const bool touches = x <= 1 || y <= 1 || x + w >= width - 1 || y + h >= height - 1;
  // Larger than any letter: half an inch along the edge or more.
  return touches && std::max(w, h) >= dpi / 2;
}

// A filled round blob 0.15..0.45 inch across whose centre lies within about an
// inch of an edge, where ring binders punch.
bool is_punch_hole(Pix* piece, int x, int y, int w, int h, int width, int height, int dpi) {
  const int lo = dpi * 15 / 100;
  const int hi = dpi * 45 / 100;
  if (w < lo || h < lo || w > hi || h > hi || 4 * w < 3 * h || 4 * h < 3 * w) return false;
  const int cx = x + w / 2;
  const int cy = y + h / 2;
  const int reach = dpi * 11 / 10;
  if (cx > reach && cy > reach && cx < width - reach && cy < height - reach) return false;
  l_int32 ink = 0;
  pixCountPixels(piece, &ink, nullptr);
  const double fill = static_cast<double>(ink) / (static_cast<double>(w) * h);  // a disc fills pi/4
  return fill >= 0.6 && fill <= 0.92;
}

}  // namespace detail

FoundMarks find_marks(const Image& page, const CleanupOptions& options) {
  detail::quiet_leptonica();
  FoundMarks out;
  if ((!options.remove_borders && !options.remove_punch_holes) || page.width < 64 || page.height < 64) return out;
  const int page_dpi = detail::dpi_or_default(page);
  const int scale = page_dpi >= 200 ? 2 : 1;
  const int dpi = page_dpi / scale;
  PixPtr binary = detail::analysis_binary(page, scale == 2);
  if (!binary) return out;
  Pixa* raw_pixa = nullptr;
  detail::BoxaPtr boxes(pixConnComp(binary.get(), &raw_pixa, 8));
  detail::PixaPtr pixa(raw_pixa);
  if (!boxes || !pixa) return out;
  const int width = pixGetWidth(binary.get());
  const int height = pixGetHeight(binary.get());
  PixPtr mask(pixCreate(width, height, 1));
  bool any = false;
  const int count = boxaGetCount(boxes.get());
  for (int i = 0; i < count; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h);
    if (std::max(w, h) < dpi * 15 / 100) continue;  // letters and smaller: never a border or a hole
    PixPtr piece(pixaGetPix(pixa.get(), i, L_CLONE));
    const Box box{x * scale, y * scale, w * scale, h * scale};
    if (options.remove_borders && detail::is_border(x, y, w, h, width, height, dpi)) {
      out.found.borders.push_back(box);
    } else if (options.remove_punch_holes && detail::is_punch_hole(piece.get(), x, y, w, h, width, height, dpi)) {
      out.found.punch_holes.push_back(box);
    } else {
      continue;
    }
    pixRasterop(mask.get(), x, y, w, h, PIX_SRC | PIX_DST, piece.get(), 0, 0);
    any = true;
  }
  if (!any) return out;
  // Grow the mask over the soft, lighter rim the threshold left outside.
  const int grow = 2 * std::max(1, dpi / 100) + 1;
  mask.reset(pixDilateBrick(nullptr, mask.get(), grow, grow));
  if (scale == 2) {
    PixPtr full(pixCreate(page.width, page.height, 1));
    PixPtr doubled(pixExpandBinaryReplicate(mask.get(), 2, 2));
    pixRasterop(full.get(), 0, 0, page.width, page.height, PIX_SRC, doubled.get(), 0, 0);
    mask = std::move(full);
  }
  out.mask = detail::from_pix(mask.get(), page_dpi);
  return out;
}

namespace {

// Which tiles hold a pixel of the mask, or touch one that does: only their
// paper levels are ever used.
std::vector<bool> tiles_near_mask(const Image& mask, int tile, int tx, int ty) {
  std::vector<bool> marked(static_cast<std::size_t>(tx * ty), false);
  const auto bytes = static_cast<std::size_t>((mask.width + 7) / 8);
  for (int y = 0; y < mask.height; ++y) {
    const auto bits = mask.row(y);
    for (std::size_t b = 0; b < bytes; ++b) {
      if (bits[b] != 0) marked[static_cast<std::size_t>((y / tile) * tx + static_cast<int>(b * 8) / tile)] = true;
    }
  }
  std::vector<bool> near = marked;
  for (int j = 0; j < ty; ++j) {
    for (int i = 0; i < tx; ++i) {
      if (!marked[static_cast<std::size_t>(j * tx + i)]) continue;
      for (int jj = std::max(0, j - 1); jj <= std::min(ty - 1, j + 1); ++jj) {
        for (int ii = std::max(0, i - 1); ii <= std::min(tx - 1, i + 1); ++ii) near[static_cast<std::size_t>(jj * tx + ii)] = true;
      }
    }
  }
  return near;
}

// The paper's gray around each 32 x 32 tile near the mask, from the pixels
// outside the mask (their 90th percentile); tiles wholly under the mask take a
// neighbour's. Tiles far from the mask are never painted and stay white.
std::vector<int> paper_levels(const Image& gray, const Image& mask, int tile, int tx, int ty) {
  const std::vector<bool> near = tiles_near_mask(mask, tile, tx, ty);
  std::vector<int> level(static_cast<std::size_t>(tx * ty), -1);
  for (int j = 0; j < ty; ++j) {
    for (int i = 0; i < tx; ++i) {
      if (!near[static_cast<std::size_t>(j * tx + i)]) {
        level[static_cast<std::size_t>(j * tx + i)] = 255;
        continue;
      }
      std::array<int, 256> histogram{};
      int total = 0;
      for (int y = j * tile; y < std::min(gray.height, (j + 1) * tile); ++y) {
        const auto bits = mask.row(y);
        const auto row = gray.row(y);
        for (int x = i * tile; x < std::min(gray.width, (i + 1) * tile); ++x) {
          if ((bits[static_cast<std::size_t>(x >> 3)] >> (7 - (x & 7))) & 1) continue;
          ++histogram[row[static_cast<std::size_t>(x)]];
          ++total;
        }
      }
      if (total < tile) continue;
      int seen = 0;
      int v = 0;
      while (v < 255 && seen + histogram[static_cast<std::size_t>(v)] < total * 9 / 10) seen += histogram[static_cast<std::size_t>(v++)];
      level[static_cast<std::size_t>(j * tx + i)] = v;
    }
  }
  // Spread known levels into unknown tiles, a ring at a time.
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<int> next = level;
    for (int j = 0; j < ty; ++j) {
      for (int i = 0; i < tx; ++i) {
        if (level[static_cast<std::size_t>(j * tx + i)] >= 0) continue;
        for (const auto& [di, dj] : {std::pair{-1, 0}, std::pair{1, 0}, std::pair{0, -1}, std::pair{0, 1}}) {
          const int ii = i + di, jj = j + dj;
          if (ii < 0 || jj < 0 || ii >= tx || jj >= ty) continue;
          const int known = level[static_cast<std::size_t>(jj * tx + ii)];
          if (known >= 0) {
            next[static_cast<std::size_t>(j * tx + i)] = known;
            changed = true;
            break;
          }
        }
      }
    }
    level = std::move(next);
  }
  for (int& v : level) v = v < 0 ? 255 : v;
  return level;
}

}  // namespace

void erase_marks(Image& page, const FoundMarks& marks) {
  const Image& mask = marks.mask;
  if (mask.empty() || mask.width != page.width || mask.height != page.height) return;
  // Gray pages get the paper's own shade there, so that a hole on gray or
  // unevenly lit paper does not become a white patch with an edge around it.
  constexpr int kTile = 32;
  const int tx = (page.width + kTile - 1) / kTile;
  const int ty = (page.height + kTile - 1) / kTile;
  const std::vector<int> paper =
      page.format == PixelFormat::kGray8 ? paper_levels(page, mask, kTile, tx, ty) : std::vector<int>{};
  for (int y = 0; y < page.height; ++y) {
    const auto bits = mask.row(y);
    auto row = page.row(y);
    if (page.format == PixelFormat::kGray1) {
      const auto bytes = static_cast<std::size_t>((page.width + 7) / 8);
      for (std::size_t i = 0; i < bytes; ++i) row[i] = static_cast<std::uint8_t>(row[i] & ~bits[i]);
      continue;
    }
    const int channels = page.format == PixelFormat::kRgb8 ? 3 : 1;
    for (int x = 0; x < page.width; ++x) {
      if (((bits[static_cast<std::size_t>(x >> 3)] >> (7 - (x & 7))) & 1) == 0) continue;
      const auto shade = paper.empty() ? std::uint8_t{255}
                                       : static_cast<std::uint8_t>(paper[static_cast<std::size_t>((y / kTile) * tx + x / kTile)]);
      std::fill_n(row.begin() + static_cast<std::ptrdiff_t>(x) * channels, channels, shade);
    }
  }
}

int despeckle(Image& binary, const CleanupOptions& options) {
  detail::quiet_leptonica();
  if (binary.format != PixelFormat::kGray1 || options.max_speck_mm <= 0 || binary.empty()) return 0;
  const int dpi = detail::dpi_or_default(binary);
  const int speck = static_cast<int>(options.max_speck_mm * dpi / 25.4);
  if (speck < 1) return 0;
  PixPtr pix = detail::to_pix(binary);
  l_int32 changed = 0;
  // Keep whatever is larger than a speck in either direction.
  PixPtr kept(pixSelectBySize(pix.get(), speck, speck, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, &changed));
  if (!kept || !changed) return 0;
  PixPtr removed(pixXor(nullptr, pix.get(), kept.get()));
  l_int32 specks = 0;
  pixCountConnComp(removed.get(), 8, &specks);
  binary = detail::from_pix(kept.get(), dpi);
  return specks;
}

}  // namespace chartroom::capture
