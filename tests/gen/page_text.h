// Page text as OCR gives it, without rendering images: body text wrapped to
// printed lines, and OCR-like character noise. Shared by the classify bench and
// the corpus the document-type model is trained on; each brings its own page
// layouts (headers, footers) and its own seeds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

// OCR noise at `rate` per character: look-alikes (0/O, 1/l, 5/S, e/c, m/rn,
// I/l), a dropped lower-case letter now and then, a doubled space.
std::string ocr_noise(std::string_view text, detail::Rng& rng, double rate);

// Paragraphs wrapped at word boundaries into lines of at most `width`
// characters (a longer word stands on a line of its own).
std::vector<std::string> wrap_words(const std::vector<std::string>& paragraphs, std::size_t width);

}  // namespace chartroom::testgen
