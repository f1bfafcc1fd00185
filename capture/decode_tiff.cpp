// TIFF pages through libtiff, one directory at a time, with libtiff's messages
// captured per handle (not through the process-wide handlers, so readers on
// different threads do not mix their messages or print to stderr).
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

#include "capture/decode.h"

namespace chartroom::capture::detail {
namespace {

struct TiffMessages {
  std::string errors;
  std::string warnings;
  std::string damage;  // warnings from a decoder that mean pixels were lost or made up
};

// libtiff reports some damage to the pixel data only as a warning and goes on
// with made-up rows: a CCITT line of the wrong length or a premature end of
// the fax data (Fax3/Fax4 decoders), or libjpeg's "premature end of data" and
// "corrupt JPEG data" inside a JPEG-compressed TIFF. Those are errors here: a
// page with lost lines must not be filed as if it were whole. Warnings about
// tags ("unknown field", "ASCII value not NUL-terminated") are harmless.
bool warning_means_damage(std::string_view module, std::string_view text) {
  for (std::string_view decoder : {"Fax3", "Fax4", "JPEGLib", "JPEGDecode", "LZWDecode", "ZIPDecode",
                                   "PackBitsDecode", "DumpModeDecode", "ThunderDecode", "NeXTDecode"}) {
    if (module.starts_with(decoder)) return true;
  }
  for (std::string_view lost : {"Premature EOF", "Premature EOL", "Bad code word", "Line length mismatch",
                                "Not enough data", "Corrupt", "corrupt", "Premature end"}) {
    if (text.find(lost) != std::string_view::npos) return true;
  }
  return false;
}

int append_message(std::string& out, const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  if (!out.empty()) out += "; ";
  if (module != nullptr && *module != '\0') out += std::string(module) + ": ";
  out += text;
  return 1;  // handled: keep libtiff's global handler (stderr) out of it
}

int on_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  return append_message(static_cast<TiffMessages*>(user)->errors, module, fmt, ap);
}
int on_warning(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* messages = static_cast<TiffMessages*>(user);
  va_list copy;
  va_copy(copy, ap);
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, copy);
  va_end(copy);
  if (warning_means_damage(module != nullptr ? module : "", text)) {
    append_message(messages->damage, module, fmt, ap);
  }
  return append_message(messages->warnings, module, fmt, ap);
}

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};
struct OptionsFree {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};

constexpr const char* kDamaged = " — the file is damaged; rescan it or recover it from the scanner";

// An unsigned integer of `size` bytes at `offset` in the file, in the file's
// byte order; nothing when the file ends before it.
std::optional<std::uint64_t> read_uint(int fd, std::uint64_t offset, int size, bool little_endian) {
  std::uint8_t bytes[8] = {};
  if (::pread(fd, bytes, static_cast<std::size_t>(size), static_cast<off_t>(offset)) != size) return std::nullopt;
  std::uint64_t value = 0;
  for (int i = 0; i < size; ++i) {
    const std::uint64_t byte = bytes[little_endian ? size - 1 - i : i];
    value = value << 8 | byte;
  }
  return value;
}

// Where the first directory would be, by the file's header; nothing when the
// header is not a TIFF header.
std::optional<std::uint64_t> first_directory(int fd) {
  std::uint8_t head[4] = {};
  if (::pread(fd, head, 4, 0) != 4) return std::nullopt;
  const bool little = head[0] == 'I' && head[1] == 'I';
  if (!little && !(head[0] == 'M' && head[1] == 'M')) return std::nullopt;
  const auto version = read_uint(fd, 2, 2, little);
  if (version == 42u) return read_uint(fd, 4, 4, little);
  if (version == 43u) return read_uint(fd, 8, 8, little);
  return std::nullopt;
}

