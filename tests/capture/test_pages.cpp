#include "tests/capture/test_pages.h"

#include <tiffio.h>
#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <random>
#include <stdexcept>

namespace chartroom::capture::test {
namespace {

cv::Mat view(Image& image) {
  return {image.height, image.width, image.format == PixelFormat::kRgb8 ? CV_8UC3 : CV_8UC1,
          image.pixels.data(), static_cast<std::size_t>(image.stride)};
}

const char* const kWords[] = {"patient", "history", "blood", "pressure", "taken", "daily", "left",
                              "knee", "pain", "follow", "up", "in", "two", "weeks", "aspirin", "81mg",
                              "reviewed", "by", "Dr.", "Hughes", "allergies:", "none", "known",
                              "plan", "discharge", "home", "with", "family", "stable", "gait"};

}  // namespace

Image text_page(int lines, int dpi) {
  Image page = Image::blank(dpi * 17 / 2, dpi * 11, PixelFormat::kGray8, dpi);
  cv::Mat m = view(page);
  std::mt19937 rng(42);
  const double scale = dpi / 300.0 * 1.4;
  const int pitch = dpi * 60 / 300;
  for (int i = 0; i < lines; ++i) {
    std::string line;
    while (line.size() < 62) line += std::string(kWords[rng() % std::size(kWords)]) + " ";
    cv::putText(m, line, {dpi * 3 / 4, dpi + i * pitch}, cv::FONT_HERSHEY_COMPLEX, scale, cv::Scalar(20),
                std::max(1, dpi / 150), cv::LINE_AA);
  }
  return page;
}

Image one_line_page(const std::string& text, int dpi) {
  Image page = Image::blank(dpi * 17 / 2, dpi * 11, PixelFormat::kGray8, dpi);
  cv::putText(view(page), text, {dpi * 2, dpi * 11 / 2}, cv::FONT_HERSHEY_DUPLEX, dpi / 300.0 * 1.4,
              cv::Scalar(20), std::max(1, dpi / 150), cv::LINE_AA);
  return page;
}

Image noise_page(int specks, std::uint32_t seed, int dpi) {
  Image page = Image::blank(dpi * 17 / 2, dpi * 11, PixelFormat::kGray8, dpi);
  cv::Mat m = view(page);
  cv::Mat noise(m.size(), CV_16SC1);
  cv::theRNG().state = seed;
  cv::randn(noise, 0, 12);
  cv::Mat paper(m.size(), CV_16SC1, cv::Scalar(225));
  cv::Mat sum = paper + noise;
  sum.convertTo(m, CV_8U);
  std::mt19937 rng(seed);
  for (int i = 0; i < specks; ++i) {
    cv::circle(m, {static_cast<int>(rng() % page.width), static_cast<int>(rng() % page.height)},
               1 + static_cast<int>(rng() % 2), cv::Scalar(30), cv::FILLED);
  }
  return page;
}

Image turned_ccw(const Image& page, double degrees) {
  Image src = page;
  Image out = Image::blank(page.width, page.height, page.format, page.dpi_x);
  const cv::Mat rot = cv::getRotationMatrix2D({page.width / 2.0f, page.height / 2.0f}, degrees, 1.0);
  cv::warpAffine(view(src), view(out), rot, view(out).size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(255));
  return out;
}

Image turned_cw(const Image& page, int degrees) {
  if (degrees % 360 == 0) return page;
  if (page.format == PixelFormat::kGray1) return threshold(turned_cw(to_gray(page), degrees));
  Image src = page;
  const bool swap = degrees % 180 != 0;
  Image out = Image::blank(swap ? page.height : page.width, swap ? page.width : page.height, page.format,
                           page.dpi_x);
  const int code = degrees == 90 ? cv::ROTATE_90_CLOCKWISE
                   : degrees == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE;
  cv::Mat dst = view(out);
  cv::rotate(view(src), dst, code);
  return out;
}

Image threshold(const Image& gray, int level) {
  Image out = Image::blank(gray.width, gray.height, PixelFormat::kGray1, gray.dpi_x);
  for (int y = 0; y < gray.height; ++y) {
    for (int x = 0; x < gray.width; ++x) {
      if (gray.row(y)[static_cast<std::size_t>(x)] < level) {
        out.row(y)[static_cast<std::size_t>(x >> 3)] |= static_cast<std::uint8_t>(0x80 >> (x & 7));
      }
    }
  }
  return out;
}

void write_tiff(const std::vector<Image>& pages, const std::filesystem::path& path, TiffCodec codec,
                bool minisblack) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) throw std::runtime_error("cannot write " + path.string());
  for (const Image& page : pages) {
    const bool bilevel = page.format == PixelFormat::kGray1;
    const bool rgb = page.format == PixelFormat::kRgb8;
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(page.width));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(page.height));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bilevel ? 1 : 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(page.dpi_x));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(page.dpi_x));
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    const int compression = codec == TiffCodec::kG4 ? COMPRESSION_CCITTFAX4
                            : codec == TiffCodec::kLzw ? COMPRESSION_LZW
                            : codec == TiffCodec::kJpeg ? COMPRESSION_JPEG : COMPRESSION_NONE;
    TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
    int photometric = bilevel ? (minisblack ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_MINISWHITE)
                              : rgb ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (codec == TiffCodec::kJpeg && rgb) photometric = PHOTOMETRIC_YCBCR;
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
    if (codec == TiffCodec::kJpeg) {
      TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 90);
      if (rgb) TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    }
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 64u);
    std::vector<std::uint8_t> row(static_cast<std::size_t>(page.stride));
    for (int y = 0; y < page.height; ++y) {
      std::copy_n(page.row(y).data(), page.stride, row.data());
      if (bilevel && minisblack) {
        for (auto& b : row) b = static_cast<std::uint8_t>(~b);
      }
      TIFFWriteScanline(tif, row.data(), static_cast<std::uint32_t>(y), 0);
    }
    TIFFWriteDirectory(tif);
  }
  TIFFClose(tif);
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("chartroom_capture_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double difference(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.format != b.format) return 1.0;
  std::size_t differ = 0;
  const auto row_bytes = static_cast<std::size_t>((a.width * bits_per_pixel(a.format) + 7) / 8);
  for (int y = 0; y < a.height; ++y) {
    for (std::size_t i = 0; i < row_bytes; ++i) differ += a.row(y)[i] != b.row(y)[i];
  }
  return static_cast<double>(differ) / (static_cast<double>(row_bytes) * a.height);
}

}  // namespace chartroom::capture::test
