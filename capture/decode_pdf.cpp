// Scanner PDFs: qpdf says whether the file may be read and at what resolution
// each page was scanned (its largest image's pixels over the page's size);
// Poppler then draws the page at exactly that resolution, without
// antialiasing. Poppler still smooths an image drawn 1:1, so a bilevel page
// differs from the scan's own pixels at the edges of the ink (about 0.3% of a
// 200-dpi G4 page's pixels, measured in tests/capture/decode_pdf_test.cpp);
// decoding the CCITT or DCT stream itself would make them exact. A page without
// an image (born digital) is drawn at 300 dpi. Any text layer is ignored for
// OCR: the page is read again like every scan.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <exception>
#include <mutex>

#include "capture/decode.h"
#include "capture/pdf_structure.h"

namespace chartroom::capture::detail {
namespace {

constexpr int kBornDigitalDpi = 300;
constexpr const char* kDamaged =
    "; the file is damaged; scan the pages again or recover the file from the scanner";

// Poppler reports through one process-wide function; each thread collects
// its own messages (readers on different threads do not mix them).
thread_local std::string* poppler_messages = nullptr;

// A font Poppler cannot find or load touches only text, and the text of a
// scan is an invisible OCR layer: the page's image is whole, so it is no damage.
bool about_fonts(const std::string& message) {
  return message.find("font") != std::string::npos || message.find("Font") != std::string::npos;
}

void on_poppler_message(const std::string& message, void*) {
  if (poppler_messages == nullptr || about_fonts(message)) return;
  if (!poppler_messages->empty()) *poppler_messages += "; ";
  *poppler_messages += message;
}

void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(on_poppler_message, nullptr); });
}

// Collects Poppler's messages while it lives.
class PopplerMessages {
 public:
  PopplerMessages() { poppler_messages = &text_; }
  ~PopplerMessages() { poppler_messages = nullptr; }
  PopplerMessages(const PopplerMessages&) = delete;
  PopplerMessages& operator=(const PopplerMessages&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// The pixel size and resolution a page is drawn at, after its /Rotate.
struct Geometry {
  std::int64_t width = 0;
  std::int64_t height = 0;
  double xres = kBornDigitalDpi;
  double yres = kBornDigitalDpi;
};

Geometry page_geometry(const PdfPageFacts& page) {
  Geometry g;
  // Pixels along the page's own (unrotated) x and y: a scan's image fills
  // the page, its long side along the page's long side.
  double across = page.width_pt * kBornDigitalDpi / 72.0;
  double down = page.height_pt * kBornDigitalDpi / 72.0;
  if (page.image_width > 0 && page.width_pt > 0 && page.height_pt > 0) {
    const bool turned = (page.image_width > page.image_height) != (page.width_pt > page.height_pt);
    const auto image_across = static_cast<double>(turned ? page.image_height : page.image_width);
    const auto image_down = static_cast<double>(turned ? page.image_width : page.image_height);
    const double xres = image_across * 72.0 / page.width_pt;
    const double yres = image_down * 72.0 / page.height_pt;
    // An image far too coarse or too fine for a scan is a logo on a born-digital page.
    if (xres >= 50 && xres <= 2400 && yres >= 50 && yres <= 2400) {
      across = image_across;
      down = image_down;
      g.xres = xres;
      g.yres = yres;
    }
  }
  g.width = std::llround(across);
  g.height = std::llround(down);
  if (page.rotate == 90 || page.rotate == 270) {
    std::swap(g.width, g.height);
    std::swap(g.xres, g.yres);
  }
  return g;
}

Image to_image(const poppler::image& drawn, const PdfPageFacts& facts, const Geometry& g) {
  const int dpi = static_cast<int>(std::lround(g.xres));
  const int width = drawn.width();
  const int height = drawn.height();
  const PixelFormat format = facts.bilevel  ? PixelFormat::kGray1
                             : facts.colour ? PixelFormat::kRgb8
                                            : PixelFormat::kGray8;
  Image image = Image::blank(width, height, format, dpi);
  image.dpi_y = static_cast<int>(std::lround(g.yres));
  for (int y = 0; y < height; ++y) {
    const auto* src = reinterpret_cast<const std::uint8_t*>(drawn.const_data()) +
                      static_cast<std::size_t>(y) * static_cast<std::size_t>(drawn.bytes_per_row());
    std::uint8_t* dst = image.row(y).data();
    if (format == PixelFormat::kGray8) {
      std::copy_n(src, width, dst);
    } else if (format == PixelFormat::kGray1) {
      // Drawn without antialiasing at the image's own resolution, each pixel is
      // the scan's: black stays 0, white 255. Ours: a set bit is black.
      std::fill_n(dst, image.stride, std::uint8_t{0});
      for (int x = 0; x < width; ++x) {
        if (src[x] < 128) dst[x / 8] |= static_cast<std::uint8_t>(0x80 >> (x % 8));
      }
    } else {
      for (int x = 0; x < width; ++x) {  // Poppler's rgb24 is 0xAARRGGBB in native (little-endian) order
        dst[3 * x] = src[4 * x + 2];
        dst[3 * x + 1] = src[4 * x + 1];
        dst[3 * x + 2] = src[4 * x];
      }
    }
  }
  return image;
}

class PdfReader final : public PageReader {
 public:
  PdfReader(std::vector<std::uint8_t> bytes, std::unique_ptr<poppler::document> document, PdfFacts facts,
            std::string display_name, DecodeLimits limits)
      : bytes_(std::move(bytes)),
        document_(std::move(document)),
        facts_(std::move(facts)),
        display_name_(std::move(display_name)),
        limits_(limits) {}

  int page_count() const override { return static_cast<int>(facts_.pages.size()); }
  FileFormat format() const override { return FileFormat::kPdf; }

  Result<Image> read_page(int index) override {
    const std::string where = display_name_ + ", page " + std::to_string(index + 1);
    if (index < 0 || index >= page_count()) {
      return fail(ErrorCode::kInvalidArgument,
                  where + ": no such page; the file has " + std::to_string(page_count()) + " pages");
    }
    const PdfPageFacts& facts = facts_.pages[static_cast<std::size_t>(index)];
    const Geometry g = page_geometry(facts);
    if (auto ok = check_dimensions(g.width, g.height, limits_, where); !ok)
      return std::unexpected(ok.error());
    try {
      return draw(index, facts, g, where);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kCorrupt,
                  where + ": Poppler could not draw the page (" + e.what() + ")" + kDamaged);
    }
  }

  std::string embedded_text(int index) override {
    if (index < 0 || index >= page_count()) return "";
    try {
      PopplerMessages messages;
      std::unique_ptr<poppler::page> page(document_->create_page(index));
      if (!page) return "";
      const std::vector<char> utf8 = page->text().to_utf8();
      return {utf8.begin(), utf8.end()};
    } catch (const std::exception&) {
      return "";
    }
  }

 private:
  std::vector<std::uint8_t> bytes_;  // Poppler reads from these; they outlive document_
  std::unique_ptr<poppler::document> document_;
  PdfFacts facts_;
  std::string display_name_;
  DecodeLimits limits_;

  Result<Image> draw(int index, const PdfPageFacts& facts, const Geometry& g, const std::string& where) {
    PopplerMessages messages;
    std::unique_ptr<poppler::page> page(document_->create_page(index));
    if (!page) return fail(ErrorCode::kCorrupt, where + ": Poppler cannot find the page" + kDamaged);
    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing, false);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing, false);
    renderer.set_image_format(facts.colour ? poppler::image::format_rgb24 : poppler::image::format_gray8);
    // The slice is exactly the image's pixels: no rounding of the page size can add a row.
    const poppler::image drawn = renderer.render_page(page.get(), g.xres, g.yres, 0, 0,
                                                      static_cast<int>(g.width), static_cast<int>(g.height));
    if (!messages.text().empty()) {
      return fail(ErrorCode::kCorrupt,
                  where + ": the page's data is damaged (" + messages.text() + ")" + kDamaged);
    }
    if (!drawn.is_valid() || drawn.width() != g.width || drawn.height() != g.height) {
      return fail(ErrorCode::kCorrupt, where + ": Poppler could not draw the page" + kDamaged);
    }
    return to_image(drawn, facts, g);
  }
};