// The offset of the directory after the current one, as the current one
// states it (0 = the last page); nothing when the file ends before that word.
std::optional<std::uint64_t> next_directory(TIFF* tif) {
  const int fd = TIFFFileno(tif);
  const bool big = TIFFIsBigTIFF(tif) != 0;
  const bool little = TIFFIsBigEndian(tif) == 0;
  const std::uint64_t at = TIFFCurrentDirOffset(tif);
  const auto entries = read_uint(fd, at, big ? 8 : 2, little);
  if (!entries) return std::nullopt;
  return read_uint(fd, at + (big ? 8 + *entries * 20 : 2 + *entries * 12), big ? 8 : 4, little);
}

// A file cut short: the scanner or a copy had not finished writing it (or,
// rarely, a damaged offset points past its end: the same to the operator).
std::string ends_inside(int page, const std::string& display_name, std::string_view what_is_missing) {
  return "the file ends inside page " + std::to_string(page) + " of " + display_name + " (" +
         std::string(what_is_missing) +
         "): the scanner may not have finished writing it, or the file is damaged; rescan or copy the file again";
}

class TiffReader final : public PageReader {
 public:
  // `pages` directories were read; with `cut_after`, the chain of directories
  // goes on past the end of the file, so one more page began and was lost.
  TiffReader(std::unique_ptr<TiffMessages> messages, std::unique_ptr<TIFF, TiffCloser> tif, int pages,
             bool cut_after, std::uint64_t file_size, std::string display_name, DecodeLimits limits)
      : messages_(std::move(messages)), tif_(std::move(tif)), pages_(pages), cut_after_(cut_after),
        file_size_(file_size), display_name_(std::move(display_name)), limits_(limits) {}

  // A page whose directory was lost with the end of the file still counts: it
  // is reported (and quarantined) as cut off, never silently missing.
  int page_count() const override { return pages_ + (cut_after_ ? 1 : 0); }
  FileFormat format() const override { return FileFormat::kTiff; }

  Result<Image> read_page(int index) override {
    const std::string where = display_name_ + ", page " + std::to_string(index + 1);
    if (index < 0 || index >= page_count()) {
      return fail(ErrorCode::kInvalidArgument,
                  where + ": no such page; the file has " + std::to_string(page_count()) + " pages");
    }
    if (index == pages_) {
      return fail(ErrorCode::kCorrupt, ends_inside(index + 1, display_name_,
                                                   "this page and any pages after it are missing"));
    }
    messages_->errors.clear();
    if (TIFFSetDirectory(tif_.get(), static_cast<tdir_t>(index)) != 1) return corrupt(where);
    // Image data that runs past the end of the file was never written: the
    // decoder would fill the rest of the page with made-up (often white) rows.
    if (data_past_end()) {
      return fail(ErrorCode::kCorrupt, ends_inside(index + 1, display_name_, "its image data stops early"));
    }
    messages_->damage.clear();
    auto image = decode(where);
    if (image && !messages_->errors.empty()) return corrupt(where);
    if (image && !messages_->damage.empty()) {
      return fail(ErrorCode::kCorrupt, where + ": the compressed image data is damaged (" + messages_->damage +
                                           "); rows of the page were lost" + kDamaged);
    }
    return image;
  }

 private:
  std::unique_ptr<TiffMessages> messages_;  // before tif_: libtiff may report while closing
  std::unique_ptr<TIFF, TiffCloser> tif_;
  int pages_;
  bool cut_after_;
  std::uint64_t file_size_;
  std::string display_name_;
  DecodeLimits limits_;

