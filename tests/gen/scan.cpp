// The "scanner": paper tone, blur, skew, orientation, noise, specks, a dark
// edge, resampling and thresholding; and the files scanners write.
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

namespace {

cv::Mat to_mat(const Image& image) {
  const Image gray = detail::to_gray8(image);
  cv::Mat mat(gray.height, gray.width, CV_8UC1);
  for (int y = 0; y < gray.height; ++y) {
    const auto row = gray.row(y);
    std::copy_n(row.begin(), gray.width, mat.ptr<std::uint8_t>(y));
  }
  return mat;
}

Image from_mat(const cv::Mat& mat, int dpi) {
  Image image = Image::blank(mat.cols, mat.rows, PixelFormat::kGray8, dpi);
  for (int y = 0; y < mat.rows; ++y) {
    const std::uint8_t* src = mat.ptr<std::uint8_t>(y);
    std::copy_n(src, mat.cols, image.row(y).begin());
  }
  return image;
}

// Gaussian noise from a table of samples read at a random offset per row:
// as irregular as fresh samples to the eye and the OCR, several times faster
// than drawing millions of normals per page.
void add_noise(cv::Mat& mat, double sigma, cv::RNG& rng) {
  if (sigma <= 0) return;
  constexpr int kTable = 1 << 18;
  cv::Mat table(1, kTable + mat.cols, CV_16SC1);
  rng.fill(table.colRange(0, kTable), cv::RNG::NORMAL, 0, sigma);
  table.colRange(0, mat.cols).copyTo(table.colRange(kTable, kTable + mat.cols));  // wrap-around
  const std::int16_t* samples = table.ptr<std::int16_t>(0);
  for (int y = 0; y < mat.rows; ++y) {
    const std::int16_t* noise = samples + rng.uniform(0, kTable);
    std::uint8_t* row = mat.ptr<std::uint8_t>(y);
    for (int x = 0; x < mat.cols; ++x) row[x] = static_cast<std::uint8_t>(std::clamp(row[x] + noise[x], 0, 255));
  }
}

}  // namespace

