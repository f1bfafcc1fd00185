// Typesetting chart pages with FreeType: real fonts, anti-aliased glyphs
// blended into a Gray8 page, word wrap and pagination.
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

namespace {

struct LibraryDeleter {
  void operator()(FT_Library library) const { FT_Done_FreeType(library); }
};
struct FaceDeleter {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};
using LibraryPtr = std::unique_ptr<FT_LibraryRec_, LibraryDeleter>;
using FacePtr = std::unique_ptr<FT_FaceRec_, FaceDeleter>;

constexpr char kFirstGlyph = ' ';
constexpr char kLastGlyph = '~';

struct Glyph {
  int width = 0;
  int rows = 0;
  int left = 0;  // bearing from the pen position
  int top = 0;   // bearing above the baseline
  long advance = 0;  // 26.6 pixels
  std::vector<std::uint8_t> coverage;
};

// One face at one size, with the printable ASCII glyphs rendered once: a
// page draws thousands of glyphs from fewer than a hundred shapes.
class Font {
 public:
  Font(FT_Library library, const std::vector<std::filesystem::path>& candidates, double points, int dpi) {
    FT_Face raw = nullptr;
    for (const auto& path : candidates) {
      if (FT_New_Face(library, path.c_str(), 0, &raw) == 0) break;
      raw = nullptr;
    }
    // No font at all is a broken test machine, not a condition to handle.
    if (raw == nullptr) throw std::runtime_error("testgen: no usable font, tried " + candidates.front().string());
    FacePtr face(raw);
    FT_Set_Char_Size(raw, 0, static_cast<FT_F26Dot6>(std::lround(points * 64)), static_cast<FT_UInt>(dpi),
                     static_cast<FT_UInt>(dpi));
    ascender_ = static_cast<int>((raw->size->metrics.ascender + 63) / 64);
    line_height_ = static_cast<int>((raw->size->metrics.height + 63) / 64);
    for (char c = kFirstGlyph; c <= kLastGlyph; ++c) {
      Glyph& g = glyphs_[static_cast<std::size_t>(c - kFirstGlyph)];
      if (FT_Load_Char(raw, static_cast<FT_ULong>(static_cast<unsigned char>(c)), FT_LOAD_DEFAULT) != 0) continue;
      if (FT_Render_Glyph(raw->glyph, FT_RENDER_MODE_NORMAL) != 0) continue;
      const FT_Bitmap& bitmap = raw->glyph->bitmap;
      g.width = static_cast<int>(bitmap.width);
      g.rows = static_cast<int>(bitmap.rows);
      g.left = raw->glyph->bitmap_left;
      g.top = raw->glyph->bitmap_top;
      g.advance = raw->glyph->advance.x;
      g.coverage.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.rows));
      for (int y = 0; y < g.rows; ++y) {
        const std::uint8_t* src = bitmap.buffer + static_cast<std::ptrdiff_t>(y) * bitmap.pitch;
        std::copy_n(src, g.width, g.coverage.begin() + static_cast<std::ptrdiff_t>(y) * g.width);
      }
    }
  }

  int ascender() const { return ascender_; }
  int line_height() const { return line_height_; }

  // Width in pixels of the text set on one line.
  int width(std::string_view text) const {
    long total = 0;
    for (char c : text) total += glyph(c).advance;
    return static_cast<int>((total + 63) / 64);
  }

  // Draws the text with its baseline at `baseline`, ink blended into the page.
  void draw(Image& page, int x, int baseline, std::string_view text) const {
    long pen = static_cast<long>(x) * 64;
    for (char c : text) {
      const Glyph& g = glyph(c);
      const int gx = static_cast<int>((pen + 32) / 64) + g.left;
      const int gy = baseline - g.top;
      for (int row = 0; row < g.rows; ++row) {
        const int py = gy + row;
        if (py < 0 || py >= page.height) continue;
        auto line = page.row(py);
        for (int col = 0; col < g.width; ++col) {
          const int px = gx + col;
          if (px < 0 || px >= page.width) continue;
          const unsigned a = g.coverage[static_cast<std::size_t>(row * g.width + col)];
          if (a == 0) continue;
          std::uint8_t& dst = line[static_cast<std::size_t>(px)];
          dst = static_cast<std::uint8_t>((dst * (255u - a) + 127u) / 255u);
        }
      }
      pen += g.advance;
    }
  }

 private:
  const Glyph& glyph(char c) const {
    if (c < kFirstGlyph || c > kLastGlyph) c = '?';
    return glyphs_[static_cast<std::size_t>(c - kFirstGlyph)];
  }

  std::array<Glyph, kLastGlyph - kFirstGlyph + 1> glyphs_{};
  int ascender_ = 0;
  int line_height_ = 0;
};