  bool data_past_end() const {
    TIFF* tif = tif_.get();
    const std::uint32_t count = TIFFIsTiled(tif) != 0 ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint64_t offset = TIFFGetStrileOffset(tif, i);
      const std::uint64_t bytes = TIFFGetStrileByteCount(tif, i);
      if (offset > file_size_ || bytes > file_size_ - offset) return true;
    }
    return false;
  }

  std::unexpected<Error> corrupt(const std::string& where) const {
    const std::string& why = messages_->errors.empty() ? std::string("libtiff could not decode it")
                                                       : messages_->errors;
    return fail(ErrorCode::kCorrupt, where + ": " + why + kDamaged);
  }

  int page_dpi() const {
    float xres = 0;
    std::uint16_t unit = RESUNIT_INCH;
    if (TIFFGetField(tif_.get(), TIFFTAG_XRESOLUTION, &xres) != 1) return limits_.assumed_dpi;
    TIFFGetFieldDefaulted(tif_.get(), TIFFTAG_RESOLUTIONUNIT, &unit);
    if (unit == RESUNIT_NONE) return limits_.assumed_dpi;
    return sane_dpi(unit == RESUNIT_CENTIMETER ? xres * 2.54 : xres, limits_);
  }

  Result<Image> decode(const std::string& where) {
    TIFF* tif = tif_.get();
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint16_t bps = 1;
    std::uint16_t spp = 1;
    std::uint16_t photometric = PHOTOMETRIC_MINISWHITE;
    std::uint16_t planar = PLANARCONFIG_CONTIG;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    if (TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric) != 1) {
      photometric = bps == 1 ? PHOTOMETRIC_MINISWHITE : PHOTOMETRIC_MINISBLACK;
    }
    if (auto ok = check_dimensions(width, height, limits_, where); !ok) return std::unexpected(ok.error());
    const int dpi = page_dpi();
    const bool gray_kind = photometric == PHOTOMETRIC_MINISWHITE || photometric == PHOTOMETRIC_MINISBLACK;
    if (gray_kind && spp == 1 && (bps == 1 || bps == 8) && TIFFIsTiled(tif) == 0) {
      Image image = Image::blank(static_cast<int>(width), static_cast<int>(height),
                                 bps == 1 ? PixelFormat::kGray1 : PixelFormat::kGray8, dpi);
      if (auto ok = read_strips(image); !ok) return corrupt(where);
      // Ours: Gray1 1 = black, Gray8 0 = black. Invert whichever the file has the other way.
      const bool invert = (bps == 1) == (photometric == PHOTOMETRIC_MINISBLACK);
      if (invert) {
        for (auto& byte : image.pixels) byte = static_cast<std::uint8_t>(~byte);
        if (const int tail = image.width % 8; bps == 1 && tail != 0) {
          for (int y = 0; y < image.height; ++y) {  // padding bits stay 0
            image.row(y)[static_cast<std::size_t>(image.stride - 1)] &= static_cast<std::uint8_t>(0xFF << (8 - tail));
          }
        }
      }
      return image;
    }
    return read_rgba(static_cast<int>(width), static_cast<int>(height), spp == 1 && gray_kind, dpi, where);
  }

  Status read_strips(Image& image) {
    TIFF* tif = tif_.get();
    std::uint32_t rows_per_strip = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    rows_per_strip = std::clamp<std::uint32_t>(rows_per_strip, 1, static_cast<std::uint32_t>(image.height));
    const tmsize_t scanline = TIFFScanlineSize(tif);
    if (scanline < image.stride) return fail(ErrorCode::kCorrupt, "");
    std::vector<std::uint8_t> strip(static_cast<std::size_t>(scanline) * rows_per_strip);
    for (std::uint32_t first = 0; first < static_cast<std::uint32_t>(image.height); first += rows_per_strip) {
      const std::uint32_t rows = std::min(rows_per_strip, static_cast<std::uint32_t>(image.height) - first);
      const tmsize_t want = scanline * static_cast<tmsize_t>(rows);
      const tmsize_t got = TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, first, 0), strip.data(), want);
      if (got < want) return fail(ErrorCode::kCorrupt, "");
      for (std::uint32_t r = 0; r < rows; ++r) {
        std::memcpy(image.row(static_cast<int>(first + r)).data(),
                    strip.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(scanline),
                    static_cast<std::size_t>(image.stride));
      }
    }
    return {};
  }

  // Everything else (colour, palette, JPEG YCbCr, 16-bit, tiled) through the
  // RGBA interface, which converts all of them; alpha is composited on white.
  Result<Image> read_rgba(int width, int height, bool gray, int dpi, const std::string& where) {
    TIFF* tif = tif_.get();
    char why[1024] = "";
    if (TIFFRGBAImageOK(tif, why) != 1) {
      return fail(ErrorCode::kUnsupported, where + ": a TIFF layout chartroom cannot read (" + why +
                                               "); have the scanner save standard TIFF");
    }
    std::vector<std::uint32_t> raster(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    if (TIFFReadRGBAImageOriented(tif, static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height),
                                  raster.data(), ORIENTATION_TOPLEFT, 0) != 1) {
      return corrupt(where);
    }
    Image image = Image::blank(width, height, gray ? PixelFormat::kGray8 : PixelFormat::kRgb8, dpi);
    const std::uint32_t* src = raster.data();
    for (int y = 0; y < height; ++y) {
      std::uint8_t* dst = image.row(y).data();
      for (int x = 0; x < width; ++x, ++src) {
        const unsigned a = TIFFGetA(*src);
        auto over_white = [a](unsigned c) { return static_cast<std::uint8_t>((c * a + 255 * (255 - a)) / 255); };
        if (gray) {
          *dst++ = over_white(TIFFGetR(*src));
        } else {
          *dst++ = over_white(TIFFGetR(*src));
          *dst++ = over_white(TIFFGetG(*src));
          *dst++ = over_white(TIFFGetB(*src));
        }
      }
    }
    return image;
  }
};

}  // namespace

