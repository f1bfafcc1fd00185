// libFuzzer target: one input is one image file, opened and decoded page by
// page through capture::open_image exactly as ingest does (the file is written
// to a private temp file first: open_image reads a descriptor it opens itself).
// fuzz_tiff, fuzz_png, fuzz_jpeg and fuzz_pdf are this file with different seeds; the
// decoder is chosen by content, so each also reaches the others.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "capture/capture.h"

namespace {

const std::filesystem::path& scratch() {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("chartroom-fuzz-" + std::to_string(::getpid()) + CHARTROOM_FUZZ_SUFFIX);
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chartroom;
  std::FILE* out = std::fopen(scratch().c_str(), "wb");
  if (out == nullptr) return 0;
  if (size > 0) std::fwrite(data, 1, size, out);
  std::fclose(out);
  // Smaller than the defaults, so one input cannot take libFuzzer's whole memory
  // budget; the limit checks themselves are what is exercised.
  capture::DecodeLimits limits;
  limits.max_pixels = 4'000'000;
  limits.max_dimension = 8'000;
  limits.max_pages = 64;
  auto reader = capture::open_image(scratch(), "fuzz" CHARTROOM_FUZZ_SUFFIX, limits);
  if (!reader) return 0;
  for (int i = 0; i < (*reader)->page_count(); ++i) {
    auto page = (*reader)->read_page(i);
    if (page && (page->width <= 0 || page->height <= 0 || page->pixels.empty())) __builtin_trap();
    (void)(*reader)->embedded_text(i);  // a PDF's text layer (other formats have none)
  }
  return 0;
}