std::vector<std::filesystem::path> font_candidates(std::string_view liberation, std::string_view dejavu) {
  const std::filesystem::path liberation_dir = "/usr/share/fonts/truetype/liberation2";
  const std::filesystem::path dejavu_dir = "/usr/share/fonts/truetype/dejavu";
  return {liberation_dir / liberation, "/usr/share/fonts/truetype/liberation" / std::filesystem::path(liberation),
          dejavu_dir / dejavu, dejavu_dir / "DejaVuSans.ttf"};
}

// The fonts of a chart page at one resolution.
struct Typesetter {
  explicit Typesetter(int dpi)
      : library(make_library()),
        facility(library.get(), font_candidates("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"), 14, dpi),
        title(library.get(), font_candidates("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"), 13, dpi),
        header(library.get(), font_candidates("LiberationSans-Regular.ttf", "DejaVuSans.ttf"), 11, dpi),
        heading(library.get(), font_candidates("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"), 11, dpi),
        body(library.get(), font_candidates("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"), 12, dpi),
        footer(library.get(), font_candidates("LiberationSans-Regular.ttf", "DejaVuSans.ttf"), 10, dpi) {}

  static LibraryPtr make_library() {
    FT_Library raw = nullptr;
    if (FT_Init_FreeType(&raw) != 0) throw std::runtime_error("testgen: FreeType failed to initialise");
    return LibraryPtr(raw);
  }

  LibraryPtr library;
  Font facility, title, header, heading, body, footer;
};

// Fonts are loaded once per thread and resolution; each worker has its own.
const Typesetter& typesetter(int dpi) {
  thread_local std::map<int, std::unique_ptr<Typesetter>> cache;
  auto& entry = cache[dpi];
  if (!entry) entry = std::make_unique<Typesetter>(dpi);
  return *entry;
}

struct Token {
  std::string text;
  bool bold = false;
};

std::vector<Token> tokenize(std::string_view paragraph) {
  std::vector<Token> tokens;
  const std::size_t head = detail::heading_length(paragraph);
  std::size_t i = 0;
  while (i < paragraph.size()) {
    while (i < paragraph.size() && paragraph[i] == ' ') ++i;
    std::size_t end = i;
    while (end < paragraph.size() && paragraph[end] != ' ') ++end;
    if (end > i) tokens.push_back({std::string(paragraph.substr(i, end - i)), end <= head});
    i = end;
  }
  return tokens;
}

std::string join(const std::vector<Token>& tokens, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t k = from; k < to; ++k) {
    if (k > from) out += ' ';
    out += tokens[k].text;
  }
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "1948-02-11" -> "02/11/1948"; anything else is printed as given.
std::string us_date(std::string_view iso) {
  if (iso.size() == 10 && iso[4] == '-' && iso[7] == '-') {
    return std::string(iso.substr(5, 2)) + "/" + std::string(iso.substr(8, 2)) + "/" + std::string(iso.substr(0, 4));
  }
  return std::string(iso);
}

void fill_rect(Image& page, int x, int y, int width, int height, std::uint8_t value) {
  for (int row = std::max(0, y); row < std::min(page.height, y + height); ++row) {
    auto line = page.row(row);
    std::fill(line.begin() + std::max(0, x), line.begin() + std::min(page.width, x + width), value);
  }
}

// Lays out everything but the footer; the footer needs the page count,
// which a document knows only after its last page is set.
struct Layout {
  const Typesetter& fonts;
  Image page;
  std::vector<std::string> lines;
  int margin = 0;
  int y = 0;  // top of the next line

  void put(const Font& font, std::string_view text, bool centred) {
    const int content = page.width - 2 * margin;
    const int x = centred ? margin + std::max(0, (content - font.width(text)) / 2) : margin;
    font.draw(page, x, y + font.ascender(), text);
    y += font.line_height();
    lines.emplace_back(text);
  }
};

