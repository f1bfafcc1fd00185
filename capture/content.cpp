// What a page holds besides text: colour, or continuous-tone pictures.
#include <leptonica/allheaders.h>

#include <algorithm>
#include <array>
#include <vector>

#include "capture/capture.h"
#include "capture/pix_adapter.h"
#include "capture/steps.h"

namespace chartroom::capture::detail {

bool is_colourful(const Image& page) {
  if (page.format != PixelFormat::kRgb8 || page.empty()) return false;
  std::size_t seen = 0;
  std::size_t coloured = 0;
  for (int y = 0; y < page.height; y += 4) {
    const std::uint8_t* p = page.row(y).data();
    for (int x = 0; x < page.width; x += 4) {
      const std::uint8_t* px = p + static_cast<std::ptrdiff_t>(x) * 3;
      const int hi = std::max({px[0], px[1], px[2]});
      const int lo = std::min({px[0], px[1], px[2]});
      coloured += hi - lo > 48;
      ++seen;
    }
  }
  return seen > 0 && coloured * 500 > seen;  // more than 0.2 % of the page
}

bool has_picture(const Image& gray) {
  quiet_leptonica();
  if (gray.format == PixelFormat::kGray1 || gray.width < 256 || gray.height < 256) return false;
  PixPtr pix = gray_pix(gray);
  PixPtr half(pixScaleAreaMap2(pix.get()));
  return half && has_picture(half.get(), dpi_or_default(gray));
}

bool has_picture(Pix* half, int dpi) {
  quiet_leptonica();
  if (half == nullptr || pixGetDepth(half) != 8 || pixGetWidth(half) < 128 || pixGetHeight(half) < 128) return false;
  const int width = pixGetWidth(half);
  const int height = pixGetHeight(half);
  const int wpl = pixGetWpl(half);
  const l_uint32* data = pixGetData(half);
  auto at = [&](int x, int y) { return static_cast<int>(GET_DATA_BYTE(data + static_cast<std::ptrdiff_t>(y) * wpl, x)); };
  // The paper's gray, tile by tile (about an inch): the 90th percentile,
  // then the median of the tiles within two inches, so that neither text nor
  // a picture darkens it, erased marks do not brighten it, and uneven
  // lighting is followed.
  const int tile = std::max(32, dpi / 2);
  const int tx = (width + tile - 1) / tile;
  const int ty = (height + tile - 1) / tile;
  std::vector<int> paper(static_cast<std::size_t>(tx * ty), 255);
  for (int j = 0; j < ty; ++j) {
    for (int i = 0; i < tx; ++i) {
      std::array<int, 256> histogram{};
      int total = 0;
      for (int y = j * tile; y < std::min(height, (j + 1) * tile); y += 2) {
        for (int x = i * tile; x < std::min(width, (i + 1) * tile); x += 2, ++total) ++histogram[static_cast<std::size_t>(at(x, y))];
      }
      int seen = 0;
      int level = 0;
      while (level < 255 && seen + histogram[static_cast<std::size_t>(level)] < total * 9 / 10) seen += histogram[static_cast<std::size_t>(level++)];
      paper[static_cast<std::size_t>(j * tx + i)] = level;
    }
  }
  std::vector<int> local(paper.size(), 0);
  std::vector<int> around;
  for (int j = 0; j < ty; ++j) {
    for (int i = 0; i < tx; ++i) {
      around.clear();
      for (int dj = -2; dj <= 2; ++dj) {
        for (int di = -2; di <= 2; ++di) {
          const int jj = j + dj, ii = i + di;
          if (jj >= 0 && jj < ty && ii >= 0 && ii < tx) around.push_back(paper[static_cast<std::size_t>(jj * tx + ii)]);
        }
      }
      std::nth_element(around.begin(), around.begin() + static_cast<std::ptrdiff_t>(around.size() / 2), around.end());
      local[static_cast<std::size_t>(j * tx + i)] = around[around.size() / 2];
    }
  }
  // Blocks of about 1/5 inch mostly in mid-gray: a picture's tone, which text
  // (ink on paper, with thin soft edges) never makes.
  const int block = std::max(8, tile / 5);
  int blocks = 0;
  int pictures = 0;
  for (int by = 0; by + block <= height; by += block) {
    for (int bx = 0; bx + block <= width; bx += block) {
      const int ref = local[static_cast<std::size_t>((by / tile) * tx + bx / tile)];
      const int lo = ref * 3 / 10;
      const int hi = ref * 8 / 10;
      const int white = ref * 9 / 10;
      int mid = 0;
      int paper_pixels = 0;
      for (int y = by; y < by + block; ++y) {
        for (int x = bx; x < bx + block; ++x) {
          const int v = at(x, y);
          mid += v >= lo && v <= hi;
          paper_pixels += v >= white;
        }
      }
      ++blocks;
      // Text, even faint or soft, leaves paper between its strokes.
      pictures += 2 * mid >= block * block && 5 * paper_pixels < block * block;
    }
  }
  return blocks > 0 && pictures * 1000 >= blocks * 15;  // 1.5 % of the page or more
}

}  // namespace chartroom::capture::detail