Image scan(const Image& page, const ScanDefects& defects, std::uint32_t seed) {
  const int input_dpi = page.dpi_x > 0 ? page.dpi_x : 300;
  cv::Mat mat = to_mat(page);
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 2654435761ULL + 1);
  detail::apply_paper_defects(mat, defects, input_dpi);

  // Paper tone: white goes to the background level, black ink stays black.
  const int background = std::clamp(defects.background, 0, 255);
  if (background < 255) mat.convertTo(mat, CV_8UC1, background / 255.0);

  if (defects.blur_sigma > 0) cv::GaussianBlur(mat, mat, cv::Size(0, 0), defects.blur_sigma);

  if (defects.skew_degrees != 0) {
    // getRotationMatrix2D: a positive angle turns the page counter-clockwise
    // as seen on screen (y down), which is chartroom's positive skew.
    const cv::Point2f centre(static_cast<float>(mat.cols) / 2.0f, static_cast<float>(mat.rows) / 2.0f);
    const cv::Mat rotation = cv::getRotationMatrix2D(centre, defects.skew_degrees, 1.0);
    cv::Mat turned;
    cv::warpAffine(mat, turned, rotation, mat.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(background));
    mat = turned;
  }

  // `orientation` undoes the scan, so the scan is the page turned the other way.
  switch (((defects.orientation % 360) + 360) % 360) {
    case 90: cv::rotate(mat, mat, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    case 180: cv::rotate(mat, mat, cv::ROTATE_180); break;
    case 270: cv::rotate(mat, mat, cv::ROTATE_90_CLOCKWISE); break;
    default: break;
  }

  add_noise(mat, defects.noise_sigma, rng);

  if (defects.speckle_density > 0) {
    const auto specks = static_cast<long>(defects.speckle_density * mat.total());
    for (long k = 0; k < specks; ++k) {
      const int size = rng.uniform(1, 4);
      const int x = rng.uniform(0, std::max(1, mat.cols - size));
      const int y = rng.uniform(0, std::max(1, mat.rows - size));
      mat(cv::Rect(x, y, size, size)).setTo(cv::Scalar(rng.uniform(0, 60)));
    }
  }

  if (defects.dark_border) {
    // The scanner lid's black edge along the top and the right, slightly
    // uneven the way a page that was not quite square leaves it.
    const int band = std::max(4, mat.cols / 80);
    const int top_left = rng.uniform(band / 2, band + 1);
    const int top_right = rng.uniform(band / 2, band + 1);
    const std::vector<cv::Point> top{{0, 0}, {mat.cols, 0}, {mat.cols, top_right}, {0, top_left}};
    const int right_bottom = rng.uniform(band / 2, band + 1);
    const std::vector<cv::Point> right{{mat.cols, 0},
                                       {mat.cols, mat.rows},
                                       {mat.cols - right_bottom, mat.rows},
                                       {mat.cols - top_right, 0}};
    cv::fillPoly(mat, std::vector<std::vector<cv::Point>>{top, right}, cv::Scalar(20));
  }

  int dpi = input_dpi;
  if (defects.output_dpi > 0 && defects.output_dpi != input_dpi) {
    const double factor = static_cast<double>(defects.output_dpi) / input_dpi;
    cv::Mat resized;
    cv::resize(mat, resized, cv::Size(), factor, factor, factor < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    mat = resized;
    dpi = defects.output_dpi;
  }

  Image out = from_mat(mat, dpi);
  // A fixed threshold like a simple fax scanner; paper tones stay above it.
  if (defects.bilevel) out = detail::to_gray1(out, std::min(128, background - 40));
  return out;
}

RenderedPage render_blank_page(std::uint32_t seed, bool bleed_through, int dpi) {
  const int width = static_cast<int>(std::lround(8.5 * dpi));
  const int height = 11 * dpi;
  cv::Mat mat(height, width, CV_8UC1, cv::Scalar(250));
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 2654435761ULL + 7);
  if (bleed_through) {
    // The front side's text, mirrored, faint and soft, as light through paper shows it.
    PageSpec front;
    front.patient = load_patients({}).front();
    front.title = "Progress Note";
    front.paragraphs = load_samples({}, 1).front().paragraphs;
    cv::Mat text = to_mat(render_page(front, dpi).image);
    cv::flip(text, text, 1);
    cv::GaussianBlur(text, text, cv::Size(0, 0), std::max(1.0, dpi / 150.0));
    cv::Mat ink;
    cv::subtract(cv::Scalar(255), text, ink);
    cv::Mat faint;
    ink.convertTo(faint, CV_8UC1, 0.09);
    cv::subtract(mat, faint, mat);
  }
  add_noise(mat, 2.5, rng);
  RenderedPage page;
  page.image = from_mat(mat, dpi);
  return page;
}

namespace {

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};