Result<std::unique_ptr<PageReader>> open_tiff(int fd, const std::string& display_name,
                                              const DecodeLimits& limits) {
  auto messages = std::make_unique<TiffMessages>();
  std::unique_ptr<TIFFOpenOptions, OptionsFree> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), on_error, messages.get());
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), on_warning, messages.get());
  // Bomb guard: no single libtiff buffer larger than a maximal RGBA page.
  TIFFOpenOptionsSetMaxSingleMemAlloc(
      options.get(), static_cast<tmsize_t>(std::max<std::uint64_t>(limits.max_pixels * 4, 64u << 20)));
  // libtiff puts this name in its messages, which follow ours: the file name alone.
  const std::string tiff_name = std::filesystem::path(display_name).filename().string();
  // "m": read with read(2), never mmap: a file cut short meanwhile must not
  // turn into SIGBUS. TIFFClose closes the descriptor; a failed open does not.
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFFdOpenExt(fd, tiff_name.c_str(), "rm", options.get()));
  if (!tif) {
    struct stat st {};
    const auto first = first_directory(fd);
    const bool cut = first && ::fstat(fd, &st) == 0 && *first >= static_cast<std::uint64_t>(st.st_size);
    ::close(fd);
    if (cut) return fail(ErrorCode::kCorrupt, ends_inside(1, display_name, "no page of it is whole"));
    return fail(ErrorCode::kCorrupt, display_name + ": not a readable TIFF: " +
                                         (messages->errors.empty() ? "libtiff cannot open it" : messages->errors) +
                                         kDamaged);
  }
  struct stat st {};
  const std::uint64_t file_size = ::fstat(TIFFFileno(tif.get()), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  messages->errors.clear();
  const auto pages = static_cast<std::uint64_t>(TIFFNumberOfDirectories(tif.get()));
  // The last directory read points to another that lies past the end of the
  // file: libtiff (and most scanners) write each page's directory after its
  // image data, so a file cut inside page N holds only pages 1 to N-1.
  bool cut_after = false;
  if (pages > 0 && TIFFSetDirectory(tif.get(), static_cast<tdir_t>(pages - 1)) == 1) {
    const auto next = next_directory(tif.get());
    cut_after = !next || *next >= file_size;
  }
  messages->errors.clear();
  if (pages == 0) {
    return fail(ErrorCode::kCorrupt, display_name + ": the TIFF holds no pages" + kDamaged);
  }
  if (pages > static_cast<std::uint64_t>(limits.max_pages)) {
    return fail(ErrorCode::kTooLarge, display_name + ": " + std::to_string(pages) +
                                          " pages is over the limit of " + std::to_string(limits.max_pages) +
                                          " pages per file; split the batch or raise max_pages");
  }
  return std::make_unique<TiffReader>(std::move(messages), std::move(tif), static_cast<int>(pages), cut_after,
                                      file_size, display_name, limits);
}

}  // namespace chartroom::capture::detail