RenderedPage render_body(const PageSpec& spec, int dpi) {
  const Typesetter& fonts = typesetter(dpi);
  const int width = static_cast<int>(std::lround(8.5 * dpi));
  const int height = 11 * dpi;
  Layout layout{fonts, Image::blank(width, height, PixelFormat::kGray8, dpi), {}, dpi, dpi};

  const std::string facility = detail::to_printable_ascii(spec.facility);
  if (!facility.empty()) layout.put(fonts.facility, facility, true);
  layout.y += fonts.header.line_height() / 2;
  const Patient& p = spec.patient;
  layout.put(fonts.header,
             "Patient: " + upper(detail::to_printable_ascii(p.family_name)) + ", " +
                 upper(detail::to_printable_ascii(p.given_name)),
             false);
  if (spec.show_mrn) layout.put(fonts.header, "MRN: " + detail::to_printable_ascii(p.mrn), false);
  layout.put(fonts.header, "DOB: " + us_date(detail::to_printable_ascii(p.birth_date)), false);
  layout.put(fonts.header, "Date of service: " + detail::to_printable_ascii(spec.date), false);
  layout.y += fonts.header.line_height() / 3;
  const int rule = std::max(2, dpi / 100);
  fill_rect(layout.page, layout.margin, layout.y, width - 2 * layout.margin, rule, 0);
  layout.y += rule + fonts.body.line_height() / 2;

  const std::string title = upper(trim(detail::to_printable_ascii(spec.title)));
  if (spec.page_number == 1 && !title.empty()) {
    layout.put(fonts.title, title, true);
    layout.y += fonts.body.line_height() / 2;
  }

  RenderedPage out;
  const int content = width - 2 * layout.margin;
  const int bottom = height - layout.margin;
  const int line_height = fonts.body.line_height();
  const int space = fonts.body.width(" ");
  for (std::size_t pi = 0; pi < spec.paragraphs.size(); ++pi) {
    std::vector<Token> tokens = tokenize(detail::to_printable_ascii(spec.paragraphs[pi]));
    // Words wider than a line are split so nothing runs past the margin.
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      const Font& font = tokens[k].bold ? fonts.heading : fonts.body;
      if (font.width(tokens[k].text) <= content) continue;
      std::size_t fit = tokens[k].text.size() - 1;
      while (fit > 1 && font.width(std::string_view(tokens[k].text).substr(0, fit)) > content) --fit;
      Token rest{tokens[k].text.substr(fit), tokens[k].bold};
      tokens[k].text.resize(fit);
      tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(k) + 1, std::move(rest));
    }
    std::size_t next = 0;
    while (next < tokens.size()) {
      if (layout.y + line_height > bottom) break;
      std::size_t end = next;
      int used = 0;
      while (end < tokens.size()) {
        const Font& font = tokens[end].bold ? fonts.heading : fonts.body;
        const int w = font.width(tokens[end].text) + (end > next ? space : 0);
        if (end > next && used + w > content) break;
        used += w;
        ++end;
      }
      int x = layout.margin;
      const int baseline = layout.y + fonts.body.ascender();
      for (std::size_t k = next; k < end; ++k) {
        const Font& font = tokens[k].bold ? fonts.heading : fonts.body;
        if (k > next) x += space;
        font.draw(layout.page, x, baseline, tokens[k].text);
        x += font.width(tokens[k].text);
      }
      layout.lines.push_back(join(tokens, next, end));
      layout.y += line_height;
      next = end;
    }
    if (next < tokens.size()) {
      out.overflow.push_back(join(tokens, next, tokens.size()));
      for (std::size_t rest = pi + 1; rest < spec.paragraphs.size(); ++rest) {
        out.overflow.push_back(spec.paragraphs[rest]);
      }
      break;
    }
    layout.y += line_height / 2;
  }
  out.image = std::move(layout.page);
  for (const std::string& line : layout.lines) {
    if (!out.ground_truth.empty()) out.ground_truth += '\n';
    out.ground_truth += line;
  }
  return out;
}

void draw_footer(RenderedPage& page, int page_number, int page_count, int dpi) {
  const Font& font = typesetter(dpi).footer;
  const std::string text = "Page " + std::to_string(page_number) + " of " + std::to_string(page_count);
  const int baseline = page.image.height - dpi / 2;
  font.draw(page.image, (page.image.width - font.width(text)) / 2, baseline, text);
  if (!page.ground_truth.empty()) page.ground_truth += '\n';
  page.ground_truth += text;
}

}  // namespace

RenderedPage render_page(const PageSpec& spec, int dpi) {
  RenderedPage page = render_body(spec, dpi);
  draw_footer(page, spec.page_number, std::max(spec.page_count, spec.page_number), dpi);
  return page;
}

void detail::draw_centred_text(Image& page, int centre_x, int baseline, std::string_view text) {
  const Font& font = typesetter(page.dpi_x > 0 ? page.dpi_x : 300).body;
  font.draw(page, centre_x - font.width(text) / 2, baseline, text);
}

std::vector<RenderedPage> render_document(PageSpec first_page, int max_pages, int dpi) {
  std::vector<RenderedPage> pages;
  PageSpec spec = std::move(first_page);
  spec.page_number = 1;
  for (int n = 1; n <= std::max(1, max_pages); ++n) {
    spec.page_number = n;
    RenderedPage page = render_body(spec, dpi);
    // A page that placed no body text would repeat forever.
    const bool stuck = page.overflow.size() == spec.paragraphs.size() &&
                       (page.overflow.empty() || page.overflow.front() == spec.paragraphs.front());
    spec.paragraphs = page.overflow;
    pages.push_back(std::move(page));
    if (spec.paragraphs.empty() || stuck) break;
  }
  const int count = static_cast<int>(pages.size());
  for (int n = 0; n < count; ++n) draw_footer(pages[static_cast<std::size_t>(n)], n + 1, count, dpi);
  return pages;
}

}  // namespace chartroom::testgen
