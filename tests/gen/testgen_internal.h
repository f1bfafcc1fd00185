// Helpers shared by the generator's source files; private to tests/gen.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/core.h"
#include "tests/gen/testgen.h"

namespace cv {
class Mat;
}

namespace chartroom::testgen::detail {

// The paper defects of ScanDefects (ink, bleed_through, cut_off, punch_holes,
// stamp, folded_corner, uneven) on an upright 8-bit page at `dpi`.
void apply_paper_defects(cv::Mat& mat, const ScanDefects& defects, int dpi);

// Maps the text to printable ASCII (curly quotes, dashes, accented letters,
// degree signs...) and folds whitespace runs to one space, so that what is
// drawn and the ground truth agree character for character.
std::string to_printable_ascii(std::string_view utf8);

// Length of a leading "HEADING:" (upper-case words ending in a colon, colon
// included), or 0 when the text does not start with one.
std::size_t heading_length(std::string_view text);

// Small deterministic generator (SplitMix64): the same seed gives the same
// pages with any standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Draws one line of body text (12 pt serif) centred on `centre_x`.
void draw_centred_text(Image& page, int centre_x, int baseline, std::string_view text);

// Converts any page to Gray8 (Gray1 black -> 0, white -> 255).
Image to_gray8(const Image& image);
// Thresholds any page to Gray1 (packed MSB first, 1 = black).
Image to_gray1(const Image& image, int threshold = 128);

}  // namespace chartroom::testgen::detail