std::string refusal(const PdfFacts& facts, const std::string& name, const DecodeLimits& limits) {
  switch (facts.verdict) {
    case PdfVerdict::kEncrypted:
      return name +
             ": the PDF is encrypted (password protected); chartroom cannot read its pages. Save the scan "
             "again without a password, or remove the protection, and put it back in the folder";
    case PdfVerdict::kJavaScript:
      return name + ": the PDF carries " + facts.detail +
             "; a scanner does not write that, so chartroom does not open it. Scan the paper again, or save "
             "the pages as TIFF or as a plain image PDF, and put that in the folder";
    case PdfVerdict::kTooManyPages:
      return name + ": " + facts.detail + " pages is over the limit of " + std::to_string(limits.max_pages) +
             " pages per file; split the batch or raise max_pages";
    case PdfVerdict::kDamaged:
    case PdfVerdict::kReadable: break;
  }
  return name + ": not a readable PDF (" + (facts.detail.empty() ? "qpdf cannot parse it" : facts.detail) +
         ")" + kDamaged;
}

}  // namespace

Result<std::unique_ptr<PageReader>> open_pdf(std::vector<std::uint8_t> bytes, const std::string& display_name,
                                             const DecodeLimits& limits) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {  // Poppler takes an int length
    return fail(ErrorCode::kTooLarge, display_name + ": a PDF of " + std::to_string(bytes.size()) +
                                          " bytes is over the 2 GiB chartroom can read; split the batch");
  }
  PdfFacts facts = inspect_pdf(bytes.data(), bytes.size(), static_cast<std::size_t>(limits.max_pages));
  if (facts.verdict == PdfVerdict::kReadable && facts.pages.empty()) {
    facts.verdict = PdfVerdict::kDamaged;
    facts.detail = "it holds no pages";
  }
  if (facts.verdict != PdfVerdict::kReadable) {
    const ErrorCode code = facts.verdict == PdfVerdict::kEncrypted || facts.verdict == PdfVerdict::kJavaScript
                               ? ErrorCode::kUnsupported
                           : facts.verdict == PdfVerdict::kTooManyPages ? ErrorCode::kTooLarge
                                                                        : ErrorCode::kCorrupt;
    return fail(code, refusal(facts, display_name, limits));
  }
  quiet_poppler();
  try {
    PopplerMessages messages;
    std::unique_ptr<poppler::document> document(poppler::document::load_from_raw_data(
        reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size())));
    if (!document || document->is_locked() || document->pages() != static_cast<int>(facts.pages.size())) {
      facts.verdict = document && document->is_locked() ? PdfVerdict::kEncrypted : PdfVerdict::kDamaged;
      facts.detail = "Poppler cannot open it" + (messages.text().empty() ? "" : ": " + messages.text());
      return fail(facts.verdict == PdfVerdict::kEncrypted ? ErrorCode::kUnsupported : ErrorCode::kCorrupt,
                  refusal(facts, display_name, limits));
    }
    return std::make_unique<PdfReader>(std::move(bytes), std::move(document), std::move(facts), display_name,
                                       limits);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kCorrupt, display_name + ": not a readable PDF (" + e.what() + ")" + kDamaged);
  }
}

}  // namespace chartroom::capture::detail
