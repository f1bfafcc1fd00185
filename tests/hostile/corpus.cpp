#include "tests/hostile/corpus.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

#include "tests/gen/testgen.h"

namespace chartroom::hostile {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

namespace {

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return at + 4 > b.size() ? 0
                           : std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
                                 std::uint32_t{b[at + 3]} << 24;
}
std::uint16_t le16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return at + 2 > b.size() ? 0 : static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

// Offset of the 12-byte directory entry for `tag` in the first IFD, or 0.
std::size_t find_entry(const std::vector<std::uint8_t>& tiff, std::uint16_t tag) {
  if (tiff.size() < 8 || tiff[0] != 'I' || tiff[1] != 'I') return 0;
  const std::size_t ifd = le32(tiff, 4);
  const std::size_t n = le16(tiff, ifd);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.size()) return 0;
    if (le16(tiff, entry) == tag) return entry;
  }
  return 0;
}

std::vector<std::uint8_t> encode(const Image& page, testgen::Encoding encoding,
                                 const testgen::PdfExtras& extras = {}) {
  const fs::path temp = fs::temp_directory_path() /
                        ("chartroom-hostile-" + std::to_string(::getpid()) + "-" +
                         std::to_string(static_cast<int>(encoding)) + ".img");
  const bool pdf = encoding == testgen::Encoding::kPdfG4 || encoding == testgen::Encoding::kPdfJpeg;
  auto ok =
      pdf ? testgen::write_pdf({page}, temp, encoding, extras) : testgen::write_pages({page}, temp, encoding);
  if (!ok) throw std::runtime_error(ok.error().message);
  auto bytes = read_file(temp);
  fs::remove(temp);
  return bytes;
}

std::vector<std::uint8_t> cut(const std::vector<std::uint8_t>& bytes, std::size_t size) {
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min(size, bytes.size()))};
}

// Overwrites `length` bytes at `at` with noise (never 0xFF, so JPEG markers stay where they were).
std::vector<std::uint8_t> garble(std::vector<std::uint8_t> bytes, std::size_t at, std::size_t length,
                                 std::uint32_t seed) {
  std::mt19937 random(seed);
  for (std::size_t i = at; i < std::min(bytes.size(), at + length); ++i) {
    bytes[i] = static_cast<std::uint8_t>(random() % 0xFF);
  }
  return bytes;
}

// Start and length of the first chunk of `type` in a PNG, or (0, 0).
std::pair<std::size_t, std::size_t> png_chunk(const std::vector<std::uint8_t>& png, const char* type) {
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::size_t length = std::uint32_t{png[at]} << 24 | std::uint32_t{png[at + 1]} << 16 |
                               std::uint32_t{png[at + 2]} << 8 | png[at + 3];
    if (std::memcmp(png.data() + at + 4, type, 4) == 0) return {at + 8, length};
    at += 12 + length;
  }
  return {0, 0};
}

}  // namespace

bool patch_tiff_tag(std::vector<std::uint8_t>& tiff, std::uint16_t tag, std::uint32_t value, bool count) {
  const std::size_t entry = find_entry(tiff, tag);
  if (entry == 0) return false;
  if (count) {
    put32(tiff, entry + 4, value);
    return true;
  }
  std::uint16_t type = le16(tiff, entry + 2);
  const std::uint32_t n = le32(tiff, entry + 4);
  if (type == 3 && n == 1 && value > 0xFFFF) {  // a single SHORT becomes a LONG to hold the value
    put16(tiff, entry + 2, 4);
    type = 4;
  }
  const std::size_t width = type == 3 ? 2 : 4;  // SHORT or LONG
  std::size_t at = entry + 8;
  if (n * width > 4) at = le32(tiff, entry + 8);
  if (at + width > tiff.size()) return false;
  if (width == 2) {
    put16(tiff, at, static_cast<std::uint16_t>(value));
  } else {
    put32(tiff, at, value);
  }
  return true;
}

std::pair<std::uint32_t, std::uint32_t> first_strip(const std::vector<std::uint8_t>& tiff) {
  auto value = [&](std::uint16_t tag) -> std::uint32_t {
    const std::size_t entry = find_entry(tiff, tag);
    if (entry == 0) return 0;
    const std::uint16_t type = le16(tiff, entry + 2);
    const std::uint32_t n = le32(tiff, entry + 4);
    const std::size_t width = type == 3 ? 2 : 4;
    std::size_t at = entry + 8;
    if (n * width > 4) at = le32(tiff, entry + 8);
    return width == 2 ? le16(tiff, at) : le32(tiff, at);
  };
  return {value(273), value(279)};  // StripOffsets, StripByteCounts
}