Status write_tiff(const std::vector<Image>& pages, const std::filesystem::path& temp,
                  const std::filesystem::path& path, Encoding encoding) {
  std::unique_ptr<TIFF, TiffCloser> tiff(TIFFOpen(temp.c_str(), "w"));
  if (!tiff) return fail(ErrorCode::kIo, path.string() + ": cannot create TIFF file");
  const auto count = static_cast<std::uint16_t>(std::min<std::size_t>(pages.size(), 65535));
  for (std::size_t index = 0; index < pages.size(); ++index) {
    const std::string where = "page " + std::to_string(index + 1) + " of " + path.string();
    Image image;
    if (encoding == Encoding::kTiffG4) {
      image = detail::to_gray1(pages[index]);
    } else if (encoding == Encoding::kTiffJpeg && pages[index].format == PixelFormat::kGray1) {
      image = detail::to_gray8(pages[index]);  // JPEG has no 1-bit mode
    } else {
      image = pages[index];
    }
    if (image.empty()) return fail(ErrorCode::kInvalidArgument, where + ": empty image");
    TIFF* t = tiff.get();
    const bool bilevel = image.format == PixelFormat::kGray1;
    const bool rgb = image.format == PixelFormat::kRgb8;
    TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(t, TIFFTAG_PAGENUMBER, static_cast<std::uint16_t>(index), count);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(image.width));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(image.height));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, static_cast<std::uint16_t>(bilevel ? 1 : 8));
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(rgb ? 3 : 1));
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    // MINISWHITE makes a set bit black, exactly chartroom's Gray1 packing.
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
                 bilevel ? PHOTOMETRIC_MINISWHITE : rgb ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    switch (encoding) {
      case Encoding::kTiffG4:
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
        TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
        break;
      case Encoding::kTiffLzw:
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
        TIFFSetField(t, TIFFTAG_PREDICTOR, bilevel ? PREDICTOR_NONE : PREDICTOR_HORIZONTAL);
        break;
      case Encoding::kTiffJpeg:
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
        TIFFSetField(t, TIFFTAG_JPEGQUALITY, 80);
        break;
      default: TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE); break;
    }
    // A single strip for G4 (what most scanners write); 64-row strips otherwise,
    // a multiple of the JPEG block height.
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP,
                 static_cast<std::uint32_t>(encoding == Encoding::kTiffG4 ? image.height : 64));
    if (image.dpi_x > 0 && image.dpi_y > 0) {
      TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
      TIFFSetField(t, TIFFTAG_XRESOLUTION, static_cast<float>(image.dpi_x));
      TIFFSetField(t, TIFFTAG_YRESOLUTION, static_cast<float>(image.dpi_y));
    }
    TIFFSetField(t, TIFFTAG_SOFTWARE, "chartroom-testgen");
    std::vector<std::uint8_t> row(static_cast<std::size_t>(image.stride));
    for (int y = 0; y < image.height; ++y) {
      std::copy_n(image.row(y).begin(), image.stride, row.begin());
      if (TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(y), 0) < 0) {
        return fail(ErrorCode::kIo, where + ": writing row " + std::to_string(y) + " failed");
      }
    }
    if (TIFFWriteDirectory(t) == 0) return fail(ErrorCode::kIo, where + ": writing the directory failed");
  }
  tiff.reset();
  return {};
}

}  // namespace

Status write_pages(const std::vector<Image>& pages, const std::filesystem::path& path, Encoding encoding) {
  if (pages.empty()) return fail(ErrorCode::kInvalidArgument, path.string() + ": no pages to write");
  // A hidden temp name in the same folder: a folder watcher never sees a half-written file.
  std::filesystem::path temp = path;
  temp.replace_filename("." + path.filename().string() + ".part");
  if (encoding == Encoding::kPdfG4 || encoding == Encoding::kPdfJpeg) return write_pdf(pages, path, encoding);
  if (encoding == Encoding::kPng || encoding == Encoding::kJpeg) {
    if (pages.size() != 1) {
      return fail(ErrorCode::kInvalidArgument,
                  path.string() + ": PNG and JPEG hold one page, got " + std::to_string(pages.size()));
    }
    std::vector<std::uint8_t> bytes;
    try {
      cv::Mat mat = to_mat(pages.front());
      const bool ok = encoding == Encoding::kPng
                          ? cv::imencode(".png", mat, bytes)
                          : cv::imencode(".jpg", mat, bytes, {cv::IMWRITE_JPEG_QUALITY, 85});
      if (!ok) return fail(ErrorCode::kInternal, path.string() + ": OpenCV could not encode the page");
    } catch (const cv::Exception& e) {
      return fail(ErrorCode::kInternal, path.string() + ": OpenCV: " + e.what());
    }
    return write_file_atomic(path, bytes, 0644);
  }
  std::error_code ec;
  if (Status written = write_tiff(pages, temp, path, encoding); !written) {
    std::filesystem::remove(temp, ec);
    return written;
  }
  std::filesystem::permissions(temp, std::filesystem::perms(0644), ec);
  return commit_file_atomic(temp, path);
}

}  // namespace chartroom::testgen
