#include "review/page_image.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <vector>

namespace chartroom::review {

Result<std::string> render_page_png(const std::filesystem::path& pdf, int page, int dpi) {
  std::unique_ptr<poppler::document> document(poppler::document::load_from_file(pdf.string()));
  if (!document || document->is_locked()) {
    return fail(ErrorCode::kCorrupt, "the PDF " + pdf.filename().string() + " cannot be opened");
  }
  if (page < 1 || page > document->pages()) {
    return fail(ErrorCode::kNotFound, "the document has no page " + std::to_string(page));
  }
  std::unique_ptr<poppler::page> p(document->create_page(page - 1));
  if (!p) return fail(ErrorCode::kCorrupt, "page " + std::to_string(page) + " of the PDF cannot be read");
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  const double resolution = std::clamp(dpi, 36, 300);
  poppler::image image = renderer.render_page(p.get(), resolution, resolution);
  if (!image.is_valid() || image.format() != poppler::image::format_gray8) {
    return fail(ErrorCode::kCorrupt, "page " + std::to_string(page) + " of the PDF cannot be drawn");
  }
  const cv::Mat gray(image.height(), image.width(), CV_8UC1, const_cast<char*>(image.const_data()),
                     static_cast<std::size_t>(image.bytes_per_row()));
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", gray, png, {cv::IMWRITE_PNG_COMPRESSION, 3})) {
    return fail(ErrorCode::kInternal, "page " + std::to_string(page) + " could not be encoded as PNG");
  }
  return std::string(png.begin(), png.end());
}

}  // namespace chartroom::review
