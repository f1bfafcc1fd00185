// chartroom's separator sheet: a Code 39 barcode with the separator value,
// optionally the patient's MRN as Code 128, and plain words for the operator.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "capture/capture.h"
#include "capture/steps.h"

namespace chartroom::capture {

namespace {

// Hershey text centred on `centre_y` (the baseline sits half the text height below).
void centred_text(cv::Mat& sheet, const std::string& text, int centre_y, double scale, int thickness) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_DUPLEX, scale, thickness, &baseline);
  const cv::Point origin((sheet.cols - size.width) / 2, centre_y + size.height / 2);
  cv::putText(sheet, text, origin, cv::FONT_HERSHEY_DUPLEX, scale, cv::Scalar(0), thickness, cv::LINE_AA);
}

// Copies a Gray1 barcode onto the sheet, centred horizontally, top at `top`.
void paste(cv::Mat& sheet, const Image& barcode, int top) {
  const int left = (sheet.cols - barcode.width) / 2;
  for (int y = 0; y < barcode.height && top + y < sheet.rows; ++y) {
    const auto row = barcode.row(y);
    auto* dst = sheet.ptr<std::uint8_t>(top + y);
    for (int x = 0; x < barcode.width && left + x < sheet.cols; ++x) {
      if ((row[static_cast<std::size_t>(x >> 3)] >> (7 - (x & 7))) & 1) dst[left + x] = 0;
    }
  }
}

}  // namespace

Result<Image> render_separator_sheet(const SeparatorSheet& spec) {
  if (spec.dpi < 100 || spec.dpi > 1200) {
    return fail(ErrorCode::kInvalidArgument,
                "separator sheet: " + std::to_string(spec.dpi) + " dpi is outside 100 .. 1200");
  }
  // Plain Code 39 only: every reader reads it without the extended mode.
  const bool plain = !spec.value.empty() && std::ranges::all_of(spec.value, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || std::string_view(" -.$/+%").contains(c);
  });
  if (!plain) {
    return fail(ErrorCode::kInvalidArgument, "separator sheet: the value \"" + spec.value +
                                                 "\" cannot be printed as Code 39; use A-Z, 0-9, space and - . $ / + %"
                                                 " (for example CHARTROOM-SEP)");
  }
  const int dpi = spec.dpi;
  auto inches = [dpi](double value) { return static_cast<int>(std::lround(value * dpi)); };
  auto separator = render_barcode("Code39", spec.value, inches(6.0), inches(1.3), dpi);
  if (!separator) return fail(ErrorCode::kInvalidArgument, "separator sheet: " + separator.error().message);
  cv::Mat sheet(inches(11.0), inches(8.5), CV_8UC1, cv::Scalar(255));
  const double scale = dpi / 100.0;  // Hershey scale 1 is about 22 pixels tall
  centred_text(sheet, "CHARTROOM SEPARATOR SHEET", inches(1.0), 1.3 * scale, std::max(2, dpi / 60));
  paste(sheet, *separator, inches(1.7));
  centred_text(sheet, spec.value, inches(3.3), 0.9 * scale, std::max(1, dpi / 100));
  centred_text(sheet, "Put this sheet in front of each document.", inches(4.2), 0.7 * scale, std::max(1, dpi / 150));
  centred_text(sheet, "chartroom starts a new document here; this sheet is not filed.", inches(4.6),
               0.7 * scale, std::max(1, dpi / 150));
  if (!spec.mrn.empty()) {
    auto mrn = render_barcode("Code128", spec.mrn, inches(4.0), inches(1.0), dpi);
    if (!mrn) return fail(ErrorCode::kInvalidArgument, "separator sheet: " + mrn.error().message);
    centred_text(sheet, "PATIENT MRN", inches(5.8), 1.0 * scale, std::max(2, dpi / 100));
    paste(sheet, *mrn, inches(6.3));
    centred_text(sheet, "MRN: " + spec.mrn, inches(7.7), 0.9 * scale, std::max(1, dpi / 100));
  }
  Image gray = Image::blank(sheet.cols, sheet.rows, PixelFormat::kGray8, dpi);
  for (int y = 0; y < sheet.rows; ++y) std::copy_n(sheet.ptr<std::uint8_t>(y), sheet.cols, gray.row(y).begin());
  return detail::threshold_gray(gray, 128);
}

}  // namespace chartroom::capture
