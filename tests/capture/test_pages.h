// Pages made in code for the capture tests: text rendered with OpenCV's
// Hershey fonts, rotated with a known direction, written with libtiff.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "capture/capture.h"

namespace chartroom::capture::test {

// A US Letter page at `dpi` (Gray8) with `lines` lines of text from the top margin.
Image text_page(int lines = 45, int dpi = 300);
// The same page carrying only `text` on one line in the middle.
Image one_line_page(const std::string& text, int dpi = 300);
// Paper with gaussian noise and `specks` small dark dots.
Image noise_page(int specks, std::uint32_t seed, int dpi = 300);

// Content turned counter-clockwise by `degrees` as seen on screen (OpenCV's
// own convention, independent of the code under test), white brought in.
Image turned_ccw(const Image& page, double degrees);
// Turned clockwise by a multiple of 90 (cv::rotate, independent of capture).
Image turned_cw(const Image& page, int degrees);
Image threshold(const Image& gray, int level = 128);

enum class TiffCodec { kG4, kLzw, kJpeg, kNone };
// Writes a multi-page TIFF with libtiff; Gray1 pages MINISWHITE unless `minisblack`.
void write_tiff(const std::vector<Image>& pages, const std::filesystem::path& path, TiffCodec codec,
                bool minisblack = false);

std::filesystem::path temp_dir();
void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
// Share of pixels that differ between two images of the same size and format.
double difference(const Image& a, const Image& b);

}  // namespace chartroom::capture::test