Originals make_originals(int dpi) {
  testgen::PageSpec spec;
  spec.patient = testgen::load_patients({}).front();  // the built-in list: no data files needed
  spec.title = "Progress note";
  spec.paragraphs = {"SUBJECTIVE: The patient reports a dry cough for two weeks.",
                     "PLAN: Chest film. Follow up in one week."};
  const Image page = testgen::render_page(spec, dpi).image;
  const Image bilevel = testgen::scan(page, {.output_dpi = dpi, .bilevel = true}, 7);
  const Image gray = testgen::scan(page, {.noise_sigma = 3, .output_dpi = dpi}, 8);
  Originals o;
  o.g4_tiff = encode(bilevel, testgen::Encoding::kTiffG4);
  o.lzw_tiff = encode(gray, testgen::Encoding::kTiffLzw);
  o.jpeg_tiff = encode(gray, testgen::Encoding::kTiffJpeg);
  o.png = encode(gray, testgen::Encoding::kPng);
  o.jpeg = encode(gray, testgen::Encoding::kJpeg);
  o.g4_pdf = encode(bilevel, testgen::Encoding::kPdfG4, {.text_layer = "Progress note"});
  o.jpeg_pdf = encode(gray, testgen::Encoding::kPdfJpeg);
  o.locked_pdf = encode(bilevel, testgen::Encoding::kPdfG4, {.text_layer = {}, .encrypted = true});
  o.script_pdf = encode(bilevel, testgen::Encoding::kPdfG4,
                        {.text_layer = {}, .encrypted = false, .open_action_javascript = true});
  return o;
}

