// write_image: for tools and tests. TIFF through libtiff, PNG through OpenCV;
// both land under a temp name and are moved into place atomically.
#include <leptonica/allheaders.h>
#include <tiffio.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>

#include "capture/capture.h"
#include "capture/pix_adapter.h"

namespace chartroom::capture {

namespace {

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};
struct OptionsFree {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};

int keep_message(TIFF*, void* user, const char*, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  *static_cast<std::string*>(user) = text;
  return 1;
}

Status write_tiff(const Image& page, const std::filesystem::path& path) {
  std::string message;
  std::unique_ptr<TIFFOpenOptions, OptionsFree> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), keep_message, &message);
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpenExt(path.c_str(), "w", options.get()));
  if (!tif) return fail(ErrorCode::kIo, path.string() + ": cannot write TIFF: " + message);
  TIFF* t = tif.get();
  const bool bilevel = page.format == PixelFormat::kGray1;
  const bool rgb = page.format == PixelFormat::kRgb8;
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(page.width));
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(page.height));
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bilevel ? 1 : 8);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  // Gray1 is 1 = black, which is TIFF's min-is-white; no bit flipping needed.
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
               bilevel ? PHOTOMETRIC_MINISWHITE : rgb ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
  TIFFSetField(t, TIFFTAG_COMPRESSION, bilevel ? COMPRESSION_CCITTFAX4 : COMPRESSION_LZW);
  TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, bilevel ? static_cast<std::uint32_t>(page.height)
                                                : TIFFDefaultStripSize(t, 0));
  if (page.dpi_x > 0) {
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, static_cast<float>(page.dpi_x));
    TIFFSetField(t, TIFFTAG_YRESOLUTION, static_cast<float>(page.dpi_y > 0 ? page.dpi_y : page.dpi_x));
  }
  std::vector<std::uint8_t> row(static_cast<std::size_t>(page.stride));
  for (int y = 0; y < page.height; ++y) {
    std::copy_n(page.row(y).data(), page.stride, row.data());  // libtiff may scribble on the buffer
    if (TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(y), 0) != 1) {
      return fail(ErrorCode::kIo, path.string() + ": cannot write TIFF: " + message);
    }
  }
  if (TIFFWriteDirectory(t) != 1) return fail(ErrorCode::kIo, path.string() + ": cannot write TIFF: " + message);
  return {};
}

Status write_png(const Image& page, const std::filesystem::path& path) {
  const Image source = page.format == PixelFormat::kGray1 ? to_gray(page) : page;
  const bool rgb = source.format == PixelFormat::kRgb8;
  cv::Mat view(source.height, source.width, rgb ? CV_8UC3 : CV_8UC1,
               const_cast<std::uint8_t*>(source.pixels.data()), static_cast<std::size_t>(source.stride));
  cv::Mat bgr;
  if (rgb) cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
  std::vector<std::uint8_t> bytes;
  if (!cv::imencode(".png", rgb ? bgr : view, bytes)) {
    return fail(ErrorCode::kInternal, path.string() + ": PNG encoding failed");
  }
  return write_file_atomic(path, bytes, 0644);
}

// Leptonica picks the encoding: CCITT G4 for Gray1, Flate or JPEG otherwise.
Status write_pdf(const Image& page, const std::filesystem::path& path) {
  detail::quiet_leptonica();
  detail::PixPtr pix = detail::to_pix(page);
  l_uint8* data = nullptr;
  std::size_t size = 0;
  if (!pix || pixWriteMemPdf(&data, &size, pix.get(), detail::dpi_or_default(page), nullptr) != 0 || !data) {
    return fail(ErrorCode::kInternal, path.string() + ": the PDF could not be made");
  }
  const std::vector<std::uint8_t> bytes(data, data + size);
  lept_free(data);
  return write_file_atomic(path, bytes, 0644);
}

}  // namespace

Status write_image(const Image& page, const std::filesystem::path& path) {
  if (page.empty()) return fail(ErrorCode::kInvalidArgument, path.string() + ": nothing to write (empty image)");
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return write_png(page, path);
  if (ext == ".pdf") return write_pdf(page, path);
  if (ext != ".tif" && ext != ".tiff") {
    return fail(ErrorCode::kInvalidArgument, path.string() + ": write_image writes .tif, .tiff, .png or .pdf");
  }
  std::filesystem::path temp = path;
  temp += ".partial";
  if (auto ok = write_tiff(page, temp); !ok) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return ok;
  }
  return commit_file_atomic(temp, path);
}

}  // namespace chartroom::capture
