// Damaged TIFF files made from whole ones: the layouts scanners write and
// where each page's bytes are, so a test can cut a file inside a given page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chartroom::capture::test {

// Where one page of a TIFF lies in the file.
struct PageBytes {
  std::size_t ifd = 0;         // its directory
  std::size_t data_begin = 0;  // its first strip
  std::size_t data_end = 0;    // one past its last strip
};

// The pages of a classic little-endian TIFF with strips (libtiff's layout:
// each page's strips, then its directory).
std::vector<PageBytes> page_bytes(const std::vector<std::uint8_t>& tiff);

// The same pages rewritten with each directory before its strips (the layout
// of many scanners, tifffile and Pillow's uncompressed writer), so a file cut
// inside a page's data still holds that page's directory. `pages`, when
// given, receives where each page lies in the result.
std::vector<std::uint8_t> ifd_first(const std::vector<std::uint8_t>& tiff, std::vector<PageBytes>* pages = nullptr);

}  // namespace chartroom::capture::test