std::vector<Case> write_corpus(const Originals& o, const fs::path& folder, const fs::path& outside,
                               int truncations) {
  fs::create_directories(folder);
  fs::create_directories(outside);
  std::vector<Case> cases;
  auto add = [&](std::string name, std::string kind, std::string expect, const std::vector<std::uint8_t>& bytes) {
    write_file(folder / name, bytes);
    cases.push_back({std::move(name), std::move(kind), std::move(expect), false});
  };
  const std::string damaged = "damaged";

  add("empty.tif", "zero-byte file", "empty", {});
  add("header only.tif", "TIFF header and nothing else", damaged, cut(o.g4_tiff, 8));
  // Truncations spread over the whole file; libtiff writes the directory last,
  // so each of them loses it, and the early ones lose the image data too.
  for (int i = 0; i < truncations; ++i) {
    const std::size_t at = 16 + (o.g4_tiff.size() - 32) * static_cast<std::size_t>(i) /
                                    static_cast<std::size_t>(std::max(1, truncations));
    add("truncated at " + std::to_string(at) + ".tif", "TIFF truncated", damaged, cut(o.g4_tiff, at));
  }
  {
    auto bytes = o.g4_tiff;
    patch_tiff_tag(bytes, 273, static_cast<std::uint32_t>(bytes.size() + 100000));  // StripOffsets
    add("strip offset past the end.tif", "TIFF strip offset past the end of the file", damaged, bytes);
  }
  {
    auto bytes = o.lzw_tiff;  // 64-row strips: claim twice as many rows as there are strips for
    patch_tiff_tag(bytes, 257, 2 * le32(bytes, find_entry(bytes, 257) + 8));  // ImageLength
    add("wrong strip count.tif", "TIFF strip count does not match the image height", damaged, bytes);
  }
  {
    auto bytes = o.lzw_tiff;
    patch_tiff_tag(bytes, 279, 0xFFFFFF00U);  // StripByteCounts: the first strip claims 4 GB
    add("strip byte count too large.tif", "TIFF strip length past the end of the file", damaged, bytes);
  }
  {
    auto bytes = o.g4_tiff;
    patch_tiff_tag(bytes, 259, 12345);  // Compression
    add("invalid compression.tif", "TIFF with an unknown compression tag", "compression", bytes);
  }
  {
    auto bytes = o.g4_tiff;
    const auto [offset, length] = first_strip(bytes);
    add("g4 data damaged.tif", "G4 data damaged inside a well-formed TIFF", damaged,
        garble(bytes, offset + length / 3, length / 4, 11));
  }
  {
    auto bytes = o.jpeg_tiff;
    const auto [offset, length] = first_strip(bytes);
    add("jpeg in tiff damaged.tif", "JPEG-in-TIFF strip with damaged data", damaged,
        cut(garble(bytes, offset + length / 2, 64, 12), bytes.size()));
  }
  {
    auto bytes = o.g4_tiff;
    patch_tiff_tag(bytes, 256, 100000);  // ImageWidth
    patch_tiff_tag(bytes, 257, 100000);  // ImageLength
    add("bomb 100000x100000.tif", "TIFF declaring 100000 x 100000 pixels", "over the limit", bytes);
  }
  {
    Image one = Image::blank(1, 1, PixelFormat::kGray8, 300);
    one.pixels[0] = 255;
    add("one pixel.tif", "1 x 1 pixel TIFF", "pixels per side", encode(one, testgen::Encoding::kTiffLzw));
  }
  {
    auto bytes = o.png;
    for (std::size_t at : {16U, 20U}) put32(bytes, at, 0);  // IHDR width, height: big-endian 100000
    for (std::size_t at : {16U, 20U}) {
      bytes[at + 1] = 0x01, bytes[at + 2] = 0x86, bytes[at + 3] = 0xA0;
    }
    add("bomb.png", "PNG declaring 100000 x 100000 pixels", "over the limit", bytes);
  }
  add("truncated.png", "PNG truncated", "truncated or damaged", cut(o.png, o.png.size() / 2));
  {
    const auto [at, length] = png_chunk(o.png, "IDAT");
    add("corrupt idat.png", "PNG with a damaged IDAT chunk", "truncated or damaged",
        garble(o.png, at + length / 3, 32, 13));
  }
  add("truncated.jpg", "JPEG truncated", "truncated or damaged", cut(o.jpeg, o.jpeg.size() * 3 / 5));
  add("corrupt scan data.jpg", "JPEG with damaged entropy-coded data", "truncated or damaged",
      garble(o.jpeg, o.jpeg.size() / 2, 200, 14));
  {
    auto bytes = o.jpeg;
    bytes.resize(bytes.size() / 3);  // a JPEG header with a PNG's tail: neither
    add("jpeg header png body.png", "JPEG named .png, cut short", "truncated or damaged", bytes);
  }
  {
    const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    add("chart.pdf", "a PDF without pages or cross-reference table", "not a readable PDF",
        {pdf.begin(), pdf.end()});
  }
  add("scan cut short.pdf", "scanner PDF truncated", damaged, cut(o.g4_pdf, o.g4_pdf.size() / 2));
  add("scan without its end.pdf", "scanner PDF without its trailer", damaged,
      cut(o.g4_pdf, o.g4_pdf.size() - 30));
  add("locked.pdf", "encrypted PDF", "encrypted (password protected)", o.locked_pdf);
  add("script.pdf", "PDF with /OpenAction JavaScript", "JavaScript", o.script_pdf);
  {
    const std::string text = "Dear colleague,\nplease find the referral attached.\n";
    add("referral.tif", "a text file named .tif", "looks like text", {text.begin(), text.end()});
  }
  // Hostile names; each file a distinct truncation so none is a duplicate of another.
  add("résumé ünïcödé 診療 記録.tif", "unicode name (damaged TIFF)", damaged, cut(o.g4_tiff, 20));
  add("$(touch PWNED); `touch PWNED2` 'a' \"b\" | & > < * ? ! #.tif", "shell metacharacters in the name (damaged TIFF)",
      damaged, cut(o.g4_tiff, 21));
  add("-rf --help.tif", "name that looks like an option (damaged TIFF)", damaged, cut(o.g4_tiff, 22));
  add("  spaces   around  .tif", "spaces in the name (damaged TIFF)", damaged, cut(o.g4_tiff, 23));

  // Links out of the folder, to a real scan and to nothing; a pipe.
  write_file(outside / "outside.tif", o.g4_tiff);
  fs::create_symlink(outside / "outside.tif", folder / "link out of the folder.tif");
  cases.push_back({"link out of the folder.tif", "symbolic link pointing out of the folder", "link", true});
  fs::create_symlink(outside / "missing.tif", folder / "dangling link.tif");
  cases.push_back({"dangling link.tif", "dangling symbolic link", "link", true});
  fs::create_symlink("/etc/passwd", folder / "passwd.tif");
  cases.push_back({"passwd.tif", "symbolic link to a system file", "link", true});
  if (::mkfifo((folder / "pipe.tif").c_str(), 0600) == 0) {
    cases.push_back({"pipe.tif", "a named pipe (reading it would block forever)", "not a regular file", true});
  }
  return cases;
}

}  // namespace chartroom::hostile
