// A corpus of hostile and broken input files, made by code: the inputs a
// scanner share really receives from firmware bugs, failed transfers, damaged
// archives and careless or malicious users. Used by the hostile-input tests and
// as the seed corpora of the fuzzers (chartroom-hostile-corpus).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/core.h"

namespace chartroom::hostile {

// One bad input and what chartroom must say about it.
struct Case {
  std::string name;        // file name inside the corpus folder (may hold spaces, unicode, metacharacters)
  std::string kind;        // the class of bad input, for the report table
  std::string expect;      // words the quarantine reason must contain (besides the file's name)
  bool rejected = false;   // refused while listing the folder (links, pipes) rather than by the decoder
};

// Small but real scans to damage: a one-page G4 TIFF, a one-page LZW gray TIFF,
// a PNG and a JPEG, each a rendered chart page at `dpi`.
struct Originals {
  std::vector<std::uint8_t> g4_tiff;
  std::vector<std::uint8_t> lzw_tiff;
  std::vector<std::uint8_t> jpeg_tiff;
  std::vector<std::uint8_t> png;
  std::vector<std::uint8_t> jpeg;
  std::vector<std::uint8_t> g4_pdf;  // scanner PDFs: G4 with a text layer, gray JPEG
  std::vector<std::uint8_t> jpeg_pdf;
  std::vector<std::uint8_t> locked_pdf;  // encrypted (refused)
  std::vector<std::uint8_t> script_pdf;  // /OpenAction JavaScript (refused)
};
Originals make_originals(int dpi = 100);

// Writes every bad input into `folder` (created if missing) and returns the
// cases. `outside` is a folder beside it, for the targets of links that point
// out of the watched folder. Truncations are taken at `truncations` offsets
// spread over the TIFF.
std::vector<Case> write_corpus(const Originals& originals, const std::filesystem::path& folder,
                               const std::filesystem::path& outside, int truncations = 8);

// TIFF surgery on a classic little-endian TIFF (what libtiff writes here):
// replaces the value of `tag` in the first directory (the first element of an
// array), or its count when `count` is set. False if the tag is absent.
bool patch_tiff_tag(std::vector<std::uint8_t>& tiff, std::uint16_t tag, std::uint32_t value, bool count = false);

// Where the first strip's data starts and how long it is (0, 0 if unknown).
std::pair<std::uint32_t, std::uint32_t> first_strip(const std::vector<std::uint8_t>& tiff);

std::vector<std::uint8_t> read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

}  // namespace chartroom::hostile
